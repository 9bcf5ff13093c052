"""The agenda a meeting starts with: composed from the chair's portfolio (red and yellow projects,
problems escalated since the last meeting), and who is asked to attend."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import QuerySet

from zhaoluo.orgs.choices import Role
from zhaoluo.orgs.models import Official, User
from zhaoluo.problems import services as problem_services
from zhaoluo.problems.choices import OPEN_STATUSES
from zhaoluo.problems.models import Problem
from zhaoluo.projects.choices import Light
from zhaoluo.projects.models import Project, TaskForceMember

from ..choices import ChairBy, ItemKind, Status
from ..models import AgendaItem, Decision, Meeting
from .common import CLOSED_STAGES

# ---- agenda ----------------------------------------------------------------------------------


def _whole_district(meeting: Meeting) -> bool:
    return meeting.rule is not None and meeting.rule.chair_by == ChairBy.POST


def portfolio(meeting: Meeting) -> QuerySet[Project]:
    qs = Project.objects.filter(district_id=meeting.district_id).exclude(stage__in=CLOSED_STAGES)
    return qs if _whole_district(meeting) else qs.filter(leader_id=meeting.chair_id)


def _escalated_problems(*, projects: QuerySet[Project], today: dt.date) -> list[Problem]:
    """Open problems of the portfolio the supervision ladder has taken to level 2 or 3."""
    escalated = Problem.objects.filter(project__in=projects, status__in=OPEN_STATUSES, supervision_level__gte=2)
    return list(escalated.select_related("project", "unit").order_by("-supervision_level", "due_on", "pk"))


def previous_meeting(meeting: Meeting) -> Meeting | None:
    return (
        Meeting.objects.filter(
            district_id=meeting.district_id,
            chair_id=meeting.chair_id,
            kind=meeting.kind,
            status=Status.HELD,
            held_on__lt=meeting.held_on,
        )
        .order_by("-held_on", "-pk")
        .first()
    )


def light_reasons_text(project: Project) -> str:
    return "；".join(str(r.get("message", "")) for r in project.light_reasons if isinstance(r, dict))


@dataclass(frozen=True)
class Item:
    kind: str
    text: str
    project: Project | None = None
    problem: Problem | None = None
    decision: Decision | None = None


def compose_agenda(meeting: Meeting, today: dt.date) -> list[Item]:
    """The agenda from the chair's portfolio: red then yellow projects, each with its overdue
    problems; the portfolio's escalated problems not listed yet; the last meeting's decisions."""
    projects = portfolio(meeting)
    items: list[Item] = []
    listed: set[int] = set()
    lit = projects.filter(light__in=[Light.RED, Light.YELLOW]).select_related("lead_unit", "leader")
    ordered = sorted(lit, key=lambda p: (p.light != Light.RED, p.name))
    overdue: dict[int, list[Problem]] = {}
    late = Problem.objects.filter(project__in=[p.pk for p in ordered], status__in=OPEN_STATUSES, due_on__lt=today)
    for problem in late.select_related("unit").order_by("due_on", "pk"):
        overdue.setdefault(problem.project_id or 0, []).append(problem)
    for project in ordered:
        reasons = light_reasons_text(project)
        text = f"【{Light(project.light).label}】{project.name}" + (f"：{reasons}" if reasons else "")
        items.append(Item(ItemKind.PROJECT, text, project))
        for problem in overdue.get(project.pk, []):
            listed.add(problem.pk)
            items.append(Item(ItemKind.PROBLEM, _problem_text(problem, today), project, problem))
    for problem in _escalated_problems(projects=projects, today=today):
        if problem.pk not in listed:
            items.append(Item(ItemKind.ESCALATED, _problem_text(problem, today), problem.project, problem))
    last = previous_meeting(meeting)
    if last is not None:
        for decision in last.decisions.select_related("unit").order_by("pk"):
            text = f"{last.number}议定：{decision}（{decision.unit}，时限 {decision.due_on:%Y-%m-%d}）"
            items.append(Item(ItemKind.REVIEW, text[:300], decision.project, decision.problem, decision))
    return items


def _problem_text(problem: Problem, today: dt.date) -> str:
    late = problem_services.workdays_overdue(problem, today)
    unit = problem.unit.name if problem.unit else "未交办"
    return f"{problem.code} {problem.description[:80]}（{unit}，逾期 {late} 个工作日）"[:300]


def _attendees(meeting: Meeting, items: Sequence[Item]) -> list[Official]:
    """Who is invited: the agenda projects' 包保领导 and 专班 leads, the owners of its problems
    and decisions, and 督查室 (which takes the minutes)."""
    project_ids = {i.project.pk for i in items if i.project is not None}
    ids: set[int] = set()
    ids |= set(Project.objects.filter(pk__in=project_ids, leader__isnull=False).values_list("leader_id", flat=True))
    ids |= set(
        TaskForceMember.objects.filter(project_id__in=project_ids, is_lead=True).values_list("official_id", flat=True)
    )
    ids |= {i.problem.owner_id for i in items if i.problem is not None and i.problem.owner_id}
    ids |= {i.decision.owner_id for i in items if i.decision is not None and i.decision.owner_id}
    ids |= set(
        User.objects.filter(
            is_active=True, role=Role.SUPERVISION, official__isnull=False, region_id=meeting.district_id
        ).values_list("official_id", flat=True)
    )
    ids.discard(meeting.chair_id)
    return list(Official.objects.filter(pk__in=ids).order_by("pk"))


def _write_agenda(meeting: Meeting, items: Sequence[Item]) -> None:
    AgendaItem.objects.bulk_create(
        AgendaItem(
            meeting=meeting,
            position=n,
            kind=i.kind,
            text=i.text[:300],
            project=i.project,
            problem=i.problem,
            decision=i.decision,
        )
        for n, i in enumerate(items, start=1)
    )
