"""帮扶情况收集表: a periodic form per key project (monthly) or enterprise (quarterly).

Its lines, one per factor, say what is needed, what was done and what is still needed;
submitting the form turns every still-needed line into a problem, linked from the line.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhaoluo.core.models import BaseModel

from . import periods
from .choices import FACTOR_CHOICES, FACTORS, FormStatus, PeriodKind


class AssistanceForm(BaseModel):
    district = models.ForeignKey("orgs.Region", verbose_name=_("所属区"), on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("重点项目"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assistance_forms",
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assistance_forms",
    )
    period_kind = models.CharField(_("周期"), max_length=8, choices=PeriodKind.choices)
    period_start = models.DateField(_("所属期"), help_text=_("月度为当月 1 日，季度为季度首日"))
    status = models.CharField(_("状态"), max_length=16, choices=FormStatus.choices, default=FormStatus.DRAFT)
    summary = models.TextField(_("总体情况"), blank=True)
    filled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("填报人"), on_delete=models.PROTECT, related_name="+"
    )
    filled_on = models.DateField(_("填报日期"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_on = models.DateField(_("提交日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("帮扶情况收集表")
        verbose_name_plural = _("帮扶情况收集表")
        ordering = ["-period_start", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(project__isnull=False, enterprise__isnull=True, period_kind=PeriodKind.MONTH))
                | (Q(project__isnull=True, enterprise__isnull=False, period_kind=PeriodKind.QUARTER)),
                name="assistance_form_one_subject",
                violation_error_message="收集表须且只能针对一个重点项目（按月）或一家企业（按季度）",
            ),
            models.UniqueConstraint(
                fields=["project", "period_start"],
                condition=Q(project__isnull=False),
                name="assistance_form_one_per_project_period",
                violation_error_message="该项目本期的收集表已存在",
            ),
            models.UniqueConstraint(
                fields=["enterprise", "period_start"],
                condition=Q(enterprise__isnull=False),
                name="assistance_form_one_per_enterprise_period",
                violation_error_message="该企业本期的收集表已存在",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject_name} {self.period_label}帮扶情况收集表"

    @property
    def subject(self) -> models.Model:
        subject = self.project if self.project_id else self.enterprise
        assert subject is not None
        return subject

    @property
    def subject_name(self) -> str:
        return str(self.subject)

    @property
    def subject_kind_label(self) -> str:
        return "重点项目" if self.project_id else "企业"

    @property
    def period_label(self) -> str:
        return periods.label(self.period_kind, self.period_start)

    @property
    def is_draft(self) -> bool:
        return self.status == FormStatus.DRAFT


class AssistanceLine(models.Model):
    form = models.ForeignKey(AssistanceForm, verbose_name=_("收集表"), on_delete=models.CASCADE, related_name="lines")
    factor = models.CharField(_("要素"), max_length=16, choices=FACTOR_CHOICES)
    need = models.TextField(_("需求"), blank=True)
    done = models.TextField(_("已做工作"), blank=True)
    still_needed = models.TextField(_("仍需解决"), blank=True)
    suggested_unit = models.ForeignKey(
        "orgs.Unit",
        verbose_name=_("建议责任单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    suggested_due_on = models.DateField(_("建议办结时限"), null=True, blank=True)
    # A still-needed item that stays open month after month keeps pointing at the one problem
    # raised for it, so several periods' lines may share a problem.
    problem = models.ForeignKey(
        "problems.Problem",
        verbose_name=_("转办问题"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assistance_lines",
    )

    class Meta:
        verbose_name = _("收集表要素")
        verbose_name_plural = _("收集表要素")
        constraints = [
            models.UniqueConstraint(fields=["form", "factor"], name="assistance_line_one_per_factor"),
        ]

    def __str__(self) -> str:
        return f"{self.get_factor_display()}：{self.still_needed or self.need}"[:80]

    @property
    def order(self) -> int:
        return [c.value for c in FACTORS].index(self.factor)

    @property
    def is_empty(self) -> bool:
        return not (self.need.strip() or self.done.strip() or self.still_needed.strip())
