"""三级督查 as data: escalation and deadline rules, the ladder's steps, 督办单, 挂牌督办 and 约谈."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhaoluo.core.models import BaseModel

from .choices import Color, DeadlineCondition, DeadlineSubject, EscalationKind, Level


class EscalationRule(BaseModel):
    """Overdue by `overdue_workdays` working days → `to_level` with a `color` 督办单."""

    code = models.SlugField(_("规则编号"), max_length=48, unique=True)
    name = models.CharField(_("规则名称"), max_length=64)
    overdue_workdays = models.PositiveSmallIntegerField(
        _("逾期工作日"), validators=[MinValueValidator(1), MaxValueValidator(250)]
    )
    to_level = models.PositiveSmallIntegerField(_("升至层级"), choices=Level.choices)
    color = models.CharField(_("督办单颜色"), max_length=8, choices=Color.choices)
    reply_workdays = models.PositiveSmallIntegerField(
        _("回复时限（工作日）"), default=3, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    enabled = models.BooleanField(_("启用"), default=True)
    explanation = models.TextField(_("说明"))
    basis = models.CharField(_("依据"), max_length=128, blank=True)

    class Meta:
        verbose_name = _("升级规则")
        verbose_name_plural = _("升级规则")
        ordering = ["overdue_workdays", "id"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.to_level == Level.UNIT:
            errors["to_level"] = "升级规则只能升至第二级或第三级"
        if not (self.explanation or "").strip():
            errors["explanation"] = "请用一句话说明该规则"
        if self.enabled and self.overdue_workdays:
            clash = EscalationRule.objects.filter(enabled=True, overdue_workdays=self.overdue_workdays)
            if self.pk:
                clash = clash.exclude(pk=self.pk)
            if clash.exists():
                errors["overdue_workdays"] = f"已有启用的规则使用逾期 {self.overdue_workdays} 个工作日"
        if errors:
            raise ValidationError(errors)


class DeadlineRule(BaseModel):
    """A project condition that multiplies the working days of its problems or approvals."""

    code = models.SlugField(_("规则编号"), max_length=48, unique=True)
    name = models.CharField(_("规则名称"), max_length=64)
    condition = models.CharField(_("适用条件"), max_length=24, choices=DeadlineCondition.choices)
    subject = models.CharField(_("适用事项"), max_length=16, choices=DeadlineSubject.choices, default="all")
    factor = models.DecimalField(
        _("时限系数"),
        max_digits=4,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.10")), MaxValueValidator(Decimal("1.00"))],
        help_text=_("0.5 即时限减半，按工作日向上取整，至少 1 个工作日"),
    )
    enabled = models.BooleanField(_("启用"), default=True)
    explanation = models.TextField(_("说明"))

    class Meta:
        verbose_name = _("时限规则")
        verbose_name_plural = _("时限规则")
        ordering = ["factor", "id"]

    def __str__(self) -> str:
        return self.name


class Escalation(BaseModel):
    """One step on the ladder: by a rule, or by a person with a reason."""

    problem = models.ForeignKey(
        "problems.Problem", verbose_name=_("问题"), on_delete=models.CASCADE, related_name="escalations"
    )
    kind = models.CharField(_("方式"), max_length=16, choices=EscalationKind.choices)
    from_level = models.PositiveSmallIntegerField(_("原层级"), choices=Level.choices)
    to_level = models.PositiveSmallIntegerField(_("新层级"), choices=Level.choices)
    from_color = models.CharField(_("原颜色"), max_length=8, choices=Color.choices, blank=True)
    to_color = models.CharField(_("新颜色"), max_length=8, choices=Color.choices, blank=True)
    rule = models.ForeignKey(
        EscalationRule, verbose_name=_("触发规则"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.TextField(_("原因"))
    on = models.DateField(_("日期"))
    overdue_workdays = models.PositiveSmallIntegerField(_("当时逾期工作日"), default=0)

    class Meta:
        verbose_name = _("升级记录")
        verbose_name_plural = _("升级记录")
        ordering = ["on", "id"]
        constraints = [
            # A rule fires once per problem, however many ticks run (or race).
            models.UniqueConstraint(fields=["problem", "rule"], name="escalation_rule_once_per_problem"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：第{self.from_level}级 → 第{self.to_level}级"


class Notice(BaseModel):
    """督办单: numbered per district and year, with the facts, the reply deadline and the reply."""

    district = models.ForeignKey("orgs.Region", verbose_name=_("所属区"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    number = models.PositiveIntegerField(_("序号"))
    problem = models.ForeignKey(
        "problems.Problem", verbose_name=_("问题"), on_delete=models.PROTECT, related_name="notices"
    )
    escalation = models.OneToOneField(
        Escalation, verbose_name=_("升级记录"), null=True, blank=True, on_delete=models.PROTECT, related_name="notice"
    )
    color = models.CharField(_("颜色"), max_length=8, choices=Color.choices)
    unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("责任单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    problem_due_on = models.DateField(_("原办结时限"), null=True, blank=True)
    overdue_workdays = models.PositiveSmallIntegerField(_("已逾期工作日"), default=0)
    facts = models.TextField(_("督办事项"))
    issued_on = models.DateField(_("签发日期"))
    reply_due_on = models.DateField(_("回复时限"))
    reply_required = models.TextField(_("回复要求"))
    reply_text = models.TextField(_("回复内容"), blank=True)
    replied_on = models.DateField(_("回复日期"), null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("回复人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("督办单")
        verbose_name_plural = _("督办单")
        ordering = ["-issued_on", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["district", "year", "number"], name="notice_number_unique"),
        ]
        indexes = [models.Index(fields=["district", "replied_on"])]

    def __str__(self) -> str:
        return self.number_text

    @property
    def number_text(self) -> str:
        return f"督办〔{self.year}〕第{self.number}号"


class Listing(BaseModel):
    """挂牌督办: a principal leader takes the problem under their name until it is lifted."""

    problem = models.ForeignKey(
        "problems.Problem", verbose_name=_("问题"), on_delete=models.PROTECT, related_name="listings"
    )
    leader_name = models.CharField(_("挂牌领导"), max_length=32)
    since = models.DateField(_("挂牌日期"))
    reason = models.TextField(_("挂牌原因"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    lifted_on = models.DateField(_("摘牌日期"), null=True, blank=True)
    lift_reason = models.TextField(_("摘牌原因"), blank=True)

    class Meta:
        verbose_name = _("挂牌督办")
        verbose_name_plural = _("挂牌督办")
        ordering = ["-since", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["problem"], condition=models.Q(lifted_on__isnull=True), name="listing_one_open_per_problem"
            ),
        ]

    def __str__(self) -> str:
        return f"挂牌督办（{self.leader_name}，{self.since:%Y-%m-%d}）"


class Interview(BaseModel):
    """约谈: a unit's head official interviewed about the problem, and what came of it."""

    problem = models.ForeignKey(
        "problems.Problem", verbose_name=_("问题"), on_delete=models.PROTECT, related_name="interviews"
    )
    on = models.DateField(_("约谈日期"))
    interviewee = models.CharField(_("被约谈人"), max_length=64, help_text=_("责任单位负责人姓名和职务"))
    interviewer = models.CharField(_("约谈人"), max_length=64)
    outcome = models.TextField(_("约谈结果"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("约谈")
        verbose_name_plural = _("约谈")
        ordering = ["-on", "-id"]

    def __str__(self) -> str:
        return f"约谈 {self.interviewee}（{self.on:%Y-%m-%d}）"
