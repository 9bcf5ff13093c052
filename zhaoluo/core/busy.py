"""A database too busy to take a write answers 503 with a clear Chinese message, never a 500.

The embedded SQLite database serialises writers: a writer that waited the whole busy timeout
(20 s) gets "database is locked". PostgreSQL answers a lock or statement timeout the same way
in spirit. Either way nothing is wrong with the request: the user should try again shortly,
so the answer says so (and Retry-After), as a page or, under /api/, in the API's error shape.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

BUSY_MESSAGE = "系统正忙（数据库正在处理其他写入），您的操作没有保存，请稍后重试。"
RETRY_AFTER_SECONDS = 30
_BUSY_SIGNS = (
    "database is locked",  # SQLite, after the busy timeout
    "database table is locked",
    "lock timeout",  # PostgreSQL: canceling statement due to lock timeout
    "could not obtain lock",  # PostgreSQL: NOWAIT / LockNotAvailable
    "statement timeout",
)


def is_busy(exc: BaseException) -> bool:
    return isinstance(exc, OperationalError) and any(sign in str(exc).lower() for sign in _BUSY_SIGNS)


def busy_response(request: HttpRequest) -> HttpResponse:
    response: HttpResponse
    if request.path.startswith("/api/"):
        # The API's one error shape (core/api.py): {"error": {"code", "message"}}.
        response = JsonResponse({"error": {"code": "database_busy", "message": BUSY_MESSAGE}}, status=503)
    else:
        response = HttpResponse(render_to_string("busy.html", {"message": BUSY_MESSAGE}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseBusyMiddleware:
    """Last in MIDDLEWARE, so its process_exception sees a view's exception first (DRF hands on
    what its handler does not know, OperationalError among them)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if is_busy(exception):
            return busy_response(request)
        return None
