"""The stage machine: 线索 → 在谈 → 签约 → 开工 → 投产 → 达产, 终止 and 重启."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from zhaoluo.core import audit
from zhaoluo.core.locking import check_version, claim_version
from zhaoluo.orgs.models import User

from ..choices import STAGE_DATE_FIELD, STAGE_ORDER, Stage, TransitionKind
from ..models import Project, StageTransition, latest_dated_stage
from ..permissions import require_manage
from .common import STAGE_FIELDS, attach_evidence, check_not_future, validate_project
from .light_refresh import refresh_light

# Errors on these fields are about the date the user typed into the transition form.
_DATE_FIELDS = {*STAGE_DATE_FIELD.values(), "terminated_on"}


def _transition(
    *,
    project: Project,
    by: User,
    kind: str,
    on: dt.date,
    note: str,
    action: str,
    change: Callable[[Project], None],
    evidence: UploadedFile | None,
    expected_version: int | None,
) -> StageTransition:
    """The one path every stage change takes: check, lock, change, validate, record."""
    check_not_future(on)
    before = audit.snapshot(project, STAGE_FIELDS)
    claim_version(project, expected_version, {})
    from_stage = project.stage
    change(project)
    try:
        validate_project(project)
    except ValidationError as exc:
        raise ValidationError(
            {("on" if field in _DATE_FIELDS else field): messages for field, messages in exc.message_dict.items()}
        ) from exc
    project.save()
    transition = StageTransition(
        project=project, kind=kind, from_stage=from_stage, to_stage=project.stage, on=on, by=by, note=note
    )
    if evidence is not None:
        attach_evidence(transition, evidence)
    transition.save()
    old, new = audit.diff(before, audit.snapshot(project, STAGE_FIELDS))
    audit.record(actor=by, action=action, obj=project, before=old, after=new, parent=project, note=note)
    refresh_light(project, actor=by)
    return transition


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
    """Move a project one stage forward; a dated stage takes `on` as its date."""
    require_manage(by, project)
    check_version(project, expected_version)
    if to not in Stage.values:
        raise ValidationError({"to": f"未知的阶段：{to}"})
    if project.stage == Stage.TERMINATED:
        raise ValidationError({"to": "项目已终止，须先重启才能推进"})
    current = STAGE_ORDER.index(project.stage)
    nxt = STAGE_ORDER[current + 1] if current + 1 < len(STAGE_ORDER) else None
    if to != nxt:
        hint = f"下一阶段应为{Stage(nxt).label}" if nxt else "项目已达产，不能再推进"
        raise ValidationError({"to": f"不能从{Stage(project.stage).label}推进到{Stage(to).label}：{hint}"})

    def change(p: Project) -> None:
        p.stage = to
        if to in STAGE_DATE_FIELD:
            setattr(p, STAGE_DATE_FIELD[to], on)

    return _transition(
        project=project,
        by=by,
        kind=TransitionKind.ADVANCE,
        on=on,
        note=note.strip(),
        action="project.stage_advanced",
        change=change,
        evidence=evidence,
        expected_version=expected_version,
    )


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
    check_version(project, expected_version)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "终止项目必须填写原因"})
    if project.stage in (Stage.TERMINATED, Stage.AT_CAPACITY):
        raise ValidationError({"reason": f"{Stage(project.stage).label}的项目不能终止"})

    def change(p: Project) -> None:
        p.stage, p.terminated_on, p.termination_reason = Stage.TERMINATED, on, reason

    return _transition(
        project=project,
        by=by,
        kind=TransitionKind.TERMINATE,
        on=on,
        note=reason,
        action="project.terminated",
        change=change,
        evidence=evidence,
        expected_version=expected_version,
    )


@transaction.atomic
def project_reopen(
    *, project: Project, on: dt.date, reason: str, by: User, expected_version: int | None = None
) -> StageTransition:
    """Bring a terminated project back to the stage it was terminated from."""
    require_manage(by, project)
    check_version(project, expected_version)
    reason = reason.strip()
    if project.stage != Stage.TERMINATED:
        raise ValidationError({"reason": "只有已终止的项目可以重启"})
    if not reason:
        raise ValidationError({"reason": "重启项目必须填写原因"})
    if project.terminated_on and on < project.terminated_on:
        raise ValidationError({"on": f"重启日期不能早于终止日期（{project.terminated_on:%Y-%m-%d}）"})
    back_to = _stage_before_termination(project)

    def change(p: Project) -> None:
        p.terminated_on, p.termination_reason, p.stage = None, "", back_to

    return _transition(
        project=project,
        by=by,
        kind=TransitionKind.REOPEN,
        on=on,
        note=reason,
        action="project.reopened",
        change=change,
        evidence=None,
        expected_version=expected_version,
    )


def _stage_before_termination(project: Project) -> str:
    """The stage the last termination left, unless the dates now show a later one."""
    last = project.transitions.filter(kind=TransitionKind.TERMINATE).order_by("-on", "-id").first()
    dated = latest_dated_stage(project)
    recorded = last.from_stage if last is not None and last.from_stage != Stage.TERMINATED else None
    if recorded is None:
        return dated or Stage.NEGOTIATING
    if dated and STAGE_ORDER.index(dated) > STAGE_ORDER.index(recorded):
        return dated
    return recorded
