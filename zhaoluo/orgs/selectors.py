"""Reads of the organisation, for pickers in forms and filters."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from .choices import RegionLevel
from .models import Official, Region, Unit
from .scope import scope_for


def district_of(user: Any) -> Region | None:
    scope = scope_for(user)
    if scope.district_id is None:
        return None
    return Region.objects.filter(pk=scope.district_id).first()


def townships(*, user: Any) -> QuerySet[Region]:
    scope = scope_for(user)
    return Region.objects.filter(level=RegionLevel.TOWNSHIP, parent_id=scope.district_id).order_by("code")


def leaders(*, user: Any) -> QuerySet[Official]:
    """The 四大家 leaders a project can be assigned to."""
    if scope_for(user).district_id is None:
        return Official.objects.none()
    return Official.objects.exclude(body="").order_by("body", "name")


def officials(*, user: Any) -> QuerySet[Official]:
    if scope_for(user).district_id is None:
        return Official.objects.none()
    return Official.objects.select_related("unit").order_by("name")


def units(*, user: Any) -> QuerySet[Unit]:
    if scope_for(user).district_id is None:
        return Unit.objects.none()
    return Unit.objects.order_by("kind", "name")
