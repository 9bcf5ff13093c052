from decimal import Decimal

from django.db import migrations

# The preset flag rules (zhaoluo/service/flags.py PRESETS), copied here so the migration does not
# change when the presets do.
PRESETS = [
    ("orders-down-20", "订单下降 20% 以上", "orders_change_pct", "lte", Decimal(-20)),
    ("output-down-20", "产值下降 20% 以上", "output_change_pct", "lte", Decimal(-20)),
    ("layoffs-planned", "计划裁员", "layoffs_planned", "yes", None),
    ("relocation-considered", "考虑外迁", "relocation_considered", "yes", None),
    ("wage-arrears", "拖欠工资", "wage_arrears", "yes", None),
    ("lease-ending-6m", "租约 6 个月内到期", "lease_ends_on", "within_months", Decimal(6)),
    ("financing-difficult", "融资困难", "financing_difficult", "yes", None),
    ("policy-unaware", "未享受惠企政策", "policy_aware", "no", None),
]


def add(apps, schema_editor):
    FlagRule = apps.get_model("service", "FlagRule")
    for code, name, question, op, threshold in PRESETS:
        FlagRule.objects.get_or_create(
            code=code, defaults={"name": name, "question": question, "op": op, "threshold": threshold}
        )


class Migration(migrations.Migration):
    dependencies = [("service", "0001_initial")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
