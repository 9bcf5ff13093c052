"""API plumbing shared by every app: pagination and one JSON shape for every error.

Every error answers `{"error": {"code", "message", "fields"?, ...}}`: 400 with field
errors, 401/403, 404 (also for records outside the caller's scope), 409 on a stale
version with what changed.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import ConflictError, PermissionDeniedError, ScopeDenied
from .middleware import mark_denied


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500


def _error(code: str, message: str, http_status: int, headers: dict[str, str] | None = None, **extra: Any) -> Response:
    return Response({"error": {"code": code, "message": message, **extra}}, status=http_status, headers=headers)


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
