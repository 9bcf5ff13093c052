from django.db import models
from django.utils.translation import gettext_lazy as _

from zhaoluo.problems.choices import Category


class FormStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")


class PeriodKind(models.TextChoices):
    # A key project moves month by month (its progress is reported monthly); an enterprise's
    # needs change more slowly and the cadres visit quarterly, so its form is quarterly.
    MONTH = "month", _("月度")
    QUARTER = "quarter", _("季度")


# The factors of the form: the problem categories except 其他, in the order of the printed table.
FACTORS: tuple[Category, ...] = (
    Category.LAND,
    Category.LABOUR,
    Category.FINANCE,
    Category.UTILITIES,
    Category.APPROVAL,
    Category.INFRASTRUCTURE,
    Category.SUPPLY_CHAIN,
    Category.POLICY,
)
FACTOR_CHOICES = [(c.value, c.label) for c in FACTORS]
