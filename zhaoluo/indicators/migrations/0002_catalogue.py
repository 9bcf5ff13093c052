from django.db import migrations

# The catalogue the contract names, with the units district statistics use.
CATALOGUE = [
    ("规上工业总产值", "万元", "规模以上工业企业总产值", False),
    ("工业增加值增速", "%", "规模以上工业增加值同比增速", True),
    ("工业投资增速", "%", "工业投资同比增速", True),
    ("规上工业企业数", "家", "规模以上工业企业个数", False),
    ("高新技术企业数", "家", "有效期内高新技术企业个数", False),
    ("固定资产投资增速", "%", "固定资产投资同比增速", True),
    ("招商引资到位资金", "万元", "统计口径的招商引资实际到位资金", False),
]


def seed(apps, schema_editor):
    Indicator = apps.get_model("indicators", "Indicator")
    for name, unit, description, signed in CATALOGUE:
        Indicator.objects.get_or_create(name=name, defaults={"unit": unit, "description": description, "signed": signed})


def unseed(apps, schema_editor):
    apps.get_model("indicators", "Indicator").objects.filter(name__in=[c[0] for c in CATALOGUE]).delete()


class Migration(migrations.Migration):
    dependencies = [("indicators", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
