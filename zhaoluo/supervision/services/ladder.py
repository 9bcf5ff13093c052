"""The ladder: a problem's move between the three levels and the notice colours, by rule or by hand."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from zhaoluo.core import audit, calendar, clock
from zhaoluo.core.errors import PermissionDeniedError
from zhaoluo.core.locking import check_version
from zhaoluo.notify import messages
from zhaoluo.notify import services as notify
from zhaoluo.orgs.models import User
from zhaoluo.problems.choices import OPEN_STATUSES
from zhaoluo.problems.models import Problem

from .. import permissions
from ..choices import COLOR_RANK, Color, EscalationKind, Level
from ..models import Escalation, EscalationRule
from .notices import notice_issue
from .recipients import _ladder_audience, _link

LADDER_FIELDS = ["supervision_level", "notice_color"]
LEVEL_NAMES = {1: "责任单位", 2: "区督查室", 3: "区主要领导"}
# ---------------------------------------------------------------- the ladder


def _rank(level: int, color: str) -> tuple[int, int]:
    return (level, COLOR_RANK.get(color, 0))


def _step(
    problem: Problem,
    *,
    kind: str,
    to_level: int,
    to_color: str,
    on: dt.date,
    reason: str,
    by: User | None = None,
    rule: EscalationRule | None = None,
    overdue: int = 0,
    expected_version: int | None = None,
) -> Escalation:
    """Move the problem to (to_level, to_color) and write the step; the caller holds the transaction."""
    before = audit.snapshot(problem, LADDER_FIELDS)
    rows = Problem.objects.filter(pk=problem.pk)
    if expected_version is not None:
        rows = rows.filter(version=expected_version)
    step = Escalation(
        problem=problem,
        kind=kind,
        from_level=problem.supervision_level,
        to_level=to_level,
        from_color=problem.notice_color,
        to_color=to_color,
        rule=rule,
        by=by,
        reason=reason,
        on=on,
        overdue_workdays=overdue,
    )
    step.full_clean(exclude=["problem", "rule", "by"])
    values: dict[str, Any] = {"supervision_level": to_level, "notice_color": to_color, "updated_at": timezone.now()}
    if by is not None:
        # A person's move is an edit; the tick's is derived from the deadline (like a project's light),
        # so it does not turn the unit's open 办结 form stale.
        values["version"] = F("version") + 1
    if not rows.update(**values):
        check_version(problem, expected_version)
    step.save()
    problem.refresh_from_db()
    old, new = audit.diff(before, audit.snapshot(problem, LADDER_FIELDS))
    why = f"依据规则“{rule.name}”：{reason}" if rule is not None else reason
    action = "supervision.deescalated" if kind == EscalationKind.MANUAL_DOWN else "supervision.escalated"
    audit.record(actor=by, action=action, obj=problem, before=old, after=new, parent=problem, note=why)
    msg = messages.escalated(
        title=problem.title,
        level=to_level,
        level_name=LEVEL_NAMES[to_level],
        reason=reason,
        rule=rule.name if rule is not None else "",
    )
    notify.notify(
        recipients=_ladder_audience(problem, to_level),
        **msg.as_kwargs(),
        link=_link(problem),
        obj=problem,
        dedupe_key=messages.dedupe_key(msg.event, problem, "step", step.pk),
        actor=by,
    )
    return step


def _manual_checks(problem: Problem, by: User, to_level: int, reason: str) -> str:
    if problem.status not in OPEN_STATUSES:
        raise ValidationError({"to_level": "只有未办结的问题可以调整督办层级"})
    if to_level not in Level.values:
        raise ValidationError({"to_level": "请选择督办层级"})
    if not permissions.can_move_between(by, problem, problem.supervision_level, to_level):
        raise PermissionDeniedError("区主要领导只处理第三级督办；其他层级的调整由督查室进行")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "请填写调整原因"})
    return reason


@transaction.atomic
def problem_escalate(
    *,
    problem: Problem,
    by: User,
    to_level: int,
    color: str,
    reason: str,
    expected_version: int | None = None,
) -> Escalation:
    """Escalate by hand: to a higher level or a stronger colour, with a 督办单 of that colour."""
    reason = _manual_checks(problem, by, to_level, reason)
    if color not in Color.values:
        raise ValidationError({"color": "请选择督办单颜色"})
    if to_level == Level.UNIT:
        raise ValidationError({"to_level": "升级督办须升至第二级或第三级"})
    if _rank(to_level, color) <= _rank(problem.supervision_level, problem.notice_color):
        raise ValidationError({"to_level": "升级后的层级或颜色须高于当前"})
    today = clock.today()
    overdue = max(calendar.workdays_between(problem.due_on, today), 0) if problem.due_on else 0
    step = _step(
        problem,
        kind=EscalationKind.MANUAL_UP,
        to_level=to_level,
        to_color=color,
        on=today,
        reason=reason,
        by=by,
        overdue=overdue,
        expected_version=expected_version,
    )
    notice_issue(problem=problem, color=color, on=today, by=by, escalation=step)
    return step


@transaction.atomic
def problem_deescalate(
    *,
    problem: Problem,
    by: User,
    to_level: int,
    reason: str,
    expected_version: int | None = None,
) -> Escalation:
    """De-escalate by hand (e.g. the unit showed the delay is someone else's). The rules already
    reached at this lateness will not fire again (see supervision_tick)."""
    reason = _manual_checks(problem, by, to_level, reason)
    if to_level >= problem.supervision_level:
        raise ValidationError({"to_level": "降级后的层级须低于当前层级"})
    color = "" if to_level == Level.UNIT else min(problem.notice_color, Color.YELLOW, key=lambda c: COLOR_RANK[c])
    today = clock.today()
    overdue = max(calendar.workdays_between(problem.due_on, today), 0) if problem.due_on else 0
    return _step(
        problem,
        kind=EscalationKind.MANUAL_DOWN,
        to_level=to_level,
        to_color=color,
        on=today,
        reason=reason,
        by=by,
        overdue=overdue,
        expected_version=expected_version,
    )
