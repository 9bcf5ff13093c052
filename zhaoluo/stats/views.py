"""The funnel page: 铜 (签约) → 银 (开工) → 金 (达产) counts and conversion rates, every number
linking to the project list filtered to exactly the projects behind it."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from zhaoluo.core import clock
from zhaoluo.core.htmx import AuthedRequest
from zhaoluo.projects import selectors as project_selectors

from . import funnel

YEAR_PARAM = {
    "signed": "signed_year",
    "started": "started_year",
    "producing": "producing_year",
    "at_capacity": "at_capacity_year",
}


def _year(value: str | None, default: int) -> int:
    try:
        year = int(value or "")
    except ValueError:
        return default
    return year if 1990 <= year <= 2100 else default


class Links:
    """Drill-down URLs into the project list."""

    def __init__(self, key_only: bool) -> None:
        self.base = reverse("projects:list")
        self.key_only = key_only

    def url(self, **params: Any) -> str:
        query = {k: v for k, v in params.items() if v is not None}
        if self.key_only:
            query["is_key"] = "true"
        return f"{self.base}?{urlencode(query)}"

    def in_year(self, stage: str, year: int) -> str:
        return self.url(**{YEAR_PARAM[stage]: year})

    def in_cluster(self, stage: str, year: int, cluster: int | None) -> str:
        """One cluster's row; the row of projects without a cluster links to exactly those."""
        where = {"cluster": cluster} if cluster is not None else {"no_cluster": "true"}
        return self.url(**{YEAR_PARAM[stage]: year, **where})

    def cohort(self, year: int, reached: str | None = None) -> str:
        return self.url(signed_year=year, reached=reached)


def _with_links(rows: list[dict[str, Any]], links: Links, *, cohort: bool = False, year: int | None = None) -> None:
    for row in rows:
        if cohort:
            row["links"] = {
                "signed": links.cohort(row["year"]),
                **{k: links.cohort(row["year"], k) for k in ("started", "producing", "at_capacity")},
            }
        elif year is not None:
            row["links"] = {k: links.in_cluster(k, year, row["cluster_id"]) for k in funnel.STAGE_KEYS}
        else:
            row["links"] = {k: links.in_year(k, int(row["year"])) for k in funnel.STAGE_KEYS}


@login_required
@require_GET
def funnel_page(request: AuthedRequest) -> HttpResponse:
    today = clock.today()
    key_only = request.GET.get("key") in {"1", "true", "on"}
    projects = funnel.scoped(project_selectors.project_list(user=request.user), key_only=key_only)
    span = funnel.year_span(projects, today.year)
    year = _year(request.GET.get("year"), min(span.last, today.year))
    years = funnel.YearSpan(min(span.first, year), max(span.last, year)).years(up_to=max(year, span.last))
    links = Links(key_only)

    counts = funnel.year_counts(projects, year)
    rates = funnel.conversions(counts)
    yearly = funnel.by_year(projects, years)
    cohort_rows = funnel.cohorts(projects, years)
    clusters = funnel.by_cluster(projects, year)
    _with_links(yearly, links)
    _with_links(cohort_rows, links, cohort=True)
    _with_links(clusters, links, year=year)

    stages = [
        {"key": k, "label": label, "medal": medal, "count": counts[k], "link": links.in_year(k, year)}
        for k, _, label, medal in funnel.STAGES
    ]
    chart = {
        "year": year,
        "funnel": [{"name": s["label"], "value": s["count"]} for s in stages],
        "years": [r["year"] for r in yearly],
        "series": {k: [r[k] for r in yearly] for k in funnel.STAGE_KEYS},
        "labels": {k: label for k, _, label, _ in funnel.STAGES},
    }
    context = {
        "year": year,
        "years": list(range(span.first, max(span.last, today.year) + 1)),
        "key_only": key_only,
        "stages": stages,
        "rates": rates,
        "yearly": yearly,
        "cohorts": cohort_rows,
        "clusters": clusters,
        "chart": chart,
        "links": {"started_signed": links.in_year("started", year), "capacity": links.in_year("at_capacity", year)},
    }
    return render(request, "stats/funnel.html", context)
