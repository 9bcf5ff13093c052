"""The kernel's own pages: the audit search (审计查询) for the audit administrator, with its
Excel export, and the health check. (我的工作, the start page, is the cockpit app's.)"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from zhaoluo.core import selectors, services
from zhaoluo.core.audit_export import EXPORT_LIMIT, write_xlsx
from zhaoluo.core.errors import PermissionDeniedError
from zhaoluo.core.filters import AuditEventFilterSet
from zhaoluo.core.forms import style_form
from zhaoluo.core.htmx import AuthedRequest, render_page
from zhaoluo.core.ratelimit import limited

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
