"""三员分立: what each of the three admin roles may do, as disjoint sets of capabilities.

One account holds one role (orgs.User.role), and one person (an Official) holds at most one
account (User.official is one-to-one), so nobody can hold two of these sets.
"""

from __future__ import annotations

from typing import Any

from zhaoluo.orgs.choices import Role

# Running the system: configuration and organisation data in the Django admin.
SYSTEM_CONFIGURE = "system.configure"
# Accounts and roles: create, reset password, disable/enable, change role, unlock, remove 2FA.
ACCOUNTS_MANAGE = "accounts.manage"
# Reading the audit log.
AUDIT_READ = "audit.read"

CAPABILITIES: dict[str, frozenset[str]] = {
    Role.SYSADMIN: frozenset({SYSTEM_CONFIGURE}),
    Role.SECADMIN: frozenset({ACCOUNTS_MANAGE}),
    Role.AUDITADMIN: frozenset({AUDIT_READ}),
}


def capabilities_of(user: Any) -> frozenset[str]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    return CAPABILITIES.get(user.role, frozenset())


def can(user: Any, capability: str) -> bool:
    return capability in capabilities_of(user)
