"""我的工作: the user's own projects, this week's milestones and their red/yellow count;
for an account that sees no project records (an enterprise contact), its enterprises.
The audit search (审计查询) for the audit administrator, with its Excel export."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from zhaoluo.core import calendar, clock, selectors, services
from zhaoluo.core.audit_export import EXPORT_LIMIT, write_xlsx
from zhaoluo.core.errors import PermissionDeniedError
from zhaoluo.core.filters import AuditEventFilterSet
from zhaoluo.core.forms import style_form
from zhaoluo.core.htmx import AuthedRequest, render_page
from zhaoluo.core.ratelimit import limited
from zhaoluo.core.templatetags.zl import sees_projects
from zhaoluo.enterprises import selectors as enterprise_selectors
from zhaoluo.projects import selectors as project_selectors
from zhaoluo.projects.choices import LIGHT_RANK, Light
from zhaoluo.projects.models import Milestone, Project

MY_ENTERPRISES = 20


def week_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """Monday and Sunday of the week holding `day`."""
    monday = day - dt.timedelta(days=day.weekday())
    return monday, monday + dt.timedelta(days=6)


@login_required
@require_GET
def home(request: AuthedRequest) -> HttpResponse:
    today = clock.today()
    monday, sunday = week_of(today)
    context = {"today": today, "monday": monday, "sunday": sunday, "sees_projects": sees_projects(request.user)}
    if not context["sees_projects"]:
        enterprises = enterprise_selectors.enterprise_list(user=request.user).order_by("name")[:MY_ENTERPRISES]
        return render(request, "core/home.html", {**context, "projects": [], "enterprises": list(enterprises)})
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
    return render(request, "core/home.html", context)


def _light_rank(project: Project) -> tuple[int, str]:
    """Red first, then yellow, green, and a project not yet lit last; by name within a light."""
    return -LIGHT_RANK.get(project.light, -1), project.name  # type: ignore[call-overload]


def _overdue_rows(milestones: list[Milestone], today: dt.date) -> list[dict[str, object]]:
    """Each open milestone with the Chinese working days it is overdue (0 when not yet due), as the light counts."""
    if not milestones:
        return []
    with calendar.preloaded():
        return [{"m": m, "late_workdays": max(calendar.workdays_between(m.planned_on, today), 0)} for m in milestones]


AUDIT_PAGE_SIZE = 50


def _audit_filterset(request: AuthedRequest) -> tuple[AuditEventFilterSet, Any]:
    try:
        queryset = selectors.audit_events(user=request.user)
    except PermissionDeniedError as exc:
        raise PermissionDenied(str(exc)) from exc
    filterset = AuditEventFilterSet(request.GET or None, queryset=queryset)
    return filterset, (filterset.qs if filterset.is_bound else filterset.queryset)


@login_required
@require_GET
@limited("audit-search", "ZHAOLUO_RATE_AUDIT_SEARCHES_PER_MINUTE")
def audit_search(request: AuthedRequest) -> HttpResponse:
    """审计查询: the audit administrator's search over the audit log; each search is itself audited."""
    filterset, queryset = _audit_filterset(request)
    style_form(filterset.form)
    if filterset.is_bound and not filterset.is_valid():
        queryset = queryset.none()
    page = Paginator(queryset, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    services.audit_search_record(user=request.user, filters=request.GET.dict(), count=page.paginator.count)
    context = {"filter_form": filterset.form, "page": page, "export_query": request.GET.urlencode()}
    return render_page(request, "core/audit_list.html", "core/_audit_results.html", context)


@login_required
@require_GET
@limited("export", "ZHAOLUO_RATE_EXPORTS_PER_MINUTE")
def audit_export(request: AuthedRequest) -> HttpResponse:
    filterset, queryset = _audit_filterset(request)
    if filterset.is_bound and not filterset.is_valid():
        queryset = queryset.none()
    events = list(queryset[:EXPORT_LIMIT])
    services.audit_export_record(user=request.user, filters=request.GET.dict(), count=len(events))
    response = HttpResponse(
        write_xlsx(events), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.xlsx"'
    return response


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and monitoring: no login, no personal data, just whether we can serve.

    200 {"status": "ok"} when the database answers and every migration is applied;
    503 with a short reason otherwise.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError:
        return JsonResponse({"status": "error", "reason": "database unavailable"}, status=503)
    if pending:
        return JsonResponse({"status": "error", "reason": "unapplied migrations"}, status=503)
    return JsonResponse({"status": "ok"})
