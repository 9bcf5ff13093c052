"""Who may fill in and submit a form. Seeing it at all is the selectors' business (404 outside scope).

A key project's form is kept by those who report its progress (projects/permissions.py
REPORT_ROLES: 专班, 包保领导, 牵头单位, 镇街, 招商人员); an enterprise's by its own contact and
by 科经局, who serves the enterprises of the district.
"""

from __future__ import annotations

from typing import Any

from zhaoluo.orgs.choices import Role
from zhaoluo.orgs.scope import ScopeKind, scope_for
from zhaoluo.projects.permissions import REPORT_ROLES

from .models import AssistanceForm

ENTERPRISE_ROLES = frozenset({Role.ENTERPRISE, Role.ECONOMY})


def can_start(user: Any) -> bool:
    """May open a new form for some subject of their scope."""
    if scope_for(user).kind is ScopeKind.NONE:
        return False
    return user.role in REPORT_ROLES or user.role in ENTERPRISE_ROLES


def may_fill_projects(user: Any) -> bool:
    return scope_for(user).kind is not ScopeKind.NONE and user.role in REPORT_ROLES


def may_fill_enterprises(user: Any) -> bool:
    return scope_for(user).kind is not ScopeKind.NONE and user.role in ENTERPRISE_ROLES


def can_fill(user: Any, form: AssistanceForm) -> bool:
    """The caller has already seen the form through the selectors (its subject is in scope)."""
    if form.project_id is not None:
        return may_fill_projects(user)
    if user.role == Role.ENTERPRISE:
        return user.enterprise_id is not None and user.enterprise_id == form.enterprise_id
    return may_fill_enterprises(user)
