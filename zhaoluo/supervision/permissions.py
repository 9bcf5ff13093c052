"""Who may move a problem on the supervision ladder. Seeing it is the selectors' business.

督查室 (supervision) runs levels 1–2 and may also move problems to and from level 3;
the principal leaders (区长/区委书记) act on level 3 only: they take a problem up to
themselves or hand it back down, 挂牌督办 and 约谈 are theirs and the office's.
District leaders (包保领导 for the projects they carry, and the principals for any)
set the green channel.
"""

from __future__ import annotations

from typing import Any

from zhaoluo.orgs.choices import Role
from zhaoluo.orgs.scope import ScopeKind, scope_for
from zhaoluo.problems.models import Problem
from zhaoluo.projects.models import Project

LADDER_ROLES = frozenset({Role.SUPERVISION, Role.PRINCIPAL})


def _in_district(user: Any, district_id: int) -> bool:
    scope = scope_for(user)
    return scope.kind is not ScopeKind.NONE and scope.district_id == district_id


def can_edit_rules(user: Any) -> bool:
    return scope_for(user).kind is ScopeKind.DISTRICT and user.role == Role.SUPERVISION


def can_move(user: Any, problem: Problem) -> bool:
    """May open the escalate / de-escalate forms at all (the level is checked by can_move_between)."""
    return _in_district(user, problem.district_id) and user.role in LADDER_ROLES


def can_move_between(user: Any, problem: Problem, from_level: int, to_level: int) -> bool:
    if not can_move(user, problem):
        return False
    if user.role == Role.SUPERVISION:
        return True
    return 3 in (from_level, to_level)


def can_record(user: Any, problem: Problem) -> bool:
    """挂牌督办 and 约谈."""
    return can_move(user, problem)


def can_set_green_channel(user: Any, project: Project) -> bool:
    if not _in_district(user, project.district_id):
        return False
    if user.role == Role.PRINCIPAL:
        return True
    return user.role == Role.LEADER and user.official_id is not None and project.leader_id == user.official_id
