"""Coverage for the organiser: who is not paired, not visited, over- or under-loaded.

The thresholds are a rule with defaults (a pairing not visited for one quarter is due; a cadre
carries one to three enterprises), which the page lets the organiser change in its query.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Q, QuerySet

from zhaoluo.enterprises.models import Enterprise
from zhaoluo.orgs.choices import Role
from zhaoluo.orgs.models import Official

from .models import Pairing


@dataclass(frozen=True)
class CoverageRule:
    visit_days: int = 91  # one quarter
    load_min: int = 1
    load_max: int = 3


def due_pairings(pairings: QuerySet[Pairing], today: dt.date, days: int) -> QuerySet[Pairing]:
    """Active pairings whose cadre has not visited the enterprise in the last `days` days."""
    cutoff = today - dt.timedelta(days=days)
    return (
        pairings.active_on(today)  # type: ignore[attr-defined]
        .annotate(last_visit=Max("visits__visited_on"))
        .filter(Q(last_visit__isnull=True) | Q(last_visit__lt=cutoff))
        .order_by("last_visit", "cadre__name")
    )


def unpaired(enterprises: QuerySet[Enterprise], today: dt.date) -> QuerySet[Enterprise]:
    active = Pairing.objects.active_on(today).values("enterprise_id")
    return enterprises.exclude(pk__in=active).order_by("name")


def loads(pairings: QuerySet[Pairing], today: dt.date, district_id: int | None) -> QuerySet[Any]:
    """Every cadre with an active pairing, and every 包联干部 account's official (load 0 counts)."""
    active_cadres = pairings.active_on(today).values("cadre_id")  # type: ignore[attr-defined]
    accounts = Q(user__role=Role.CADRE, user__region_id=district_id, user__is_active=True)
    return (
        Official.objects.filter(Q(pk__in=active_cadres) | accounts)
        .annotate(load=Count("pairings", filter=Q(pairings__in=pairings.active_on(today))))  # type: ignore[attr-defined]
        .select_related("unit")
        .order_by("-load", "name")
    )


def summary(
    pairings: QuerySet[Pairing],
    enterprises: QuerySet[Enterprise],
    today: dt.date,
    rule: CoverageRule,
    district_id: int | None,
) -> dict[str, int]:
    load_rows = loads(pairings, today, district_id)
    return {
        "unpaired": unpaired(enterprises, today).count(),
        "due": due_pairings(pairings, today, rule.visit_days).count(),
        "over": load_rows.filter(load__gt=rule.load_max).count(),
        "under": load_rows.filter(load__lt=rule.load_min).count(),
    }
