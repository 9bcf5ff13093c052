"""Errors services raise; views and the API turn them into a form message, 400, 404 or 409."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError


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


__all__ = ["ConflictError", "PermissionDeniedError", "ValidationError"]
