"""一网通办: the catalogue of approval items and each project's approvals.

The project's 全国投资项目代码 is Project.national_code (projects app); it is not kept here."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from zhaoluo.core.models import BaseModel

from .choices import DECIDED, Status


class ApprovalItem(BaseModel):
    """One kind of approval in the catalogue, with its time limit in working days."""

    code = models.SlugField(_("事项代码"), max_length=32, unique=True)
    name = models.CharField(_("审批事项"), max_length=64, unique=True)
    limit_workdays = models.PositiveSmallIntegerField(_("法定/承诺时限（工作日）"), validators=[MinValueValidator(1)])
    basis = models.CharField(_("时限依据"), max_length=200, blank=True)
    # A name, not a Unit: the catalogue is shared and each district matches it to its own unit.
    default_department = models.CharField(_("默认办理部门"), max_length=100, blank=True)
    position = models.PositiveSmallIntegerField(_("排序"), default=100)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("审批事项类型")
        verbose_name_plural = _("审批事项目录")
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(limit_workdays__gte=1), name="approval_item_limit_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class Approval(BaseModel):
    """One approval item of one project: who handles it, when it went in, when it came out."""

    project = models.ForeignKey(
        "projects.Project", verbose_name=_("项目"), on_delete=models.PROTECT, related_name="approvals"
    )
    item = models.ForeignKey(ApprovalItem, verbose_name=_("审批事项"), on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        "orgs.Unit",
        verbose_name=_("办理部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="approvals",
    )
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.NOT_SUBMITTED)
    submitted_on = models.DateField(_("申报（受理）日期"), null=True, blank=True)
    decided_on = models.DateField(_("办结日期"), null=True, blank=True)
    legal_workdays = models.PositiveSmallIntegerField(_("法定/承诺时限（工作日）"))
    limit_workdays = models.PositiveSmallIntegerField(_("执行时限（工作日）"))
    limit_rule = models.CharField(_("时限调整规则"), max_length=100, blank=True)
    due_on = models.DateField(_("办结时限"), null=True, blank=True)
    workdays_taken = models.IntegerField(_("办理用时（工作日）"), null=True, blank=True)
    is_late = models.BooleanField(_("超时"), default=False)
    note = models.TextField(_("备注"), blank=True)
    problem = models.ForeignKey(
        "problems.Problem",
        verbose_name=_("超时问题"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="approvals",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("审批事项")
        verbose_name_plural = _("审批事项")
        ordering = ["project_id", "item__position", "id"]
        indexes = [
            models.Index(fields=["status", "due_on"]),
            models.Index(fields=["decided_on"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["project", "item"], name="approval_one_per_project_item"),
            models.CheckConstraint(
                condition=Q(decided_on__isnull=True) | Q(submitted_on__isnull=False, decided_on__gte=F("submitted_on")),
                name="approval_decided_after_submitted",
                violation_error_message="办结日期不能早于申报日期",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item.name}（{self.project.name}）" if self.item_id and self.project_id else "审批事项"

    @property
    def is_decided(self) -> bool:
        return self.status in DECIDED

    def overdue_on(self, today: dt.date) -> bool:
        """Still with the department past its due date."""
        return self.status == Status.HANDLING and self.due_on is not None and self.due_on < today
