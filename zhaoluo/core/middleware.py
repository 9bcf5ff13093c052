from __future__ import annotations

import ipaddress
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from . import context


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
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        source = "api" if request.path.startswith("/api/") else "web"
        with context.using(context.RequestContext(ip=client_ip(request), source=source)):
            return self.get_response(request)
