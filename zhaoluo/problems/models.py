"""A problem: what is wrong, who handles it, by when (the one record behind 三个清单)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from zhaoluo.core.models import BaseModel

from .choices import OPEN_STATUSES, Category, Origin, Satisfaction, Status


class Problem(BaseModel):
    district = models.ForeignKey("orgs.Region", verbose_name=_("所属区"), on_delete=models.PROTECT, related_name="+")
    code = models.CharField(_("问题编号"), max_length=32, unique=True)
    description = models.TextField(_("问题描述"))
    category = models.CharField(_("类别"), max_length=16, choices=Category.choices, default=Category.OTHER)
    origin = models.CharField(_("来源"), max_length=16, choices=Origin.choices, default=Origin.OTHER)
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("项目"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="problems",
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="problems",
    )
    # Visits and meeting decisions are not records yet; until they are, the source is named in words.
    origin_note = models.CharField(_("来源说明"), max_length=200, blank=True)
    unit = models.ForeignKey(
        "orgs.Unit",
        verbose_name=_("责任单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="problems",
    )
    co_units = models.ManyToManyField(
        "orgs.Unit", verbose_name=_("协办单位"), blank=True, related_name="co_handled_problems"
    )
    owner = models.ForeignKey(
        "orgs.Official",
        verbose_name=_("责任人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="problems",
    )
    raised_on = models.DateField(_("提出日期"))
    due_on = models.DateField(_("办结时限"), null=True, blank=True)
    resolved_on = models.DateField(_("办结日期"), null=True, blank=True)
    closed_on = models.DateField(_("销号日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PENDING)
    handling_note = models.TextField(_("办理情况"), blank=True)
    return_reason = models.TextField(_("退回原因"), blank=True)
    satisfaction = models.CharField(_("满意度"), max_length=16, choices=Satisfaction.choices, blank=True)
    raiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提出人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # 三级督查 (zhaoluo/supervision): who holds it now and the colour of its latest 督办单.
    supervision_level = models.PositiveSmallIntegerField(
        _("督办层级"), default=1, choices=[(1, _("第一级")), (2, _("第二级")), (3, _("第三级"))]
    )
    notice_color = models.CharField(
        _("督办颜色"),
        max_length=8,
        blank=True,
        choices=[("blue", _("蓝色")), ("yellow", _("黄色")), ("red", _("红色"))],
    )

    class Meta:
        verbose_name = _("问题")
        verbose_name_plural = _("问题")
        ordering = ["-raised_on", "-id"]
        indexes = [
            models.Index(fields=["district", "status"]),
            models.Index(fields=["due_on"]),
            # The supervision tick reads open problems by deadline only.
            models.Index(fields=["status", "due_on"], name="problem_status_due"),
            models.Index(fields=["raised_on"]),
            models.Index(fields=["resolved_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_on__isnull=True) | Q(due_on__gte=F("raised_on")),
                name="problem_due_not_before_raised",
                violation_error_message="办结时限不能早于提出日期",
            ),
            models.CheckConstraint(
                condition=Q(resolved_on__isnull=True) | Q(resolved_on__gte=F("raised_on")),
                name="problem_resolved_not_before_raised",
                violation_error_message="办结日期不能早于提出日期",
            ),
        ]

    def __str__(self) -> str:
        text = self.description if len(self.description) <= 24 else f"{self.description[:24]}…"
        return f"{self.code} {text}"

    @property
    def title(self) -> str:
        return str(self)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue(self, today: dt.date) -> bool:
        """Unresolved and past its deadline (the contract's problems_overdue, on `today`)."""
        return self.resolved_on is None and self.due_on is not None and self.due_on < today

    @property
    def resolved_on_time(self) -> bool | None:
        if self.resolved_on is None or self.due_on is None:
            return None
        return self.resolved_on <= self.due_on
