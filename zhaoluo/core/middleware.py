from __future__ import annotations

import ipaddress
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

from . import context
from .errors import ScopeDenied


def _valid_ip(value: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The address the audit log records.

    X-Real-IP is believed only when the request comes from one of the deployment's own
    reverse proxies (ZHAOLUO_TRUSTED_PROXIES); anyone else could write any address there.
    """
    remote = _valid_ip(request.META.get("REMOTE_ADDR"))
    if remote is not None and remote in settings.ZHAOLUO_TRUSTED_PROXIES:
        forwarded = _valid_ip(request.META.get("HTTP_X_REAL_IP"))
        if forwarded is not None:
            return forwarded
    return remote


class RequestContextMiddleware:
    """Who, from where, and which request: read by the audit log and the log formatter.

    The request id is ours, never the client's X-Request-ID (a client could replay one to
    muddle the audit trail); it is sent back so a user's report can name it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        source = "api" if request.path.startswith("/api/") else "web"
        request_id = context.new_request_id()
        request.request_id = request_id  # type: ignore[attr-defined]
        with context.using(context.RequestContext(ip=client_ip(request), source=source, request_id=request_id)):
            response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


class NoStoreMiddleware:
    """Pages and API answers are never kept by a browser or proxy cache (ASVS 14.3.2).

    Static files are answered by WhiteNoise before this runs, so they keep their long cache.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        add_never_cache_headers(response)
        return response


DENIED_MARK = "_zhaoluo_denied"


def mark_denied(request: HttpRequest, exc: ScopeDenied) -> None:
    setattr(request, DENIED_MARK, exc)


class DeniedAccessAuditMiddleware:
    """One audit row (outcome=denied) per refused request of a signed-in user.

    Refused means: any 403 (a role that may not do this, a failed CSRF check), and a 404
    for a record that exists but lies outside the user's scope (the selectors raise
    ScopeDenied). A 404 for a URL or record that does not exist is not logged: that is
    noise, not an access attempt. Anonymous requests are the login's business (they are
    redirected to it, or get 401/403 from the API) and are not logged here, so nobody
    can fill the audit log without an account.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        denied: ScopeDenied | None = getattr(request, DENIED_MARK, None)
        if response.status_code == 403 or (response.status_code == 404 and denied is not None):
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                _after_answer(response, _denied_row(request, user, response.status_code, denied))
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, ScopeDenied):
            mark_denied(request, exception)


def _denied_row(request: HttpRequest, user: Any, status: int, denied: ScopeDenied | None) -> dict[str, Any]:
    from . import audit
    from .models import Outcome

    match = request.resolver_match
    route = match.view_name if match is not None else ""
    if denied is not None:
        object_type, object_id = denied.object_type, denied.object_id
    else:
        # The route refused, and the record it was about when the URL names one.
        object_type = f"route:{route}" if route else "route"
        pk = match.kwargs.get("pk") if match is not None else None
        object_id = str(pk) if pk is not None else request.path
    # Built now, inside the request (its address and request id); written once the answer has
    # gone out, so a busy database delays nobody's refusal and cannot turn it into a 500. A row
    # the database still refuses is spooled to disk and written by the next tick (audit_spool).
    row = audit.raw_row(
        actor=user,
        action="access.denied",
        outcome=Outcome.DENIED,
        object_type=object_type,
        object_id=object_id,
        object_repr=f"{request.method} {request.path}",
        note=f"HTTP {status} {route}".strip(),
    )
    return row


def _after_answer(response: HttpResponse, row: dict[str, Any]) -> None:
    from .audit_spool import write_or_spool

    # Django calls a response's closers when the server has sent it (HttpResponseBase.close);
    # the test client and every WSGI server do so. Closers' exceptions are swallowed there,
    # so write_or_spool must not raise: it catches the database's refusal itself.
    closers: list[Any] = response._resource_closers  # type: ignore[attr-defined]  # Django's, not in the stubs
    closers.append(lambda: write_or_spool(row))
