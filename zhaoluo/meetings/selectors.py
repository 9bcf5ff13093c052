"""All reads of meetings, scoped to what the user may see.

District-wide roles see every meeting of their district; anyone else sees the meetings they
chair or are invited to. The three admin roles and an account without a role see none.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from zhaoluo.core.errors import not_visible
from zhaoluo.orgs.scope import ScopeKind, scope_for
from zhaoluo.problems.models import Problem

from .choices import Outcome, Status
from .models import Attendance, Decision, Meeting


def meeting_list(*, user: Any) -> QuerySet[Meeting]:
    scope = scope_for(user)
    if scope.kind is ScopeKind.NONE or scope.kind is ScopeKind.ENTERPRISE:
        return Meeting.objects.none()
    qs = Meeting.objects.filter(district_id=scope.district_id).select_related("chair", "rule")
    if scope.kind is ScopeKind.DISTRICT:
        return qs
    official_id = getattr(user, "official_id", None)
    if official_id is None:
        return Meeting.objects.none()
    invited = Attendance.objects.filter(meeting=OuterRef("pk"), official_id=official_id)
    return qs.filter(Q(chair_id=official_id) | Q(Exists(invited)))


def my_meetings(*, user: Any) -> QuerySet[Meeting]:
    """The meetings the user chairs (a chair's own list)."""
    official_id = getattr(user, "official_id", None)
    if official_id is None:
        return Meeting.objects.none()
    return meeting_list(user=user).filter(chair_id=official_id)


def meeting_get(*, user: Any, pk: int) -> Meeting:
    meeting = meeting_list(user=user).filter(pk=pk).first()
    if meeting is None:
        raise not_visible(Meeting, pk, "会议不存在或不在您的查看范围内")
    return meeting


def split_by_date(qs: QuerySet[Meeting], today: dt.date) -> tuple[QuerySet[Meeting], QuerySet[Meeting]]:
    """(upcoming, past): planned meetings from today on, soonest first; the rest, latest first."""
    upcoming = qs.filter(status=Status.PLANNED, held_on__gte=today).order_by("held_on", "start_time", "id")
    past = qs.exclude(pk__in=upcoming.values("pk")).order_by("-held_on", "-id")
    return upcoming, past


def decision_outcome(problem: Problem | None, today: dt.date) -> str:
    if problem is None or problem.resolved_on is None:
        if problem is not None and problem.is_overdue(today):
            return Outcome.OVERDUE
        return Outcome.OPEN
    return Outcome.ON_TIME if problem.resolved_on_time is not False else Outcome.LATE


@dataclass(frozen=True)
class DecisionRow:
    decision: Decision
    outcome: str

    @property
    def outcome_label(self) -> str:
        return str(Outcome(self.outcome).label)


def decisions_with_outcome(decisions: QuerySet[Decision], today: dt.date) -> list[DecisionRow]:
    rows = decisions.select_related("problem", "unit", "owner", "project")
    return [DecisionRow(d, decision_outcome(d.problem, today)) for d in rows]
