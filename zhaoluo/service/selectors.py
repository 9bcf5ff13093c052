"""All reads of 百名干部进百企, scoped to what the user may see (outside it: 404).

District-wide roles see the district's pairings and visits; a township those of its
enterprises; a cadre their own; an enterprise contact their enterprise's. Units, leaders and
task forces have no part in the pairings, the admin roles and accounts without a role none.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Max, Q, QuerySet

from zhaoluo.core.errors import not_visible
from zhaoluo.enterprises.models import Enterprise
from zhaoluo.orgs.choices import Role
from zhaoluo.orgs.scope import ScopeKind, scope_for
from zhaoluo.problems.choices import OPEN_STATUSES, Status
from zhaoluo.problems.models import Problem

from .models import FlagRule, Pairing, PoolMembership, Visit, VisitFlag


def _enterprise_filter(user: Any, prefix: str = "enterprise__") -> Q | None:
    """The Q over enterprises the user sees in this app; None for nothing."""
    scope = scope_for(user)
    if scope.kind is ScopeKind.DISTRICT:
        return Q(**{f"{prefix}district_id": scope.district_id})
    if scope.kind is ScopeKind.TOWNSHIP:
        return Q(**{f"{prefix}district_id": scope.district_id, f"{prefix}township_id": scope.township_id})
    if scope.kind is ScopeKind.ENTERPRISE and scope.enterprise_id is not None:
        return Q(**{f"{prefix}pk": scope.enterprise_id})
    return None


def _is_cadre(user: Any) -> bool:
    return getattr(user, "role", None) == Role.CADRE and scope_for(user).kind is ScopeKind.PORTFOLIO


def pairing_list(*, user: Any) -> QuerySet[Pairing]:
    qs = Pairing.objects.select_related("cadre", "cadre__unit", "enterprise", "enterprise__township")
    if _is_cadre(user):
        return qs.filter(cadre_id=user.official_id)
    where = _enterprise_filter(user)
    return qs.filter(where) if where is not None else qs.none()


def pairing_get(*, user: Any, pk: int) -> Pairing:
    pairing = pairing_list(user=user).filter(pk=pk).first()
    if pairing is None:
        raise not_visible(Pairing, pk, "包联关系不存在或不在您的查看范围内")
    return pairing


def visit_list(*, user: Any) -> QuerySet[Visit]:
    qs = Visit.objects.select_related("enterprise", "cadre")
    if _is_cadre(user):
        return qs.filter(cadre_id=user.official_id)
    where = _enterprise_filter(user)
    return qs.filter(where) if where is not None else qs.none()


def visit_get(*, user: Any, pk: int) -> Visit:
    visit = visit_list(user=user).filter(pk=pk).first()
    if visit is None:
        raise not_visible(Visit, pk, "走访记录不存在或不在您的查看范围内")
    return visit


def flag_list(*, user: Any) -> QuerySet[VisitFlag]:
    visits = visit_list(user=user)
    return VisitFlag.objects.filter(visit__in=visits.values("pk")).select_related(
        "rule", "visit", "visit__enterprise", "visit__cadre"
    )


def flag_rules() -> QuerySet[FlagRule]:
    return FlagRule.objects.order_by("code")


def service_enterprises(*, user: Any) -> QuerySet[Enterprise]:
    """The enterprises whose 包联 section the user may open: those they see through this app."""
    if _is_cadre(user):
        return Enterprise.objects.filter(pairings__cadre_id=user.official_id).distinct()
    where = _enterprise_filter(user, prefix="")
    return Enterprise.objects.filter(where) if where is not None else Enterprise.objects.none()


def service_enterprise_get(*, user: Any, pk: int) -> Enterprise:
    enterprise = service_enterprises(user=user).filter(pk=pk).first()
    if enterprise is None:
        raise not_visible(Enterprise, pk, "企业不存在或不在您的查看范围内")
    return enterprise


def my_enterprises(*, user: Any, today: dt.date) -> list[dict[str, Any]]:
    """The cadre's start page: each enterprise paired today, its last visit and open needs."""
    if getattr(user, "official_id", None) is None:
        return []
    pairings = list(
        Pairing.objects.filter(cadre_id=user.official_id)
        .active_on(today)
        .select_related("enterprise")
        .order_by("enterprise__name")
    )
    ids = [p.enterprise_id for p in pairings]
    last = dict(
        Visit.objects.filter(enterprise_id__in=ids, cadre_id=user.official_id)
        .values("enterprise_id")
        .annotate(last=Max("visited_on"))
        .values_list("enterprise_id", "last")
    )
    open_counts = dict(
        Problem.objects.filter(enterprise_id__in=ids, status__in=OPEN_STATUSES)
        .values("enterprise_id")
        .annotate(n=Count("pk"))
        .values_list("enterprise_id", "n")
    )
    return [
        {
            "pairing": p,
            "enterprise": p.enterprise,
            "last_visit": last.get(p.enterprise_id),
            "open": open_counts.get(p.enterprise_id, 0),
        }
        for p in pairings
    ]


def awaiting_confirmation(*, user: Any) -> QuerySet[Problem]:
    """Problems of the cadre's enterprises that are 办结 and wait for the enterprise to confirm."""
    if getattr(user, "official_id", None) is None:
        return Problem.objects.none()
    enterprises = Pairing.objects.filter(cadre_id=user.official_id, until__isnull=True).values("enterprise_id")
    return Problem.objects.filter(enterprise_id__in=enterprises, status=Status.RESOLVED).select_related("enterprise")


def pool_memberships(*, user: Any) -> QuerySet[PoolMembership]:
    """Pool memberships (规上, 高企, 专精特新, 上市后备, 已上市) of the enterprises the user sees
    through this app, with their history (entered, left, why)."""
    return PoolMembership.objects.filter(enterprise__in=service_enterprises(user=user)).select_related("enterprise")
