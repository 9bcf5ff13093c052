"""Problem pages: the detail page with its timeline."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from zhaoluo.core import clock
from zhaoluo.core.htmx import AuthedRequest

from . import permissions, selectors, services, timeline

TIMELINE_LIMIT = 200


@login_required
@require_GET
def problem_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    problem = selectors.problem_get(user=request.user, pk=pk)
    user = request.user
    context = {
        "problem": problem,
        "co_units": list(problem.co_units.all()),
        "overdue_workdays": services.workdays_overdue(problem, clock.today()),
        "timeline": timeline.entries(selectors.problem_timeline(problem=problem)[:TIMELINE_LIMIT]),
        "can_assign": permissions.can_assign(user, problem),
        "can_handle": permissions.can_handle(user, problem),
        "can_confirm": permissions.can_confirm(user, problem),
    }
    return render(request, "problems/detail.html", context)
