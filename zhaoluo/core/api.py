"""API plumbing shared by every app: pagination and one JSON shape for every error.

Every error answers `{"error": {"code", "message", "fields"?, ...}}`: 400 with field
errors, 401/403, 404 (also for records outside the caller's scope), 409 on a stale
version with what changed. Errors raised outside a DRF view (an `/api/…` path no route
matches, an unexpected exception) reach Django's error handlers, which `zhaoluo/urls.py`
points here: under `/api/` they answer in the same shape, elsewhere the HTML pages.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import ConflictError, PermissionDeniedError, ScopeDenied
from .middleware import mark_denied


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500


def error_body(code: str, message: str, **extra: Any) -> dict[str, Any]:
    """The one error shape of the API (docs/api.md)."""
    return {"error": {"code": code, "message": message, **extra}}


def _error(code: str, message: str, http_status: int, headers: dict[str, str] | None = None, **extra: Any) -> Response:
    return Response(error_body(code, message, **extra), status=http_status, headers=headers)


def validation_fields(exc: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {("non_field_errors" if k == "__all__" else k): list(v) for k, v in exc.message_dict.items()}
    return {"non_field_errors": list(exc.messages)}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ConflictError):
        return _error(
            "conflict",
            exc.message,
            status.HTTP_409_CONFLICT,
            current_version=exc.current_version,
            changes=exc.changes,
        )
    if isinstance(exc, DjangoValidationError):
        fields = validation_fields(exc)
        return _error("invalid", "提交的数据有误", status.HTTP_400_BAD_REQUEST, fields=fields)
    if isinstance(exc, PermissionDeniedError | DjangoPermissionDenied):
        return _error("permission_denied", str(exc) or "没有权限", status.HTTP_403_FORBIDDEN)
    if isinstance(exc, Http404):
        if isinstance(exc, ScopeDenied) and context.get("request") is not None:
            mark_denied(context["request"]._request, exc)
        return _error("not_found", str(exc) or "不存在或不在您的查看范围内", status.HTTP_404_NOT_FOUND)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        return _error("invalid", "提交的数据有误", response.status_code, fields=detail)
    if isinstance(exc, exceptions.APIException):
        code = exc.get_codes() if isinstance(exc.get_codes(), str) else "error"
        # Keep WWW-Authenticate (401) and Retry-After (429) from DRF's own answer.
        headers = {k: v for k, v in response.headers.items() if k in ("WWW-Authenticate", "Retry-After")}
        return _error(str(code), str(exc.detail), response.status_code, headers=headers or None)
    return response  # pragma: no cover


# ---------------------------------------------------------------- Django's error handlers

SERVER_ERROR_MESSAGE = "系统繁忙，请稍后再试；如一再出现，请把请求编号 request_id 告诉系统管理员"


def is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


def _json(request: HttpRequest, status_code: int, code: str, message: str) -> JsonResponse:
    # The request id (also the X-Request-ID header) lets a caller's report be found in the log.
    request_id = getattr(request, "request_id", "")
    extra = {"request_id": request_id} if request_id and status_code >= 500 else {}
    return JsonResponse(
        error_body(code, message, **extra), status=status_code, json_dumps_params={"ensure_ascii": False}
    )


def handler400(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api(request):
        return _json(request, 400, "bad_request", "请求无法处理（格式有误或过大）")
    return defaults.bad_request(request, exception)


def handler403(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api(request):
        return _json(request, 403, "permission_denied", str(exception) or "没有权限")
    return defaults.permission_denied(request, exception)


def handler404(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api(request):
        # Django's own 404 text names the URL patterns it tried (DEBUG) or is English: not shown.
        return _json(request, 404, "not_found", "没有这个接口地址，或记录不存在、不在您的查看范围内")
    return defaults.page_not_found(request, exception)


def handler500(request: HttpRequest) -> HttpResponse:
    if is_api(request):
        return _json(request, 500, "server_error", SERVER_ERROR_MESSAGE)
    return defaults.server_error(request)
