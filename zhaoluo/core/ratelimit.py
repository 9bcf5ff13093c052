"""Anti-automation for the expensive or data-heavy requests (checklist G9): exports, imports
and audit searches, per user and minute. Login throttling is the accounts app's own.

Counts live in Django's cache. The default cache is a file cache under var/, shared by the
worker processes of one server; a deployment with several servers points CACHES at a shared
backend. The window is a fixed minute: approximate by design, it stops scripts, not people.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse

from . import audit
from .models import Outcome


def allow(*, scope: str, user_id: Any, per_minute: int) -> tuple[bool, int]:
    """Count one request; (allowed, seconds until the window ends)."""
    now = time.time()
    window = int(now // 60)
    key = f"zl-rate:{scope}:{user_id}:{window}"
    cache.add(key, 0, timeout=90)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=90)
        count = 1
    return count <= per_minute, 60 - int(now % 60)


def limited(
    scope: str, setting: str, methods: tuple[str, ...] = ("GET", "POST")
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Refuse with 429 (Chinese message, Retry-After) past `settings.<setting>` requests a minute."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated and request.method in methods:
                ok, retry = allow(scope=scope, user_id=user.pk, per_minute=getattr(settings, setting))
                if not ok:
                    return _too_many(request, scope, retry)
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


_LABELS = {"export": "导出", "import": "导入", "audit-search": "审计查询"}


def check(request: Any, scope: str, setting: str) -> HttpResponse | None:
    """For DRF views: None when allowed, else the 429 answer."""
    user = request.user
    ok, retry = allow(scope=scope, user_id=user.pk, per_minute=getattr(settings, setting))
    return None if ok else _too_many(request, scope, retry)


def _too_many(request: HttpRequest, scope: str, retry: int) -> HttpResponse:
    message = f"{_LABELS.get(scope, '操作')}过于频繁，请 {retry} 秒后再试"
    audit.record_event(
        audit.build_raw(
            actor=request.user,
            action="rate.limited",
            object_type="route",
            object_id=request.path[:64],
            note=message,
            outcome=Outcome.DENIED,
        )
    )
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"error": {"code": "throttled", "message": message}}, status=429)
    else:
        response = HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(retry)
    return response
