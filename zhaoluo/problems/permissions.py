"""Who may do what to a problem. Seeing it at all is the selectors' business (404 outside scope)."""

from __future__ import annotations

from typing import Any

from zhaoluo.orgs.choices import ADMIN_ROLES, Role
from zhaoluo.orgs.scope import ScopeKind, scope_for

from .choices import Origin
from .models import Problem

# District roles that hand problems out (交办); a 包保领导 does so for the projects they carry.
ASSIGNING_ROLES = frozenset({Role.INVESTMENT, Role.SUPERVISION, Role.PRINCIPAL, Role.ECONOMY})


def _in_district(user: Any, problem: Problem) -> bool:
    scope = scope_for(user)
    return scope.kind is not ScopeKind.NONE and scope.district_id == problem.district_id


def can_raise(user: Any) -> bool:
    return scope_for(user).kind is not ScopeKind.NONE and user.role not in ADMIN_ROLES


def can_assign(user: Any, problem: Problem) -> bool:
    if not _in_district(user, problem):
        return False
    if user.role in ASSIGNING_ROLES:
        return True
    return (
        user.role == Role.LEADER
        and problem.project is not None
        and user.official_id is not None
        and problem.project.leader_id == user.official_id
    )


def can_handle(user: Any, problem: Problem) -> bool:
    """The responsible unit's staff, or the official named as owner."""
    if not _in_district(user, problem):
        return False
    if problem.owner_id is not None and user.official_id == problem.owner_id:
        return True
    return problem.unit_id is not None and user.unit_id == problem.unit_id and user.role in {Role.UNIT, Role.TOWNSHIP}


def can_confirm(user: Any, problem: Problem) -> bool:
    """销号, 退回重办 and the rating belong to whoever raised it: the raiser, the enterprise
    for an enterprise's problem, or 督查室 (who stands in for a raiser no longer there)."""
    if not _in_district(user, problem):
        return False
    if user.role == Role.SUPERVISION:
        return True
    if problem.raiser_id is not None and problem.raiser_id == user.pk:
        return True
    # A need the enterprise voiced on a cadre's visit is the enterprise's to confirm as well.
    return (
        problem.origin in (Origin.ENTERPRISE, Origin.VISIT)
        and user.role == Role.ENTERPRISE
        and problem.enterprise_id is not None
        and user.enterprise_id == problem.enterprise_id
    )
