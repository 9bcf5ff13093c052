"""Meeting cadence rules, meetings, their agenda, attendance and decisions."""

from __future__ import annotations

import datetime as dt

from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhaoluo.core.models import BaseModel

from .choices import ChairBy, ItemKind, Kind, Period, Status


class CadenceRule(BaseModel):
    """How often who holds which meeting. Presets come with the data migration; an
    administrator edits them in the admin (DESIGN §3: rules are data)."""

    name = models.CharField(_("规则名称"), max_length=64, unique=True)
    kind = models.CharField(_("会议类型"), max_length=16, choices=Kind.choices)
    chair_by = models.CharField(_("主持人确定方式"), max_length=16, choices=ChairBy.choices)
    chair_post = models.CharField(
        _("主持人职务"), max_length=32, blank=True, help_text=_("按职务确定时填写，如“区长”“区委书记”")
    )
    period = models.CharField(_("周期"), max_length=16, choices=Period.choices)
    offset_days = models.PositiveSmallIntegerField(
        _("周期内第几天（从0起）"),
        default=0,
        validators=[MaxValueValidator(27)],
        help_text=_("会议安排在周期首日之后的第几天；遇节假日顺延到下一个工作日（调休上班日照常）"),
    )
    start_time = models.TimeField(_("开始时间"), default=dt.time(9, 0))
    place = models.CharField(_("地点"), max_length=100, blank=True)
    explanation = models.TextField(_("说明"), blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("会议频次规则")
        verbose_name_plural = _("会议频次规则")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(chair_by=ChairBy.POST) | ~Q(chair_post=""),
                name="cadence_post_rule_names_post",
                violation_error_message="按职务确定主持人的规则须填写职务",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Meeting(BaseModel):
    district = models.ForeignKey("orgs.Region", verbose_name=_("所属区"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    seq = models.PositiveIntegerField(_("序号"))
    kind = models.CharField(_("会议类型"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("会议名称"), max_length=128)
    chair = models.ForeignKey(
        "orgs.Official", verbose_name=_("主持人"), on_delete=models.PROTECT, related_name="chaired_meetings"
    )
    rule = models.ForeignKey(
        CadenceRule,
        verbose_name=_("频次规则"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    period_start = models.DateField(_("所属周期"), null=True, blank=True)
    held_on = models.DateField(_("会议日期"))
    start_time = models.TimeField(_("开始时间"), default=dt.time(9, 0))
    place = models.CharField(_("地点"), max_length=100, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PLANNED)
    minutes = models.TextField(_("会议纪要"), blank=True)
    cancel_reason = models.CharField(_("取消原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("会议")
        verbose_name_plural = _("会议")
        ordering = ["-held_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["district", "year", "seq"], name="meeting_number_unique"),
            # One meeting per rule, chair and period: what makes the tick idempotent.
            models.UniqueConstraint(
                fields=["rule", "chair", "period_start"],
                condition=Q(rule__isnull=False),
                name="meeting_one_per_rule_period",
            ),
        ]
        indexes = [models.Index(fields=["district", "held_on"])]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def number(self) -> str:
        return f"〔{self.year}〕{self.seq}号"

    @property
    def is_editable(self) -> bool:
        return self.status == Status.PLANNED


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, verbose_name=_("会议"), on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField(_("顺序"))
    kind = models.CharField(_("议题类型"), max_length=16, choices=ItemKind.choices)
    text = models.CharField(_("议题"), max_length=300)
    project = models.ForeignKey(
        "projects.Project", verbose_name=_("项目"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    problem = models.ForeignKey(
        "problems.Problem", verbose_name=_("问题"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision = models.ForeignKey(
        "Decision",
        verbose_name=_("上次议定事项"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reviews",
    )

    class Meta:
        verbose_name = _("议题")
        verbose_name_plural = _("议题")
        ordering = ["meeting", "position", "id"]

    def __str__(self) -> str:
        return self.text


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, verbose_name=_("会议"), on_delete=models.CASCADE, related_name="attendance")
    official = models.ForeignKey("orgs.Official", verbose_name=_("参会人"), on_delete=models.PROTECT, related_name="+")
    # None until the minutes are taken: invited, not yet known.
    present = models.BooleanField(_("出席"), null=True, blank=True)
    absence_reason = models.CharField(_("缺席原因"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("参会情况")
        verbose_name_plural = _("参会情况")
        ordering = ["meeting", "id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "official"], name="attendance_once")]

    def __str__(self) -> str:
        return str(self.official)


class Decision(BaseModel):
    """议定事项: handed out as a problem (交办) in the same step it is recorded."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("会议"), on_delete=models.PROTECT, related_name="decisions")
    text = models.TextField(_("议定事项"))
    project = models.ForeignKey(
        "projects.Project", verbose_name=_("项目"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey("orgs.Unit", verbose_name=_("责任单位"), on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(
        "orgs.Official", verbose_name=_("责任人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField(_("办结时限"))
    problem = models.OneToOneField(
        "problems.Problem",
        verbose_name=_("交办问题"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meeting_decision",
    )

    class Meta:
        verbose_name = _("议定事项")
        verbose_name_plural = _("议定事项")
        ordering = ["meeting", "id"]

    def __str__(self) -> str:
        return self.text if len(self.text) <= 30 else f"{self.text[:30]}…"
