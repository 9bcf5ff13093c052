"""Creating and editing projects and their 专班."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from zhaoluo.core import audit
from zhaoluo.core.locking import claim_version
from zhaoluo.orgs.models import Region, User

from ..choices import STAGE_DATE_FIELD, STAGE_ORDER, Stage, TransitionKind
from ..models import Project, StageTransition, TaskForceMember
from ..permissions import require_manage
from .common import EDITABLE_FIELDS, STAGE_FIELDS, MemberSpec, assign, unit_in_district, validate_project
from .light_refresh import refresh_light


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
    assign(project, data, EDITABLE_FIELDS)
    if stage_data:
        assign(project, stage_data, STAGE_FIELDS)
    validate_project(project)
    project.save()
    _record_history(project, by)
    audit.record(actor=by, action="project.created", obj=project, after=audit.snapshot(project), parent=project)
    refresh_light(project, actor=by)
    return project


def _record_history(project: Project, by: User | None) -> None:
    StageTransition.objects.bulk_create(history_transitions(project, by))


def history_transitions(project: Project, by: User | None) -> list[StageTransition]:
    return [
        StageTransition(project=project, kind=kind, from_stage=src, to_stage=dst, on=on, by=by, note=note)
        for kind, src, dst, on, note in history_steps(project)
    ]


def history_steps(project: Project) -> list[tuple[str, str, str, dt.date, str]]:
    """A project entered with its history gets it as dated transitions, each from the
    stage before it, so its timeline reads the same as one driven step by step.
    (kind, from, to, on, note) each; the ledger import writes them in bulk."""
    steps: list[tuple[str, str, str, dt.date, str]] = []
    reached = str(Stage.NEGOTIATING)
    for stage in STAGE_ORDER:
        field = STAGE_DATE_FIELD.get(stage)
        if field and getattr(project, field):
            steps.append((TransitionKind.IMPORT, reached, stage, getattr(project, field), "建档时登记"))
            reached = stage
    if project.stage == Stage.TERMINATED and project.terminated_on:
        steps.append(
            (TransitionKind.TERMINATE, reached, Stage.TERMINATED, project.terminated_on, project.termination_reason)
        )
    return steps


@transaction.atomic
def project_update(*, project: Project, by: User, data: Mapping[str, Any], expected_version: int | None) -> Project:
    require_manage(by, project)
    before = audit.snapshot(project)
    claim_version(project, expected_version, dict(data))
    assign(project, data, EDITABLE_FIELDS)
    validate_project(project)
    project.save()
    old, new = audit.diff(before, audit.snapshot(project))
    if new:
        audit.record(actor=by, action="project.updated", obj=project, before=old, after=new, parent=project)
    refresh_light(project, actor=by)
    return project


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
    outsiders = [m.official.name for m in members if not unit_in_district(m.official.unit, project.district_id)]
    if outsiders:
        raise ValidationError({"members": f"不是本区干部：{'、'.join(outsiders)}"})
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
    refresh_light(project, actor=by)
    return rows
