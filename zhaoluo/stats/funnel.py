"""The 签约 → 开工 → 投产 → 达产 funnel (铜 → 银 → 金) over any project queryset.

Pure functions: each takes the caller's (already scoped) queryset and answers with one
aggregate query. "Reached a stage in year Y" means the stage's date lies in Y; the cohort
view follows the projects signed in Y to whatever they have reached by now.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Max, Min, Q, QuerySet
from django.db.models.functions import ExtractYear

from zhaoluo.projects.models import Project

# (key, date field, Chinese label, medal)
STAGES: list[tuple[str, str, str, str]] = [
    ("signed", "signed_on", "签约", "copper"),
    ("started", "started_on", "开工", "silver"),
    ("producing", "producing_on", "投产", ""),
    ("at_capacity", "at_capacity_on", "达产", "gold"),
]
STAGE_KEYS = [key for key, *_ in STAGES]
DATE_FIELD = {key: field for key, field, *_ in STAGES}


def scoped(queryset: QuerySet[Project], *, key_only: bool) -> QuerySet[Project]:
    # The scope's select_related is not needed for counting.
    queryset = queryset.select_related(None).order_by()
    return queryset.filter(is_key=True) if key_only else queryset


def rate(numerator: int | None, denominator: int | None) -> Decimal | None:
    """numerator ÷ denominator in per cent, one decimal; None when there is no base."""
    if not denominator or numerator is None:
        return None
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _in_year(key: str, year: int) -> Q:
    return Q(**{f"{DATE_FIELD[key]}__year": year})


def year_counts(queryset: QuerySet[Project], year: int) -> dict[str, int]:
    """Projects that reached each stage within the year (its date in the year)."""
    aggregates = {key: Count("pk", filter=_in_year(key, year)) for key in STAGE_KEYS}
    return {k: int(v or 0) for k, v in queryset.aggregate(**aggregates).items()}


def conversions(counts: dict[str, int]) -> dict[str, Decimal | None]:
    return {
        "started_per_signed": rate(counts.get("started"), counts.get("signed")),
        "producing_per_started": rate(counts.get("producing"), counts.get("started")),
        "capacity_per_started": rate(counts.get("at_capacity"), counts.get("started")),
    }


def by_year(queryset: QuerySet[Project], years: list[int]) -> list[dict[str, Any]]:
    """year_counts for several years in one query."""
    if not years:
        return []
    aggregates = {f"{key}_{y}": Count("pk", filter=_in_year(key, y)) for y in years for key in STAGE_KEYS}
    totals = queryset.aggregate(**aggregates)
    rows = []
    for y in years:
        counts = {key: int(totals[f"{key}_{y}"] or 0) for key in STAGE_KEYS}
        rows.append({"year": y, **counts, **conversions(counts)})
    return rows


def cohorts(queryset: QuerySet[Project], years: list[int]) -> list[dict[str, Any]]:
    """Of the projects signed in each year: how many have since started, produced, reached capacity."""
    found = {
        row["year"]: row
        for row in queryset.filter(signed_on__isnull=False)
        .order_by()
        .annotate(year=ExtractYear("signed_on"))
        .values("year")
        .annotate(
            signed=Count("pk"),
            started=Count("pk", filter=Q(started_on__isnull=False)),
            producing=Count("pk", filter=Q(producing_on__isnull=False)),
            at_capacity=Count("pk", filter=Q(at_capacity_on__isnull=False)),
        )
    }
    rows = []
    for y in years:
        row = found.get(y, {"signed": 0, "started": 0, "producing": 0, "at_capacity": 0})
        counts = {key: int(row[key]) for key in STAGE_KEYS}  # type: ignore[literal-required]
        rows.append(
            {
                "year": y,
                **counts,
                "started_rate": rate(counts["started"], counts["signed"]),
                "producing_rate": rate(counts["producing"], counts["signed"]),
                "capacity_rate": rate(counts["at_capacity"], counts["signed"]),
            }
        )
    return rows


def by_cluster(queryset: QuerySet[Project], year: int) -> list[dict[str, Any]]:
    """year_counts per 产业集群 (projects without one together under None)."""
    aggregates = {key: Count("pk", filter=_in_year(key, year)) for key in STAGE_KEYS}
    any_stage = Q()
    for key in STAGE_KEYS:
        any_stage |= _in_year(key, year)
    rows = (
        queryset.filter(any_stage)
        .values("cluster_id", "cluster__name")
        .annotate(**aggregates)
        .order_by("cluster__name")
    )
    out: list[dict[str, Any]] = []
    for row in rows:
        counts = {key: int(row[key]) for key in STAGE_KEYS}  # type: ignore[literal-required]
        out.append({"cluster_id": row["cluster_id"], "cluster": row["cluster__name"], **counts, **conversions(counts)})
    out.sort(key=lambda r: (r["cluster"] is None, -r["signed"], r["cluster"] or ""))
    return out


@dataclass(frozen=True)
class YearSpan:
    first: int
    last: int

    def years(self, up_to: int, at_most: int = 8) -> list[int]:
        last = min(self.last, up_to) if up_to >= self.first else self.last
        return list(range(max(self.first, last - at_most + 1), last + 1))


def year_span(queryset: QuerySet[Project], today_year: int) -> YearSpan:
    """The years holding any stage date (the current year when there are none)."""
    bounds = queryset.aggregate(
        **{f"min_{k}": Min(f) for k, f in DATE_FIELD.items()}, **{f"max_{k}": Max(f) for k, f in DATE_FIELD.items()}
    )
    mins = [d.year for k, d in bounds.items() if k.startswith("min_") and d]
    maxes = [d.year for k, d in bounds.items() if k.startswith("max_") and d]
    if not mins:
        return YearSpan(today_year, today_year)
    return YearSpan(min(mins), max(maxes))
