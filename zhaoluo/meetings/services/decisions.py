"""A meeting's decisions, each handed out as a problem (交办) in the transaction that records it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from zhaoluo.core import audit
from zhaoluo.core.errors import PermissionDeniedError
from zhaoluo.orgs.models import Official, Unit, User
from zhaoluo.problems import permissions as problem_permissions
from zhaoluo.problems import services as problem_services
from zhaoluo.problems.choices import Category, Origin
from zhaoluo.problems.models import Problem
from zhaoluo.projects.models import Project
from zhaoluo.projects.services.common import unit_in_district
from zhaoluo.supervision.deadlines import adjusted_workdays

from ..choices import Status
from ..models import Decision, Meeting
from ..permissions import can_edit


@transaction.atomic
def decision_record(
    *,
    meeting: Meeting,
    by: User,
    text: str,
    unit: Unit,
    owner: Official | None = None,
    project: Project | None = None,
    due_on: dt.date | None = None,
    workdays: int | None = None,
    category: str = "",
) -> Decision:
    """议定事项 → 交办: the decision becomes a problem (origin 会议) assigned to `unit` with its
    deadline, counted in working days from the meeting day (green channel rule applied)."""
    if not can_edit(by, meeting):
        raise PermissionDeniedError("只有会议主持人或督查室可以记录议定事项")
    if meeting.status != Status.HELD:
        raise ValidationError({"status": "请先记录会议纪要（会议召开后）再录入议定事项"})
    text = text.strip()
    if not text:
        raise ValidationError({"text": "请填写议定事项"})
    if project is not None and project.district_id != meeting.district_id:
        raise ValidationError({"project": "项目不属于本区"})
    if not unit_in_district(unit, meeting.district_id):
        raise ValidationError({"unit": "责任单位不是本区单位"})
    if due_on is None:
        if workdays is None:
            raise ValidationError({"due_on": "请填写办结时限或办理工作日数"})
        allowed = adjusted_workdays(workdays=workdays, project=project, subject="problem")
        due_on = problem_services.due_after_workdays(start=meeting.held_on, workdays=allowed.workdays)
    if due_on < meeting.held_on:
        raise ValidationError({"due_on": "办结时限不能早于会议日期"})
    if not problem_permissions.can_assign(by, Problem(district=meeting.district, project=project)):
        # problem_assign would refuse after the raise; say what to do instead.
        raise ValidationError({"project": "您只能为自己包保的项目交办议定事项；其他事项请由督查室录入"})
    origin_note = f"来自会议 {meeting.number} {meeting.title}"[:200]
    problem = problem_services.problem_raise(
        by=by,
        description=text,
        origin=Origin.MEETING,
        category=category or Category.OTHER,
        project=project,
        origin_note=origin_note,
        raised_on=meeting.held_on,
    )
    problem_services.problem_assign(
        problem=problem, by=by, unit=unit, owner=owner, due_on=due_on, note=f"{meeting.number}议定事项"
    )
    decision = Decision(
        meeting=meeting, text=text, project=project, unit=unit, owner=owner, due_on=due_on, problem=problem
    )
    decision.full_clean()
    decision.save()
    audit.record(
        actor=by,
        action="meeting.decision_recorded",
        obj=decision,
        after={**audit.snapshot(decision), "problem": problem.code},
        parent=meeting,
    )
    return decision


def decision_kwargs(data: dict[str, Any]) -> dict[str, Any]:
    """The decision form's cleaned data as decision_record's arguments."""
    keys = ("text", "unit", "owner", "project", "due_on", "workdays", "category")
    return {k: data[k] for k in keys if data.get(k) not in (None, "")}
