"""The year's figures of shared/LEDGERS.md ("Figures"), computed from records.

Every figure is an aggregate query over projects and fund arrivals; only the median of
sign-to-start days is taken in Python, from the list of day counts. "A figure with no
data is null":

- the project counts are null when the scope holds no project at all (0 is a real count
  once projects exist);
- `funds_arrived` is null when no fund row has its 期间 in the year;
- `funds_yoy_pct` is null when either year has no fund rows (or the previous year sums
  to 0, which leaves no base to compare with);
- `sign_to_start_days` is null when no project (key or not) started in the year;
- the problem counts are null when the scope holds no problem at all.

Amounts are Decimal 万元; `figures_json` writes them as JSON numbers without padding zeros.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, DurationField, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet, Sum

from zhaoluo.orgs.models import Region
from zhaoluo.problems.models import Problem
from zhaoluo.projects.models import HUNDRED_MILLION, FundArrival, Project
from zhaoluo.service.models import Pairing

# Key order of the JSON object and the table, with the table's Chinese labels.
LABELS: dict[str, str] = {
    "key_projects_signed": "新引进重点项目（签约）",
    "key_projects_started": "重点项目开工建设",
    "key_projects_producing": "重点项目建成投产",
    "key_projects_at_capacity": "重点项目达产",
    "strategic_100m_signed": "亿元以上战略性新兴产业项目签约",
    "funds_arrived": "实际到位资金（万元）",
    "funds_yoy_pct": "实际到位资金同比（%）",
    "sign_to_start_days": "签约到开工天数（最短/中位/最长）",
    "cadres_paired": "包联干部数",
    "enterprises_paired": "包联企业数",
    "problems_raised": "新提出问题",
    "problems_resolved": "办结问题",
    "problems_resolved_on_time": "按时办结问题",
    "problems_overdue": "年末逾期未办结问题",
    # Last, after the problem keys it contains as a substring (the table is read by key).
    "pairing_problems_resolved": "包联企业办结问题",
}
CENT = Decimal("0.01")


class UnknownRegionError(LookupError):
    """The region code names no region the platform knows."""

    def __init__(self, code: str) -> None:
        super().__init__(f"未知的地区代码：{code}（应为本平台已有的区或镇街代码）")
        self.code = code


def region_by_code(code: str) -> Region:
    region = Region.objects.filter(code=code.strip()).first()
    if region is None:
        raise UnknownRegionError(code)
    return region


def _year_range(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _in_year(field: str, year: int) -> Q:
    first, last = _year_range(year)
    return Q(**{f"{field}__gte": first, f"{field}__lte": last})


def scoped_projects(region: Region | None = None) -> QuerySet[Project]:
    """All projects, or those whose district or township is `region`.

    A district code takes the whole district; a township code that township only.
    """
    if region is None:
        return Project.objects.all()
    return Project.objects.filter(Q(district=region) | Q(township=region))


def project_counts(projects: QuerySet[Project], year: int) -> dict[str, int | None]:
    key = Q(is_key=True)
    strategic_100m = Q(is_strategic=True, planned_investment__gte=HUNDRED_MILLION)
    row = projects.aggregate(
        total=Count("pk"),
        key_projects_signed=Count("pk", filter=key & _in_year("signed_on", year)),
        key_projects_started=Count("pk", filter=key & _in_year("started_on", year)),
        key_projects_producing=Count("pk", filter=key & _in_year("producing_on", year)),
        key_projects_at_capacity=Count("pk", filter=key & _in_year("at_capacity_on", year)),
        strategic_100m_signed=Count("pk", filter=strategic_100m & _in_year("signed_on", year)),
    )
    has_projects = bool(row.pop("total"))
    return {name: (int(value) if has_projects else None) for name, value in row.items()}


def funds_by_year(projects: QuerySet[Project], year: int) -> dict[int, Decimal | None]:
    """Sum of 到位资金 for `year` and the year before; None for a year without rows."""
    funds = FundArrival.objects.filter(project__in=projects.values("pk"))
    row = funds.aggregate(**{str(y): Sum("amount", filter=_in_year("period", y)) for y in (year, year - 1)})
    return {y: (Decimal(row[str(y)]) if row[str(y)] is not None else None) for y in (year, year - 1)}


def yoy_pct(current: Decimal | None, previous: Decimal | None) -> Decimal | None:
    """(current ÷ previous − 1) × 100, two decimals, half up; None without a base."""
    if current is None or previous is None or previous == 0:
        return None
    return ((current / previous - 1) * 100).quantize(CENT, rounding=ROUND_HALF_UP)


def median(values: list[int]) -> Decimal:
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return Decimal(ordered[middle])
    return (Decimal(ordered[middle - 1]) + Decimal(ordered[middle])) / 2


def sign_to_start_days(projects: QuerySet[Project], year: int) -> dict[str, int | Decimal] | None:
    gap = ExpressionWrapper(F("started_on") - F("signed_on"), output_field=DurationField())
    durations = list(
        projects.filter(_in_year("started_on", year), signed_on__isnull=False)
        .annotate(gap=gap)
        .values_list("gap", flat=True)
    )
    days = [d.days for d in durations]
    if not days:
        return None
    return {"min": min(days), "median": median(days), "max": max(days)}


def scoped_problems(region: Region | None = None) -> QuerySet[Problem]:
    """All problems, or a district's; for a township code those of its projects and enterprises."""
    if region is None:
        return Problem.objects.all()
    return Problem.objects.filter(Q(district=region) | Q(project__township=region) | Q(enterprise__township=region))


def problem_counts(problems: QuerySet[Problem], year: int) -> dict[str, int | None]:
    """The contract's problem figures. "Unresolved at the end of Y whose 办结时限 has passed":
    raised by 31 December, not resolved by then, due on or before it (the deadline day is over)."""
    _, last = _year_range(year)
    unresolved_at_end = Q(resolved_on__isnull=True) | Q(resolved_on__gt=last)
    row = problems.aggregate(
        total=Count("pk"),
        problems_raised=Count("pk", filter=_in_year("raised_on", year)),
        problems_resolved=Count("pk", filter=_in_year("resolved_on", year)),
        problems_resolved_on_time=Count(
            "pk", filter=_in_year("resolved_on", year) & Q(due_on__isnull=False, resolved_on__lte=F("due_on"))
        ),
        problems_overdue=Count("pk", filter=unresolved_at_end & Q(raised_on__lte=last, due_on__lte=last)),
    )
    has_problems = bool(row.pop("total"))
    return {name: (int(value) if has_problems else None) for name, value in row.items()}


def problem_drilldown(year: int) -> dict[str, dict[str, str]]:
    """The 问题清单 filters (problems/filters.py) that list the records behind each problem figure."""
    _, last = _year_range(year)
    return {
        "problems_raised": {"raised_year": str(year), "is_open": ""},
        "problems_resolved": {"resolved_year": str(year), "is_open": ""},
        "problems_resolved_on_time": {"resolved_year": str(year), "on_time": "true", "is_open": ""},
        "problems_overdue": {"overdue_at": last.isoformat(), "is_open": ""},
    }


def scoped_pairings(region: Region | None = None) -> QuerySet[Pairing]:
    """All pairings, or a district's; for a township code those of its enterprises."""
    if region is None:
        return Pairing.objects.all()
    return Pairing.objects.filter(Q(district=region) | Q(enterprise__township=region))


def pairing_counts(pairings: QuerySet[Pairing], problems: QuerySet[Problem], year: int) -> dict[str, int | None]:
    """百名干部进百企 (shared/LEDGERS.md): distinct cadres and enterprises in a pairing active at any
    day of Y, and the problems resolved in Y about an enterprise paired on the problem's 提出日期.
    All null when the scope holds no pairing at all."""
    if not pairings.exists():
        return dict.fromkeys(("cadres_paired", "enterprises_paired", "pairing_problems_resolved"))
    first, last = _year_range(year)
    active = pairings.active_in(first, last)  # type: ignore[attr-defined]
    paired_when_raised = pairings.filter(
        enterprise_id=OuterRef("enterprise_id"), since__lte=OuterRef("raised_on")
    ).filter(Q(until__isnull=True) | Q(until__gte=OuterRef("raised_on")))
    resolved = problems.filter(_in_year("resolved_on", year), enterprise__isnull=False).filter(
        Exists(paired_when_raised)
    )
    return {
        "cadres_paired": active.values("cadre_id").distinct().count(),
        "enterprises_paired": active.values("enterprise_id").distinct().count(),
        "pairing_problems_resolved": resolved.count(),
    }


def figures(*, year: int, region: Region | None = None) -> dict[str, Any]:
    """The project and funds figures of `year`, for the whole platform or one region."""
    projects = scoped_projects(region)
    result: dict[str, Any] = dict(project_counts(projects, year))
    funds = funds_by_year(projects, year)
    result["funds_arrived"] = funds[year]
    result["funds_yoy_pct"] = yoy_pct(funds[year], funds[year - 1])
    result["sign_to_start_days"] = sign_to_start_days(projects, year)
    problems = scoped_problems(region)
    result.update(problem_counts(problems, year))
    result.update(pairing_counts(scoped_pairings(region), problems, year))
    return {name: result[name] for name in LABELS}


def plain_number(value: Decimal) -> str:
    """A Decimal as a JSON number: 3892900.00 → 3892900, 1234.50 → 1234.5."""
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


def to_json(value: Any) -> str:
    """JSON text with Decimals written exactly (no float rounding, no quotes)."""
    if isinstance(value, Decimal):
        return plain_number(value)
    if isinstance(value, dict):
        items = (f"{json.dumps(str(k), ensure_ascii=False)}: {to_json(v)}" for k, v in value.items())
        return "{" + ", ".join(items) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(to_json(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def figures_json(*, year: int, region: Region | None = None) -> str:
    return to_json(figures(year=year, region=region))
