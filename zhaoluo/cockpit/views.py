"""我的工作: the user's own projects, this week's milestones and their red/yellow count;
for an account that sees no project records (an enterprise contact), its enterprises."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from zhaoluo.core import calendar, clock
from zhaoluo.core.htmx import AuthedRequest
from zhaoluo.enterprises import selectors as enterprise_selectors
from zhaoluo.orgs.choices import Role
from zhaoluo.projects import selectors as project_selectors
from zhaoluo.projects.choices import LIGHT_RANK, Light
from zhaoluo.projects.display import sees_projects
from zhaoluo.projects.models import Milestone, Project

MY_ENTERPRISES = 20


def week_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """Monday and Sunday of the week holding `day`."""
    monday = day - dt.timedelta(days=day.weekday())
    return monday, monday + dt.timedelta(days=6)


@login_required
@require_GET
def home(request: AuthedRequest) -> HttpResponse:
    # A 包联干部's day is their enterprises: the service app's start page is theirs.
    if request.user.role == Role.CADRE:
        return redirect("service:start")
    today = clock.today()
    monday, sunday = week_of(today)
    context = {"today": today, "monday": monday, "sunday": sunday, "sees_projects": sees_projects(request.user)}
    if not context["sees_projects"]:
        enterprises = enterprise_selectors.enterprise_list(user=request.user).order_by("name")[:MY_ENTERPRISES]
        return render(request, "cockpit/home.html", {**context, "projects": [], "enterprises": list(enterprises)})
    projects = list(project_selectors.my_projects(user=request.user).order_by("name"))
    milestones = list(project_selectors.milestones_due(user=request.user, start=monday, end=sunday))
    rows = _overdue_rows(milestones, today)
    context.update(
        {
            "projects": sorted(projects, key=_light_rank),
            "milestones": rows,
            "red_count": sum(1 for p in projects if p.light == Light.RED),
            "yellow_count": sum(1 for p in projects if p.light == Light.YELLOW),
        }
    )
    return render(request, "cockpit/home.html", context)


def _light_rank(project: Project) -> tuple[int, str]:
    """Red first, then yellow, green, and a project not yet lit last; by name within a light."""
    return -LIGHT_RANK.get(project.light, -1), project.name  # type: ignore[call-overload]


def _overdue_rows(milestones: list[Milestone], today: dt.date) -> list[dict[str, object]]:
    """Each open milestone with the Chinese working days it is overdue (0 when not yet due), as the light counts."""
    if not milestones:
        return []
    with calendar.preloaded():
        return [{"m": m, "late_workdays": max(calendar.workdays_between(m.planned_on, today), 0)} for m in milestones]
