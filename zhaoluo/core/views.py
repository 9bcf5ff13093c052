"""我的工作: the user's own projects, this week's milestones and their red/yellow count."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from zhaoluo.core import clock
from zhaoluo.core.htmx import AuthedRequest
from zhaoluo.projects import selectors as project_selectors
from zhaoluo.projects.choices import Light


def week_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """Monday and Sunday of the week holding `day`."""
    monday = day - dt.timedelta(days=day.weekday())
    return monday, monday + dt.timedelta(days=6)


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    today = clock.today()
    monday, sunday = week_of(today)
    projects = list(project_selectors.my_projects(user=request.user).order_by("name"))
    milestones = list(project_selectors.milestones_due(user=request.user, start=monday, end=sunday))
    context = {
        "today": today,
        "monday": monday,
        "sunday": sunday,
        "projects": sorted(projects, key=_light_rank),
        "milestones": milestones,
        "red_count": sum(1 for p in projects if p.light == Light.RED),
        "yellow_count": sum(1 for p in projects if p.light == Light.YELLOW),
    }
    return render(request, "core/home.html", context)


def _light_rank(project: object) -> tuple[int, str]:
    order = {Light.RED: 0, Light.YELLOW: 1, Light.GREEN: 2}
    light = str(getattr(project, "light", ""))
    return order.get(Light(light), 3) if light in Light.values else 3, str(getattr(project, "name", ""))
