"""Reads of indicator values: a district's staff see their district, its townships and the
regions above it (the city and province figures they compare against)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from zhaoluo.orgs.models import Region
from zhaoluo.orgs.scope import ScopeKind, scope_for

from .models import Indicator, IndicatorValue

_NO_FIGURES = frozenset({ScopeKind.NONE, ScopeKind.ENTERPRISE})


def visible_regions(*, user: Any) -> list[int]:
    scope = scope_for(user)
    if scope.kind in _NO_FIGURES or scope.district_id is None:
        return []
    district = Region.objects.get(pk=scope.district_id)
    ids = [district.pk]
    node = district.parent
    while node is not None:
        ids.append(node.pk)
        node = node.parent
    ids += list(Region.objects.filter(parent=district).values_list("pk", flat=True))
    return ids


def value_list(*, user: Any) -> QuerySet[IndicatorValue]:
    regions = visible_regions(user=user)
    if not regions:
        return IndicatorValue.objects.none()
    return IndicatorValue.objects.filter(region_id__in=regions).select_related("region", "indicator", "imported_by")


def catalogue() -> QuerySet[Indicator]:
    return Indicator.objects.all()


def region_by_name_or_code(*, user: Any, value: str) -> list[Region]:
    regions = visible_regions(user=user)
    return list(Region.objects.filter(pk__in=regions).filter(Q(code=value) | Q(name=value)))
