from django.db import migrations


def add_presets(apps, schema_editor):
    from zhaoluo.supervision.presets import DEADLINE_PRESETS, ESCALATION_PRESETS

    for model, presets in (("EscalationRule", ESCALATION_PRESETS), ("DeadlineRule", DEADLINE_PRESETS)):
        Model = apps.get_model("supervision", model)
        for preset in presets:
            Model.objects.get_or_create(code=preset["code"], defaults={k: v for k, v in preset.items() if k != "code"})


def remove_presets(apps, schema_editor):
    from zhaoluo.supervision.presets import DEADLINE_PRESETS, ESCALATION_PRESETS

    apps.get_model("supervision", "EscalationRule").objects.filter(
        code__in=[p["code"] for p in ESCALATION_PRESETS]
    ).delete()
    apps.get_model("supervision", "DeadlineRule").objects.filter(
        code__in=[p["code"] for p in DEADLINE_PRESETS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("supervision", "0001_initial")]
    operations = [migrations.RunPython(add_presets, remove_presets)]
