"""Who may do what in 百名干部进百企. Seeing a record at all is the selectors' business (404)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from zhaoluo.orgs.choices import Role
from zhaoluo.orgs.scope import ScopeKind, scope_for

from .models import Pairing, Visit

# The organising unit (科经局) pairs and unpairs cadres and keeps the flag rules.
ORGANISER_ROLES = frozenset({Role.ECONOMY})
# Who reads contact data in full reads visit photos too (they may show people): core/pi.py UNMASK_ROLES.
PHOTO_ROLES = frozenset({Role.INVESTMENT, Role.ECONOMY})


def in_district(user: Any, district_id: int | None) -> bool:
    scope = scope_for(user)
    return scope.kind is not ScopeKind.NONE and scope.district_id == district_id


def can_organise(user: Any) -> bool:
    return getattr(user, "role", None) in ORGANISER_ROLES and scope_for(user).kind is ScopeKind.DISTRICT


def is_cadre_of(user: Any, enterprise_id: int, day: dt.date) -> bool:
    """The user's official has a pairing with the enterprise active on `day`."""
    official_id = getattr(user, "official_id", None)
    if official_id is None or getattr(user, "role", None) != Role.CADRE:
        return False
    return Pairing.objects.filter(cadre_id=official_id, enterprise_id=enterprise_id).active_on(day).exists()


def can_record_visit(user: Any, enterprise_id: int, day: dt.date) -> bool:
    return is_cadre_of(user, enterprise_id, day) or can_organise(user)


def can_raise_need(user: Any, visit: Visit) -> bool:
    """The visit's cadre (or its recorder) and the organiser turn a need into a problem."""
    if not in_district(user, visit.district_id):
        return False
    if can_organise(user):
        return True
    return user.pk == visit.recorded_by_id or (user.official_id is not None and user.official_id == visit.cadre_id)


def can_see_photos(user: Any, visit: Visit) -> bool:
    """Photos follow the rule of contact details: the roles that may read those in full, the
    enterprise's own contact, and the cadre who made the visit."""
    if not in_district(user, visit.district_id) and getattr(user, "enterprise_id", None) != visit.enterprise_id:
        return False
    role = getattr(user, "role", None)
    if role in PHOTO_ROLES:
        return True
    if role == Role.ENTERPRISE:
        return bool(user.enterprise_id) and user.enterprise_id == visit.enterprise_id
    return user.official_id is not None and user.official_id == visit.cadre_id
