"""Who may write approvals. Seeing them is the selectors' business (404 outside scope).

- 招商人员 run the district's 项目代办 service: they record a project's approvals, its
  and keep the catalogue (the project code is the project's, edited with it).
- The handling department's own staff (牵头/责任单位 role whose unit is the approval's
  department) update the dates of the approvals they handle.
- The catalogue is business data, not configuration: besides 招商人员 the staff of the
  district's 政务服务 unit (setting ZHAOLUO_APPROVALS_SERVICE_UNIT) keep it. The three admin
  roles run the system and touch no business data.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from zhaoluo.orgs.choices import Role
from zhaoluo.orgs.scope import ScopeKind, scope_for

from .models import Approval

RECORD_ROLES = frozenset({Role.INVESTMENT})


def _district_id(user: Any) -> int | None:
    scope = scope_for(user)
    return scope.district_id if scope.kind is not ScopeKind.NONE else None


def can_record(user: Any, project: Any = None) -> bool:
    """Create approvals and set the national code (of a project in the user's district)."""
    district_id = _district_id(user)
    if district_id is None or user.role not in RECORD_ROLES:
        return False
    return project is None or project.district_id == district_id


def can_update(user: Any, approval: Approval) -> bool:
    if can_record(user, approval.project):
        return True
    return (
        _district_id(user) == approval.project.district_id
        and user.role == Role.UNIT
        and approval.department_id is not None
        and user.unit_id == approval.department_id
    )


def can_keep_catalogue(user: Any) -> bool:
    if _district_id(user) is None:
        return False
    if user.role in RECORD_ROLES:
        return True
    service_unit = getattr(settings, "ZHAOLUO_APPROVALS_SERVICE_UNIT", "")
    unit = getattr(user, "unit", None)
    return bool(service_unit) and user.role == Role.UNIT and unit is not None and unit.name == service_unit
