"""Each key project's plan (方案 milestones) and monthly progress reports, as plain data.

Everything is relative to AS_OF (the end of the demo's data): milestones planned before
it are done unless the project was given trouble; the trouble kinds make the lights show
yellow and red for the reasons the engine knows (overdue milestone, progress behind plan).
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from dataclasses import dataclass
from decimal import Decimal

from zhaoluo.core.dates import add_months, month_start

from .categories import AS_OF
from .plan import SEED, ProjectSpec

DAY = dt.timedelta(days=1)
NODES = ["完成项目备案", "土地摘牌", "取得施工许可", "主体工程开工", "主体结构封顶", "设备安装调试", "竣工投产"]
MANDATORY = {"主体工程开工", "竣工投产"}
# Monthly reports are kept on the platform from September 2020 (when it went live).
REPORTS_FROM = dt.date(2020, 9, 1)


@dataclass(frozen=True)
class MilestonePlan:
    name: str
    planned_on: dt.date
    weight: Decimal
    actual_on: dt.date | None


@dataclass(frozen=True)
class ProgressPlan:
    period: dt.date
    completed_investment: Decimal
    image_progress: int
    text: str


def rng_for(spec: ProjectSpec) -> random.Random:
    return random.Random(f"{SEED}:{spec.name}")


def _days(rng: random.Random, lo: int, hi: int) -> dt.timedelta:
    return dt.timedelta(days=rng.randint(lo, hi))


def _planned_dates(rng: random.Random, spec: ProjectSpec) -> dict[str, dt.date]:
    assert spec.signed_on is not None
    signed = spec.signed_on
    start = spec.started_on or max(signed + _days(rng, 90, 150), AS_OF + _days(rng, 20, 120))
    finish = spec.producing_on or max(start + _days(rng, 300, 450), AS_OF + _days(rng, 40, 200))
    dates = {
        "完成项目备案": signed + _days(rng, 7, 20),
        "土地摘牌": signed + _days(rng, 25, 60),
        "取得施工许可": start - _days(rng, 3, 12),
        "主体工程开工": start,
        "主体结构封顶": start + _days(rng, 120, 200),
        "设备安装调试": start + _days(rng, 200, 280),
        "竣工投产": finish,
    }
    previous = signed
    for name in NODES:  # keep the plan in order, each node after the one before
        dates[name] = min(max(dates[name], previous + DAY), finish if name != "竣工投产" else dates[name])
        previous = dates[name]
    return dates


def _actual(rng: random.Random, spec: ProjectSpec, name: str, planned: dt.date) -> dt.date | None:
    if name == "主体工程开工":
        return spec.started_on
    if name == "竣工投产":
        return spec.producing_on
    limit = spec.producing_on or AS_OF
    if planned > limit:
        return None
    actual = planned + _days(rng, -6, 8)
    return min(actual, limit, AS_OF)


def milestones(spec: ProjectSpec) -> list[MilestonePlan]:
    """3–4 nodes; none for projects that lack a plan on purpose or are not key."""
    if not spec.is_key or spec.six_ones_gap == "plan" or not spec.signed_on or spec.terminated_on:
        return []
    rng = rng_for(spec)
    dates = _planned_dates(rng, spec)
    optional = [n for n in NODES if n not in MANDATORY]
    chosen = set(MANDATORY) | set(rng.sample(optional, rng.randint(1, 2)))
    plan = []
    for name in NODES:
        if name not in chosen:
            continue
        weight = Decimal(rng.choice([5, 10, 10, 15, 20, 25, 30]))
        plan.append(MilestonePlan(name, dates[name], weight, _actual(rng, spec, name, dates[name])))
    return _with_trouble(rng, spec, plan)


def _with_trouble(rng: random.Random, spec: ProjectSpec, plan: list[MilestonePlan]) -> list[MilestonePlan]:
    if spec.trouble not in ("overdue_yellow", "overdue_red"):
        return plan
    late = AS_OF - _days(rng, 2, 4) if spec.trouble == "overdue_yellow" else AS_OF - _days(rng, 45, 80)
    target = next((i for i, m in enumerate(plan) if m.actual_on is None), None)
    node = MilestonePlan("配套设施建设", late, Decimal(10), None)
    if target is None or plan[target].name == "竣工投产":
        return [*plan, node]
    plan[target] = MilestonePlan(plan[target].name, late, plan[target].weight, None)
    return plan


def planned_pct(plan: list[MilestonePlan], day: dt.date) -> Decimal:
    total = sum((m.weight for m in plan), Decimal(0))
    due = sum((m.weight for m in plan if m.planned_on <= day), Decimal(0))
    return due * 100 / total if total else Decimal(0)


def curve_pct(plan: list[MilestonePlan], start: dt.date, day: dt.date) -> Decimal:
    """The plan as a smooth curve: cumulative weight interpolated between node dates."""
    total = sum((m.weight for m in plan), Decimal(0))
    points = [(start, Decimal(0))]
    for m in sorted(plan, key=lambda m: m.planned_on):
        points.append((m.planned_on, points[-1][1] + m.weight * 100 / total))
    for (d0, v0), (d1, v1) in itertools.pairwise(points):
        if d0 <= day <= d1:
            span = (d1 - d0).days or 1
            return v0 + (v1 - v0) * Decimal((day - d0).days) / span
    return points[-1][1] if day > points[-1][0] else Decimal(0)


def _month_end(month: dt.date) -> dt.date:
    return add_months(month, 1) - DAY


def progress(spec: ProjectSpec, plan: list[MilestonePlan]) -> list[ProgressPlan]:
    """Monthly reports from the start month (2020 on) to production or the end of the data."""
    if not plan or not spec.started_on:
        return []
    rng = rng_for(spec)
    first = max(month_start(spec.started_on), REPORTS_FROM)
    last = month_start(min(spec.producing_on or AS_OF, AS_OF))
    factor = {"lag_yellow": Decimal("0.7"), "lag_red": Decimal("0.45")}.get(spec.trouble, Decimal(1))
    reports: list[ProgressPlan] = []
    month, previous = first, 0
    while month <= last:
        day = min(_month_end(month), AS_OF)
        if factor == 1:
            target = curve_pct(plan, spec.signed_on or day, day) + rng.randint(0, 3)
        else:
            target = planned_pct(plan, day) * factor
        image = max(previous, min(99, int(target)))
        if spec.producing_on and month == last:
            image = 100
        done = spec.planned * Decimal(image - previous) / 100 * Decimal("0.8")
        reports.append(ProgressPlan(month, done.quantize(Decimal(1)), image, _text(month, image, spec)))
        previous, month = image, add_months(month, 1)
    return reports


def _text(month: dt.date, image: int, spec: ProjectSpec) -> str:
    if image >= 100:
        return f"{month.month}月：项目建成投产，设备运行正常。"
    if image >= 70:
        return f"{month.month}月：主体工程基本完工，正在进行设备安装调试，形象进度{image}%。"
    if image >= 40:
        return f"{month.month}月：主体结构施工中，形象进度{image}%。"
    return f"{month.month}月：场地平整及基础施工，形象进度{image}%。"
