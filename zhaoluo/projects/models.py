"""Projects and their closed loop: stages, 六个一, plan, progress, funds, lights."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, Q, Value, When
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zhaoluo.core.models import BaseModel
from zhaoluo.core.validators import validate_national_project_code, validate_uscc

from .choices import (
    DATED_STAGES,
    STAGE_DATE_FIELD,
    FundOrigin,
    Light,
    ProjectKind,
    RuleKind,
    Stage,
    TransitionKind,
)
from .light_params import validate_params

HUNDRED_MILLION = Decimal("10000")  # 1 亿元 in 万元


class Project(BaseModel):
    district = models.ForeignKey("orgs.Region", verbose_name=_("所属区"), on_delete=models.PROTECT, related_name="+")
    code = models.CharField(_("项目编号"), max_length=32, unique=True, null=True, blank=True)
    national_code = models.CharField(
        _("全国投资项目代码"), max_length=24, blank=True, validators=[validate_national_project_code]
    )
    name = models.CharField(_("项目名称"), max_length=128, unique=True)
    investor = models.CharField(_("投资方"), max_length=128, blank=True)
    investor_uscc = models.CharField(_("投资方信用代码"), max_length=18, blank=True, validators=[validate_uscc])
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("项目企业"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
    )
    township = models.ForeignKey(
        "orgs.Region", verbose_name=_("所属镇街"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cluster = models.ForeignKey(
        "chains.Cluster",
        verbose_name=_("产业集群"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
    )
    chain_link = models.ForeignKey(
        "chains.ChainLink",
        verbose_name=_("产业链环节"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
    )
    kind = models.CharField(_("项目类型"), max_length=16, choices=ProjectKind.choices, default=ProjectKind.NEW)
    planned_investment = models.DecimalField(
        _("计划总投资（万元）"), validators=[MinValueValidator(Decimal("0"))], max_digits=14, decimal_places=2
    )
    is_key = models.BooleanField(_("重点项目"), default=False)
    is_strategic = models.BooleanField(_("战略性新兴产业"), default=False)
    # 亿元以上 follows the amount in the database itself, so no write path can forget it.
    is_100m = models.GeneratedField(
        verbose_name=_("亿元以上"),
        expression=Case(When(planned_investment__gte=HUNDRED_MILLION, then=Value(True)), default=Value(False)),
        output_field=models.BooleanField(),
        db_persist=True,
    )
    source = models.CharField(_("招商方式"), max_length=32, blank=True)
    leader = models.ForeignKey(
        "orgs.Official",
        verbose_name=_("包保领导"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_projects",
    )
    lead_unit = models.ForeignKey(
        "orgs.Unit",
        verbose_name=_("牵头单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_projects",
    )
    green_channel = models.BooleanField(_("绿色通道"), default=False)
    stage = models.CharField(_("当前阶段"), max_length=16, choices=Stage.choices, default=Stage.NEGOTIATING)
    signed_on = models.DateField(_("签约日期"), null=True, blank=True)
    started_on = models.DateField(_("开工日期"), null=True, blank=True)
    producing_on = models.DateField(_("投产日期"), null=True, blank=True)
    at_capacity_on = models.DateField(_("达产日期"), null=True, blank=True)
    terminated_on = models.DateField(_("终止日期"), null=True, blank=True)
    termination_reason = models.TextField(_("终止原因"), blank=True)
    description = models.TextField(_("项目简介"), blank=True)
    light = models.CharField(_("灯色"), max_length=8, choices=Light.choices, default=Light.GREEN, db_index=True)
    light_reasons = models.JSONField(_("亮灯原因"), default=list, blank=True)
    light_at = models.DateTimeField(_("亮灯计算时间"), null=True, blank=True)
    # The first date on which time alone could change the light (a milestone falling due,
    # an overdue count growing); the tick recomputes only projects whose date has come.
    light_next_on = models.DateField(_("下次亮灯复核日期"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("项目")
        verbose_name_plural = _("项目")
        ordering = ["-signed_on", "name"]
        indexes = [
            models.Index(fields=["district", "stage"]),
            models.Index(fields=["signed_on"]),
            models.Index(fields=["started_on"]),
            models.Index(fields=["producing_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_investment__gte=0), name="project_planned_investment_not_negative"
            ),
            # The national platform gives each project one code; most projects here have none yet.
            # Code "unique" on a one-field constraint puts the message on the field in full_clean.
            models.UniqueConstraint(
                fields=["national_code"],
                condition=~Q(national_code=""),
                name="project_national_code_unique",
                violation_error_code="unique",
                violation_error_message=_("该全国投资项目代码已登记在其他项目上"),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = stage_date_errors(self)
        if errors:
            raise ValidationError(errors)

    def stage_date(self, stage: str) -> dt.date | None:
        field = STAGE_DATE_FIELD.get(stage)
        return getattr(self, field) if field else None

    @property
    def six_ones_missing(self) -> list[str]:
        """Which of 包保领导 / 牵头单位 / 专班 / 方案 are not in place (needs prefetched members, milestones)."""
        missing = []
        if self.leader_id is None:
            missing.append(gettext("包保领导"))
        if self.lead_unit_id is None:
            missing.append(gettext("牵头单位"))
        # Straight from the prefetch when there is one: the related managers cost more than the
        # rule itself when a ledger import asks this of 100,000 new projects.
        prefetched = getattr(self, "_prefetched_objects_cache", {})
        members = prefetched["task_force"] if "task_force" in prefetched else list(self.task_force.all())
        if not members or not any(m.is_lead for m in members):
            missing.append(gettext("专班"))
        milestones = prefetched["milestones"] if "milestones" in prefetched else self.milestones.all()
        if not list(milestones):
            missing.append(gettext("方案"))
        return missing


def stage_date_errors(project: Project) -> dict[str, str]:
    """The ordering rules of the projects ledger, for every write path.

    签约 ≤ 开工 ≤ 投产 ≤ 达产; a later stage's date needs every earlier one; the stage
    agrees with the dates; 终止 needs a date and a reason.
    """
    errors: dict[str, str] = {}
    previous: tuple[str, dt.date] | None = None
    for stage in DATED_STAGES:
        field = STAGE_DATE_FIELD[stage]
        value = getattr(project, field)
        label = Stage(stage).label
        if value is None:
            continue
        earlier_missing = [
            Stage(s).label
            for s in DATED_STAGES[: DATED_STAGES.index(stage)]
            if getattr(project, STAGE_DATE_FIELD[s]) is None
        ]
        if earlier_missing:
            errors[field] = str(_("有%(stage)s日期时必须先有%(missing)s日期")) % {
                "stage": label,
                "missing": "、".join(str(m) for m in earlier_missing),
            }
        elif previous is not None and value < previous[1]:
            errors[field] = str(_("%(stage)s日期不能早于%(prev)s日期（%(date)s）")) % {
                "stage": label,
                "prev": Stage(previous[0]).label,
                "date": previous[1].isoformat(),
            }
        previous = (stage, value)
    if errors:
        return errors
    latest = latest_dated_stage(project)
    if project.stage == Stage.TERMINATED:
        if project.terminated_on is None:
            errors["terminated_on"] = str(_("终止的项目必须有终止日期"))
        if not (project.termination_reason or "").strip():
            errors["termination_reason"] = str(_("终止的项目必须填写终止原因"))
        if project.terminated_on and latest and project.terminated_on < project.stage_date(latest):  # type: ignore[operator]
            errors["terminated_on"] = str(_("终止日期不能早于%(stage)s日期")) % {"stage": Stage(latest).label}
        return errors
    if project.terminated_on or (project.termination_reason or "").strip():
        errors["terminated_on"] = str(_("未终止的项目不应有终止日期或终止原因"))
    if project.stage in DATED_STAGES:
        if latest != project.stage:
            have = Stage(latest).label if latest else str(_("无阶段日期"))
            errors["stage"] = str(_("当前阶段为%(stage)s，但日期显示为%(have)s")) % {
                "stage": Stage(project.stage).label,
                "have": have,
            }
    elif latest is not None:
        errors["stage"] = str(_("已有%(stage)s日期，当前阶段不能是%(cur)s")) % {
            "stage": Stage(latest).label,
            "cur": Stage(project.stage).label,
        }
    return errors


def latest_dated_stage(project: Project) -> str | None:
    latest = None
    for stage in DATED_STAGES:
        if getattr(project, STAGE_DATE_FIELD[stage]) is not None:
            latest = stage
    return latest


def evidence_path(instance: StageTransition, filename: str) -> str:
    return f"evidence/{instance.project_id}/{filename}"


class StageTransition(models.Model):
    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="transitions")
    kind = models.CharField(_("类型"), max_length=16, choices=TransitionKind.choices)
    from_stage = models.CharField(_("原阶段"), max_length=16, choices=Stage.choices)
    to_stage = models.CharField(_("新阶段"), max_length=16, choices=Stage.choices)
    on = models.DateField(_("日期"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(_("说明"), blank=True)
    evidence = models.FileField(_("佐证材料"), upload_to=evidence_path, blank=True)
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("阶段变更")
        verbose_name_plural = _("阶段变更")
        ordering = ["on", "id"]

    def __str__(self) -> str:
        return f"{self.project} {Stage(self.from_stage).label}→{Stage(self.to_stage).label} {self.on}"


class TaskForceMember(models.Model):
    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="task_force")
    official = models.ForeignKey(
        "orgs.Official", verbose_name=_("成员"), on_delete=models.PROTECT, related_name="task_forces"
    )
    is_lead = models.BooleanField(_("专班负责人"), default=False)
    duty = models.CharField(_("分工"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("专班成员")
        verbose_name_plural = _("专班成员")
        ordering = ["-is_lead", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "official"], name="taskforce_member_once"),
            models.UniqueConstraint(fields=["project"], condition=Q(is_lead=True), name="taskforce_one_lead"),
        ]

    def __str__(self) -> str:
        return f"{self.official}{'（负责人）' if self.is_lead else ''}"


class Milestone(BaseModel):
    """A node of the project's plan (方案)."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="milestones")
    name = models.CharField(_("节点"), max_length=64)
    planned_on = models.DateField(_("计划完成日期"))
    actual_on = models.DateField(_("实际完成日期"), null=True, blank=True)
    weight = models.DecimalField(
        _("权重"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))],
        help_text=_("该节点占整个方案的份量，用于计算计划进度"),
    )

    class Meta:
        verbose_name = _("方案节点")
        verbose_name_plural = _("方案节点")
        ordering = ["planned_on", "id"]
        constraints = [models.UniqueConstraint(fields=["project", "name"], name="milestone_name_once")]

    def __str__(self) -> str:
        return f"{self.name}（{self.planned_on}）"


class ProgressReport(BaseModel):
    """Monthly progress (月度进展): one per project and month."""

    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="progress_reports"
    )
    period = models.DateField(_("月份"), help_text=_("该月第一天"))
    completed_investment = models.DecimalField(
        _("本月完成投资（万元）"), validators=[MinValueValidator(Decimal("0"))], max_digits=14, decimal_places=2
    )
    image_progress = models.PositiveSmallIntegerField(_("形象进度（%）"), validators=[MaxValueValidator(100)])
    text = models.TextField(_("进展情况"), blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("填报人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("月度进展")
        verbose_name_plural = _("月度进展")
        ordering = ["-period"]
        constraints = [models.UniqueConstraint(fields=["project", "period"], name="progress_once_per_month")]

    def __str__(self) -> str:
        return f"{self.project} {self.period:%Y-%m}"


def photo_path(instance: ProgressPhoto, filename: str) -> str:
    return f"progress/{instance.report.project_id}/{filename}"


class ProgressPhoto(models.Model):
    report = models.ForeignKey(
        ProgressReport, verbose_name=_("月度进展"), on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField(_("照片"), upload_to=photo_path)
    caption = models.CharField(_("说明"), max_length=128, blank=True)

    class Meta:
        verbose_name = _("进展照片")
        verbose_name_plural = _("进展照片")

    def __str__(self) -> str:
        return self.caption or str(self.image.name)


class FundArrival(BaseModel):
    """实际到位资金: one row per project, month and origin (the funds ledger's key)."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.PROTECT, related_name="funds")
    period = models.DateField(_("期间"), help_text=_("该月第一天"))
    amount = models.DecimalField(
        _("到位资金（万元）"), validators=[MinValueValidator(Decimal("0"))], max_digits=14, decimal_places=2
    )
    origin = models.CharField(
        _("资金来源"), max_length=16, choices=FundOrigin.choices, default=FundOrigin.OUT_OF_PROVINCE
    )

    class Meta:
        verbose_name = _("资金到位")
        verbose_name_plural = _("资金到位")
        ordering = ["-period", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "period", "origin"], name="fund_once_per_month_origin"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="fund_amount_not_negative"),
        ]
        indexes = [models.Index(fields=["period"])]

    def __str__(self) -> str:
        return f"{self.project} {self.period:%Y-%m} {self.amount}万元"


class LightRule(BaseModel):
    """One rule of the light engine. Kinds are implemented in code; thresholds are data."""

    code = models.SlugField(_("规则编号"), max_length=48, unique=True)
    name = models.CharField(_("规则名称"), max_length=64)
    kind = models.CharField(_("规则类型"), max_length=32, choices=RuleKind.choices)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    only_key = models.BooleanField(_("仅重点项目"), default=False)
    enabled = models.BooleanField(_("启用"), default=True)
    basis = models.CharField(_("依据"), max_length=128, blank=True, help_text=_("例如：武汉做法、银川做法"))

    class Meta:
        verbose_name = _("亮灯规则")
        verbose_name_plural = _("亮灯规则")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = validate_params(self.kind, self.params)
        if errors:
            raise ValidationError({"params": errors})
