"""Reads of the organisation, for pickers in forms, filters and the API."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from .choices import RegionLevel
from .models import Official, Region, Unit
from .scope import ScopeKind, scope_for

# Enterprise contacts deal with their own enterprise; the directory of cadres is not theirs.
_NO_DIRECTORY = frozenset({ScopeKind.NONE, ScopeKind.ENTERPRISE})


def _district_id(user: Any) -> int | None:
    scope = scope_for(user)
    return None if scope.kind in _NO_DIRECTORY else scope.district_id


def district_of(user: Any) -> Region | None:
    scope = scope_for(user)
    if scope.district_id is None:
        return None
    return Region.objects.filter(pk=scope.district_id).first()


def townships(*, user: Any) -> QuerySet[Region]:
    district_id = _district_id(user)
    if district_id is None:
        return Region.objects.none()
    return Region.objects.filter(level=RegionLevel.TOWNSHIP, parent_id=district_id).order_by("code")


def units(*, user: Any) -> QuerySet[Unit]:
    """The district's own departments and parks and its townships' units."""
    district_id = _district_id(user)
    if district_id is None:
        return Unit.objects.none()
    return Unit.objects.filter(Q(region_id=district_id) | Q(region__parent_id=district_id)).order_by("kind", "name")


def officials(*, user: Any) -> QuerySet[Official]:
    """The district's officials: cadres of its units and its leaders without a unit (四大家)."""
    district_id = _district_id(user)
    if district_id is None:
        return Official.objects.none()
    return Official.objects.filter(district_id=district_id).select_related("unit").order_by("name")


def leaders(*, user: Any) -> QuerySet[Official]:
    """The 四大家 leaders a project can be assigned to."""
    return officials(user=user).exclude(body="").order_by("body", "name")


def home_district() -> Region | None:
    """The district `zhaoluo setup` moved in first, if any: the ledger commands' default."""
    return Region.objects.filter(is_home=True, level=RegionLevel.DISTRICT).first()
