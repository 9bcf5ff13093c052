"""Errors services raise; views and the API turn them into a form message, 400, 404 or 409."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404


class ConflictError(Exception):
    """The record changed since the caller read it (optimistic lock).

    `changes` maps each field someone else changed to its current value, so the user is
    told what changed rather than just "try again".
    """

    def __init__(self, *, message: str, current_version: int, changes: dict[str, Any]) -> None:
        super().__init__(message)
        self.message = message
        self.current_version = current_version
        self.changes = changes


class PermissionDeniedError(Exception):
    """The user may see the record but not do this to it."""


__all__ = ["ConflictError", "PermissionDeniedError", "ScopeDenied", "ValidationError", "not_visible"]


class ScopeDenied(Http404):
    """A record that exists but lies outside the user's scope.

    The user gets the same 404 and message as for a record that does not exist (so
    nothing about it leaks); the audit log records the denied attempt (checklist C1).
    """

    def __init__(self, message: str, *, object_type: str, object_id: str) -> None:
        super().__init__(message)
        self.object_type = object_type
        self.object_id = object_id


def not_visible(model: type[models.Model], pk: Any, message: str) -> Http404:
    """The 404 for a record the user cannot see: ScopeDenied when it exists, plain Http404 when not."""
    if model._default_manager.filter(pk=pk).exists():
        label = f"{model._meta.app_label}.{model._meta.model_name}"
        return ScopeDenied(message, object_type=label, object_id=str(pk))
    return Http404(message)
