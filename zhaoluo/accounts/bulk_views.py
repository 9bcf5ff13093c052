"""/security/accounts/bulk/: logins for many officials at once (bulk_services.py)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from zhaoluo.core.htmx import AuthedRequest
from zhaoluo.orgs.choices import Role

from . import bulk_services, selectors
from .forms import WEB_ROLE_CHOICES
from .views import _manager, _run

PAGE_SIZE = 50
SESSION_SHEET = "accounts_bulk_sheet"
# An enterprise contact's login belongs to an enterprise, not to an official of the roster.
BULK_ROLE_CHOICES = [(value, label) for value, label in WEB_ROLE_CHOICES if value not in ("", Role.ENTERPRISE)]
_BULK_ROLES = {value for value, _ in BULK_ROLE_CHOICES}


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def manage_bulk(request: AuthedRequest) -> HttpResponse:
    manager = _manager(request)
    search = request.GET.get("q", "").strip()[:64]
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        created = _create(request, manager, errors)
        if created is not None:
            return created
        status = 422
    officials = selectors.officials_without_login(user=manager, search=search)
    page = Paginator(officials, PAGE_SIZE).get_page(request.GET.get("page"))
    taken: set[str] = set()
    rows = [
        {
            "official": o,
            "username": request.POST.get(f"username-{o.pk}") or bulk_services.suggested_username(o, taken),
            "role": request.POST.get(f"role-{o.pk}", ""),
            "picked": str(o.pk) in request.POST.getlist("pick"),
        }
        for o in page.object_list
    ]
    context = {"page": page, "rows": rows, "q": search, "roles": BULK_ROLE_CHOICES, "errors": errors}
    return render(request, "accounts/manage_bulk.html", context, status=status)


def _create(request: AuthedRequest, manager: Any, errors: list[str]) -> HttpResponse | None:
    picks = [int(p) for p in request.POST.getlist("pick") if p.isdigit()]
    scoped = selectors.officials_without_login(user=manager).in_bulk(picks)
    if len(scoped) < len(set(picks)):
        errors.append(f"所选干部中有 {len(set(picks)) - len(scoped)} 名不在本区或已有账号，请刷新页面后重选")
        return None
    rows = []
    for pk in picks:
        role = request.POST.get(f"role-{pk}", "")
        if role not in _BULK_ROLES:
            errors.append(f"{scoped[pk].name}：请选择角色（三员账号不能在此创建）")
            continue
        username = request.POST.get(f"username-{pk}", "")
        rows.append(bulk_services.BulkRow(official=scoped[pk], username=username, role=role))
    if errors:
        return None
    try:
        created = _run(lambda: bulk_services.accounts_create_bulk(by=manager, rows=rows))
    except ValidationError as exc:
        errors.extend(exc.messages)
        return None
    sheet = bulk_services.handover_sheet(created)
    request.session[SESSION_SHEET] = {
        "sheet": bulk_services.seal_sheet(sheet, user=manager),
        "count": len(created),
    }
    response = render(request, "accounts/manage_bulk_done.html", {"created": created})
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@login_required
@require_GET
def manage_bulk_sheet(request: AuthedRequest) -> HttpResponse:
    """The batch's sheet, once: it leaves the session with this download."""
    manager = _manager(request)
    pending = request.session.pop(SESSION_SHEET, None)
    if not pending:
        messages.error(request, "账号交接表已下载过或已失效：临时密码只提供一次，如有遗失请逐个重置密码")
        return redirect("secadmin:bulk")
    data = bulk_services.open_sheet(pending["sheet"], user=manager)
    bulk_services.sheet_downloaded(by=manager, count=int(pending["count"]))
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = content_disposition_header(True, bulk_services.sheet_filename())
    response["Cache-Control"] = "no-store"
    return response
