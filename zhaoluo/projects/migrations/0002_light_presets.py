from django.db import migrations


def add_presets(apps, schema_editor):
    from zhaoluo.projects.lights import PRESETS

    LightRule = apps.get_model("projects", "LightRule")
    for preset in PRESETS:
        LightRule.objects.get_or_create(code=preset["code"], defaults={k: v for k, v in preset.items() if k != "code"})


def remove_presets(apps, schema_editor):
    from zhaoluo.projects.lights import PRESETS

    apps.get_model("projects", "LightRule").objects.filter(code__in=[p["code"] for p in PRESETS]).delete()


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_initial")]
    operations = [migrations.RunPython(add_presets, remove_presets)]
