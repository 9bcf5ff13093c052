"""Data scope: what part of the district a user may see.

Selectors translate a Scope into a queryset filter for their own model; this module only
decides which kind of scope a user has, from their role, unit and region.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

from .choices import DISTRICT_WIDE_ROLES, RegionLevel, Role, UnitKind


class ScopeKind(Enum):
    NONE = "none"
    DISTRICT = "district"
    TOWNSHIP = "township"
    UNIT = "unit"
    PORTFOLIO = "portfolio"
    ENTERPRISE = "enterprise"


@dataclass(frozen=True)
class Scope:
    kind: ScopeKind
    district_id: int | None = None
    township_id: int | None = None
    unit_id: int | None = None
    official_id: int | None = None
    enterprise_id: int | None = None


NOTHING = Scope(ScopeKind.NONE)


def scope_for(user: Any) -> Scope:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOTHING
    cached = getattr(user, "_zhaoluo_scope", None)
    if cached is not None:
        return cached
    result = _compute(user)
    user._zhaoluo_scope = result
    return result


def _compute(user: Any) -> Scope:
    role = user.role
    region = user.region
    district = region.district() if region is not None else None
    district_id = district.pk if district is not None else None
    if not role or (district_id is None and role != Role.ENTERPRISE):
        return NOTHING
    if role in DISTRICT_WIDE_ROLES:
        return Scope(ScopeKind.DISTRICT, district_id=district_id)
    unit = user.unit
    if role == Role.TOWNSHIP or (role == Role.UNIT and unit is not None and unit.kind == UnitKind.TOWNSHIP):
        township = (
            region
            if region is not None and region.level == RegionLevel.TOWNSHIP
            else (unit.region if unit is not None else None)
        )
        if township is None:
            return NOTHING
        return Scope(ScopeKind.TOWNSHIP, district_id=district_id, township_id=township.pk)
    if role == Role.UNIT:
        if user.unit_id is None:
            return NOTHING
        return Scope(ScopeKind.UNIT, district_id=district_id, unit_id=user.unit_id, official_id=user.official_id)
    if role in {Role.LEADER, Role.TASK_FORCE, Role.CADRE}:
        if user.official_id is None:
            return NOTHING
        return Scope(ScopeKind.PORTFOLIO, district_id=district_id, official_id=user.official_id)
    if role == Role.ENTERPRISE:
        if user.enterprise_id is None:
            return NOTHING
        return Scope(ScopeKind.ENTERPRISE, district_id=district_id, enterprise_id=user.enterprise_id)
    # The three admin roles run the system; business records are not theirs to read.
    return NOTHING


class ConsoleUser:
    """Whoever runs `zhaoluo export` at the server's console: they hold the database already,
    so they read the whole of one district. Never a login; never saved."""

    is_authenticated = True
    is_active = True
    pk = None
    id = None
    official_id = None
    unit_id = None
    unit = None
    enterprise_id = None

    def __init__(self, district: Any) -> None:
        self.region = district
        self.role = Role.PRINCIPAL
        self._zhaoluo_scope = Scope(ScopeKind.DISTRICT, district_id=district.pk)
