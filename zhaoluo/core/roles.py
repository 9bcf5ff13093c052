"""The kernel's questions about a user's role, answered by the app that defines the roles.

The kernel checks a few things itself (who enters the admin, who reads the audit log, who
handles personal-data deletion, who may see personal data unmasked) but knows no role: the
app that owns the user model registers one check per question from its `plugins.py`, e.g.

    roles.register(roles.AUDIT_READER, lambda user, obj=None: user.role == Role.AUDITADMIN)

A user is allowed when any registered check says yes (the enterprises app adds "an enterprise
contact, on their own enterprise" to UNMASK); a question nobody answered is refused, so a
missing registration denies rather than grants.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models

# 系统管理员: may enter the Django admin (the second factor is checked by the admin site).
ADMIN_SITE = "admin_site"
# 审计管理员: reads the audit log.
AUDIT_READER = "audit_reader"
# 安全管理员: handles personal-data deletion (anonymisation) requests.
PRIVACY_OFFICER = "privacy_officer"
# May ask for personal data in full, on a record (or none) the user can already see.
UNMASK = "unmask"

RoleCheck = Callable[[Any, models.Model | None], bool]

_CHECKS: dict[str, list[RoleCheck]] = {}


def register(question: str, check: RoleCheck) -> None:
    """Answer one of the kernel's questions (one more way to be allowed)."""
    _CHECKS.setdefault(question, []).append(check)


def allows(question: str, user: Any, obj: models.Model | None = None) -> bool:
    return user is not None and any(check(user, obj) for check in _CHECKS.get(question, ()))
