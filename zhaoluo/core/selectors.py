"""Reads of the platform's own records: the audit log, for the audit administrator alone."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from . import roles
from .errors import PermissionDeniedError
from .models import AuditEvent


def is_audit_admin(user: Any) -> bool:
    """三员分立: only the 审计管理员 reads the audit log; the system and security administrators do not."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active and roles.allows(roles.AUDIT_READER, user))


def audit_events(*, user: Any) -> QuerySet[AuditEvent]:
    if not is_audit_admin(user):
        raise PermissionDeniedError("只有审计管理员可以查询审计记录")
    return AuditEvent.objects.select_related("actor").order_by("-at", "-id")
