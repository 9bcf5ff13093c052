"""All writes to projects. Keyword-only, validated, one transaction, one audit row each.

Views, the API, ledgers, the CLI and scheduled work call these and nothing else.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from zhaoluo.core import audit, clock
from zhaoluo.core.dates import month_start
from zhaoluo.core.locking import claim_version
from zhaoluo.core.uploads import validate_evidence, validate_photos
from zhaoluo.orgs.models import Official, Region, User

from . import lights
from .choices import STAGE_DATE_FIELD, STAGE_ORDER, FundOrigin, Stage, TransitionKind
from .models import (
    FundArrival,
    LightRule,
    Milestone,
    ProgressPhoto,
    ProgressReport,
    Project,
    StageTransition,
    TaskForceMember,
)
from .permissions import require_manage, require_report

# What the edit form and API may change; stage and its dates move only through transitions.
EDITABLE_FIELDS = [
    "code",
    "national_code",
    "name",
    "investor",
    "investor_uscc",
    "enterprise",
    "township",
    "cluster",
    "chain_link",
    "kind",
    "planned_investment",
    "is_key",
    "is_strategic",
    "source",
    "leader",
    "lead_unit",
    "green_channel",
    "description",
]
STAGE_FIELDS = [
    "stage",
    "signed_on",
    "started_on",
    "producing_on",
    "at_capacity_on",
    "terminated_on",
    "termination_reason",
]


@dataclass(frozen=True)
class MemberSpec:
    official: Official
    is_lead: bool = False
    duty: str = ""


def _validate(project: Project) -> None:
    project.full_clean(validate_unique=True)
    errors: dict[str, str] = {}
    if project.leader is not None and not project.leader.is_leader:
        errors["leader"] = "包保领导须为“四大家”（区委、区人大、区政府、区政协）领导"
    if project.stage not in (Stage.LEAD, Stage.NEGOTIATING) and not (project.investor or "").strip():
        errors["investor"] = "签约及以后阶段的项目必须填写投资方"
    if project.township is not None and project.township.parent_id != project.district_id:
        errors["township"] = "所属镇街不在本区"
    if errors:
        raise ValidationError(errors)


def _assign(project: Project, data: Mapping[str, Any], allowed: Sequence[str]) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "该字段不能在此修改"))
    for key, value in data.items():
        setattr(project, key, value)


@transaction.atomic
def project_create(
    *,
    by: User | None,
    district: Region,
    data: Mapping[str, Any],
    stage_data: Mapping[str, Any] | None = None,
    check_permission: bool = True,
) -> Project:
    """A new project. `stage_data` (stage and its dates) is for ledgers and the demo:
    the form starts a project at 线索 or 在谈 and moves it with transitions."""
    if check_permission:
        require_manage(by)
    project = Project(district=district)
    _assign(project, data, EDITABLE_FIELDS)
    if stage_data:
        _assign(project, stage_data, STAGE_FIELDS)
    _validate(project)
    project.save()
    on = clock.today()
    # A project entered with its history gets that history as dated transitions, each
    # from the stage before it, so its timeline reads the same as one driven step by step.
    reached = str(Stage.NEGOTIATING)
    for stage in STAGE_ORDER:
        field = STAGE_DATE_FIELD.get(stage)
        if field and getattr(project, field):
            StageTransition.objects.create(
                project=project,
                kind=TransitionKind.IMPORT,
                from_stage=reached,
                to_stage=stage,
                on=getattr(project, field),
                by=by,
                note="建档时登记",
            )
            reached = stage
    if project.stage == Stage.TERMINATED and project.terminated_on:
        StageTransition.objects.create(
            project=project,
            kind=TransitionKind.TERMINATE,
            from_stage=reached,
            to_stage=Stage.TERMINATED,
            on=project.terminated_on,
            by=by,
            note=project.termination_reason,
        )
    audit.record(actor=by, action="project.created", obj=project, after=audit.snapshot(project), parent=project)
    _refresh_light(project, on=on, actor=by)
    return project


@transaction.atomic
def project_update(*, project: Project, by: User, data: Mapping[str, Any], expected_version: int | None) -> Project:
    require_manage(by, project)
    before = audit.snapshot(project)
    claim_version(project, expected_version, dict(data))
    _assign(project, data, EDITABLE_FIELDS)
    _validate(project)
    project.save()
    old, new = audit.diff(before, audit.snapshot(project))
    if new:
        audit.record(actor=by, action="project.updated", obj=project, before=old, after=new, parent=project)
    _refresh_light(project, actor=by)
    return project


def _attach_evidence(transition: StageTransition, evidence: UploadedFile) -> None:
    try:
        validate_evidence(evidence)
    except ValidationError as exc:
        raise ValidationError({"evidence": exc.messages}) from exc
    transition.evidence.save(evidence.name or "evidence", evidence, save=False)


def _check_date(on: dt.date, field: str = "on") -> None:
    if on > clock.today():
        raise ValidationError({field: "日期不能晚于今天"})


@transaction.atomic
def project_advance_stage(
    *,
    project: Project,
    to: str,
    on: dt.date,
    by: User,
    note: str = "",
    evidence: UploadedFile | None = None,
    expected_version: int | None = None,
) -> StageTransition:
    """Move a project one stage forward (线索 → 在谈 → 签约 → 开工 → 投产 → 达产)."""
    require_manage(by, project)
    if to not in Stage.values:
        raise ValidationError({"to": f"未知的阶段：{to}"})
    if project.stage == Stage.TERMINATED:
        raise ValidationError({"to": "项目已终止，须先重启才能推进"})
    current = STAGE_ORDER.index(project.stage)
    if to == Stage.TERMINATED or to not in STAGE_ORDER or STAGE_ORDER.index(to) != current + 1:
        nxt = Stage(STAGE_ORDER[current + 1]).label if current + 1 < len(STAGE_ORDER) else None
        hint = f"下一阶段应为{nxt}" if nxt else "项目已达产，不能再推进"
        raise ValidationError({"to": f"不能从{Stage(project.stage).label}推进到{Stage(to).label}：{hint}"})
    _check_date(on)
    before = audit.snapshot(project, STAGE_FIELDS)
    claim_version(project, expected_version, {})
    from_stage = project.stage
    project.stage = to
    field = STAGE_DATE_FIELD.get(to)
    if field:
        setattr(project, field, on)
    try:
        _validate(project)
    except ValidationError as exc:
        # The date rule is about `on` here: say so in the field the user filled.
        raise ValidationError({"on": [m for msgs in exc.message_dict.values() for m in msgs]}) from exc
    project.save()
    transition = StageTransition(
        project=project, kind=TransitionKind.ADVANCE, from_stage=from_stage, to_stage=to, on=on, by=by, note=note
    )
    if evidence is not None:
        _attach_evidence(transition, evidence)
    transition.save()
    old, new = audit.diff(before, audit.snapshot(project, STAGE_FIELDS))
    audit.record(
        actor=by, action="project.stage_advanced", obj=project, before=old, after=new, parent=project, note=note
    )
    _refresh_light(project, actor=by)
    return transition


@transaction.atomic
def project_terminate(
    *,
    project: Project,
    on: dt.date,
    reason: str,
    by: User,
    evidence: UploadedFile | None = None,
    expected_version: int | None = None,
) -> StageTransition:
    require_manage(by, project)
    if not reason.strip():
        raise ValidationError({"reason": "终止项目必须填写原因"})
    if project.stage in (Stage.TERMINATED, Stage.AT_CAPACITY):
        raise ValidationError({"reason": f"{Stage(project.stage).label}的项目不能终止"})
    _check_date(on)
    before = audit.snapshot(project, STAGE_FIELDS)
    claim_version(project, expected_version, {})
    from_stage = project.stage
    project.stage, project.terminated_on, project.termination_reason = Stage.TERMINATED, on, reason.strip()
    try:
        _validate(project)
    except ValidationError as exc:
        raise ValidationError({"on": [m for msgs in exc.message_dict.values() for m in msgs]}) from exc
    project.save()
    transition = StageTransition(
        project=project,
        kind=TransitionKind.TERMINATE,
        from_stage=from_stage,
        to_stage=Stage.TERMINATED,
        on=on,
        by=by,
        note=reason.strip(),
    )
    if evidence is not None:
        _attach_evidence(transition, evidence)
    transition.save()
    old, new = audit.diff(before, audit.snapshot(project, STAGE_FIELDS))
    audit.record(actor=by, action="project.terminated", obj=project, before=old, after=new, parent=project, note=reason)
    _refresh_light(project, actor=by)
    return transition


@transaction.atomic
def project_reopen(
    *, project: Project, on: dt.date, reason: str, by: User, expected_version: int | None = None
) -> StageTransition:
    """Bring a terminated project back to the stage its dates show (在谈 with none)."""
    require_manage(by, project)
    if project.stage != Stage.TERMINATED:
        raise ValidationError({"reason": "只有已终止的项目可以重启"})
    if not reason.strip():
        raise ValidationError({"reason": "重启项目必须填写原因"})
    _check_date(on)
    before = audit.snapshot(project, STAGE_FIELDS)
    claim_version(project, expected_version, {})
    from .models import latest_dated_stage

    project.terminated_on, project.termination_reason = None, ""
    project.stage = latest_dated_stage(project) or Stage.NEGOTIATING
    _validate(project)
    project.save()
    transition = StageTransition.objects.create(
        project=project,
        kind=TransitionKind.REOPEN,
        from_stage=Stage.TERMINATED,
        to_stage=project.stage,
        on=on,
        by=by,
        note=reason.strip(),
    )
    old, new = audit.diff(before, audit.snapshot(project, STAGE_FIELDS))
    audit.record(actor=by, action="project.reopened", obj=project, before=old, after=new, parent=project, note=reason)
    _refresh_light(project, actor=by)
    return transition


@transaction.atomic
def task_force_set(
    *, project: Project, by: User, members: Sequence[MemberSpec], expected_version: int | None = None
) -> list[TaskForceMember]:
    """Replace the 专班. Exactly one member leads it; nobody is listed twice.

    The 专班 is part of the project's 六个一, so replacing it moves the project's version:
    two people replacing it from the same page cannot both win.
    """
    require_manage(by, project)
    ids = [m.official.pk for m in members]
    if len(ids) != len(set(ids)):
        raise ValidationError({"members": "专班成员不能重复"})
    if members and sum(1 for m in members if m.is_lead) != 1:
        raise ValidationError({"members": "专班须有且只有一名负责人"})
    before = [str(m) for m in project.task_force.select_related("official")]
    claim_version(project, expected_version, {})
    project.task_force.all().delete()
    rows = TaskForceMember.objects.bulk_create(
        [TaskForceMember(project=project, official=m.official, is_lead=m.is_lead, duty=m.duty) for m in members]
    )
    after = [str(m) for m in rows]
    if before != after:
        audit.record(
            actor=by,
            action="project.task_force_set",
            obj=project,
            before={"task_force": before},
            after={"task_force": after},
            parent=project,
        )
    _refresh_light(project, actor=by)
    return rows


@transaction.atomic
def milestone_create(
    *,
    project: Project,
    by: User,
    name: str,
    planned_on: dt.date,
    weight: Decimal = Decimal("1"),
    actual_on: dt.date | None = None,
) -> Milestone:
    require_report(by, project)
    milestone = Milestone(project=project, name=name.strip(), planned_on=planned_on, weight=weight, actual_on=actual_on)
    if actual_on is not None:
        _check_date(actual_on, "actual_on")
    milestone.full_clean()
    milestone.save()
    audit.record(actor=by, action="milestone.created", obj=milestone, after=audit.snapshot(milestone), parent=project)
    _refresh_light(project, actor=by)
    return milestone


@transaction.atomic
def milestone_update(
    *, milestone: Milestone, by: User, data: Mapping[str, Any], expected_version: int | None
) -> Milestone:
    project = milestone.project
    require_report(by, project)
    before = audit.snapshot(milestone)
    claim_version(milestone, expected_version, dict(data))
    _assign_milestone(milestone, data)
    milestone.full_clean()
    milestone.save()
    old, new = audit.diff(before, audit.snapshot(milestone))
    if new:
        action = "milestone.completed" if new.get("actual_on") and not old.get("actual_on") else "milestone.updated"
        audit.record(actor=by, action=action, obj=milestone, before=old, after=new, parent=project)
    _refresh_light(project, actor=by)
    return milestone


def _assign_milestone(milestone: Milestone, data: Mapping[str, Any]) -> None:
    allowed = {"name", "planned_on", "actual_on", "weight"}
    unknown = set(data) - allowed
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "该字段不能在此修改"))
    if data.get("actual_on"):
        _check_date(data["actual_on"], "actual_on")
    for key, value in data.items():
        setattr(milestone, key, value.strip() if isinstance(value, str) else value)


@transaction.atomic
def milestone_delete(*, milestone: Milestone, by: User) -> None:
    project = milestone.project
    require_report(by, project)
    audit.record(actor=by, action="milestone.deleted", obj=milestone, before=audit.snapshot(milestone), parent=project)
    milestone.delete()
    _refresh_light(project, actor=by)


@transaction.atomic
def progress_record(
    *,
    project: Project,
    by: User,
    period: dt.date,
    completed_investment: Decimal,
    image_progress: int,
    text: str = "",
    photos: Sequence[UploadedFile] = (),
) -> ProgressReport:
    """The month's progress report; a second report for the same month replaces the first."""
    require_report(by, project)
    period = month_start(period)
    if period > month_start(clock.today()):
        raise ValidationError({"period": "不能填报未来月份的进展"})
    try:
        validate_photos(photos)
    except ValidationError as exc:
        raise ValidationError({"photos": exc.messages}) from exc
    report = ProgressReport.objects.select_for_update().filter(project=project, period=period).first()
    before = audit.snapshot(report) if report else None
    if report is None:
        report = ProgressReport(project=project, period=period)
    report.completed_investment = completed_investment
    report.image_progress = image_progress
    report.text = text.strip()
    report.reported_by = by
    report.full_clean()
    report.save()
    for upload in photos:
        photo = ProgressPhoto(report=report)
        photo.image.save(upload.name or "photo.jpg", upload, save=False)
        photo.full_clean()
        photo.save()
    after = audit.snapshot(report, ["period", "completed_investment", "image_progress", "text"])
    if photos:
        after["photos"] = len(photos)
    action = "progress.updated" if before else "progress.recorded"
    audit.record(actor=by, action=action, obj=report, before=before, after=after, parent=project)
    _refresh_light(project, actor=by)
    return report


@transaction.atomic
def fund_record(
    *,
    project: Project,
    by: User | None,
    period: dt.date,
    amount: Decimal,
    origin: str = FundOrigin.OUT_OF_PROVINCE,
    check_permission: bool = True,
) -> FundArrival:
    """实际到位资金 for one month and origin; recording the same key again corrects the amount."""
    if check_permission:
        require_manage(by, project)
    if origin not in FundOrigin.values:
        raise ValidationError({"origin": f"未知的资金来源：{origin}"})
    period = month_start(period)
    if period > month_start(clock.today()):
        raise ValidationError({"period": "不能登记未来月份的到位资金"})
    fund = FundArrival.objects.filter(project=project, period=period, origin=origin).first()
    before = audit.snapshot(fund) if fund else None
    if fund is None:
        fund = FundArrival(project=project, period=period, origin=origin)
    fund.amount = amount
    fund.full_clean()
    fund.save()
    after = audit.snapshot(fund)
    if before == after:
        return fund
    audit.record(
        actor=by,
        action="funds.updated" if before else "funds.recorded",
        obj=fund,
        before=before,
        after=after,
        parent=project,
    )
    return fund


def with_light_inputs(queryset: Any) -> Any:
    return queryset.select_related("leader", "lead_unit").prefetch_related(
        Prefetch("task_force", queryset=TaskForceMember.objects.all()),
        "milestones",
        Prefetch("progress_reports", queryset=ProgressReport.objects.order_by("-period")),
    )


def _refresh_light(project: Project, *, actor: User | None, on: dt.date | None = None) -> None:
    fresh = with_light_inputs(Project.objects.filter(pk=project.pk)).get()
    rules = list(LightRule.objects.filter(enabled=True))
    _apply_verdict(fresh, lights.evaluate(fresh, rules, on or clock.today()), actor)
    project.light, project.light_reasons, project.light_at = fresh.light, fresh.light_reasons, fresh.light_at


def _apply_verdict(project: Project, verdict: lights.Verdict, actor: User | None) -> bool:
    reasons = [r.as_dict() for r in verdict.reasons]
    if project.light == verdict.light and project.light_reasons == reasons:
        return False
    before = {"light": project.light, "light_reasons": project.light_reasons}
    now = timezone.now()
    Project.objects.filter(pk=project.pk).update(light=verdict.light, light_reasons=reasons, light_at=now)
    changed_colour = project.light != verdict.light
    project.light, project.light_reasons, project.light_at = verdict.light, reasons, now
    if changed_colour:
        audit.record(
            actor=actor,
            action="project.light_changed",
            obj=project,
            before=before,
            after={"light": verdict.light, "light_reasons": reasons},
            parent=project,
        )
    return True


def lights_refresh_all(*, today: dt.date | None = None, district: Region | None = None) -> dict[str, int]:
    """Recompute every open project's light (time passing turns lights yellow and red).

    Run by `zhaoluo tick`; one transaction per project so a long run never holds the
    SQLite write lock for long.
    """
    today = today or clock.today()
    rules = list(LightRule.objects.filter(enabled=True))
    qs = Project.objects.all() if district is None else Project.objects.filter(district=district)
    checked = changed = 0
    for project in with_light_inputs(qs.order_by("pk")).iterator(chunk_size=500):
        checked += 1
        with transaction.atomic():
            if _apply_verdict(project, lights.evaluate(project, rules, today), None):
                changed += 1
    return {"checked": checked, "changed": changed}
