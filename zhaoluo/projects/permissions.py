"""Who may do what to a project they can see (seeing is the selectors' business)."""

from __future__ import annotations

from typing import Any

from zhaoluo.core.errors import PermissionDeniedError
from zhaoluo.orgs.choices import Role

from .models import Project

# 招商人员 drive projects from lead to signing and keep the funds ledger.
MANAGE_ROLES = frozenset({Role.INVESTMENT})
# Those who work the project day to day report progress and keep its plan.
REPORT_ROLES = frozenset({Role.INVESTMENT, Role.TASK_FORCE, Role.LEADER, Role.UNIT, Role.TOWNSHIP})


def can_manage(user: Any, project: Project | None = None) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.role in MANAGE_ROLES


def can_report(user: Any, project: Project) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.role in REPORT_ROLES


def require_manage(user: Any, project: Project | None = None) -> None:
    if not can_manage(user, project):
        raise PermissionDeniedError("只有招商人员可以新建、编辑项目或变更项目阶段")


def require_report(user: Any, project: Project) -> None:
    if not can_report(user, project):
        raise PermissionDeniedError("您的角色不能填报该项目的进展或方案")
