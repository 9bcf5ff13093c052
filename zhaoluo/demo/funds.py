"""实际到位资金 rows whose yearly totals are exact: 2020 = 389.29 亿元, 2019 so that 2020 is +10.17 %.

Each signed project receives money in a few months from its signing month on, in
proportion to its planned investment and the months it had; whole 万元, with the
rounding remainder given to the largest rows so the year's sum is exact.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from zhaoluo.projects.choices import FundOrigin

from .plan import SEED, ProjectSpec

# 2020: 3,892,900 万元 (the article). 2019: chosen so (2020 ÷ 2019 − 1) × 100 rounds to 10.17.
YEAR_TOTALS: dict[int, Decimal] = {2019: Decimal("3533560"), 2020: Decimal("3892900")}
# Early-2021 activity: January to March only.
Q1_2021_TOTAL = Decimal("861300")
ORIGINS = [FundOrigin.OUT_OF_PROVINCE, FundOrigin.IN_PROVINCE, FundOrigin.IN_CITY, FundOrigin.ABROAD]
ORIGIN_WEIGHTS = [60, 20, 15, 5]


@dataclass(frozen=True)
class FundRow:
    project: str  # project name
    period: dt.date
    origin: str
    amount: Decimal


def _months(spec: ProjectSpec, year: int, last_month: int) -> list[dt.date]:
    if spec.signed_on is None or spec.signed_on > dt.date(year, last_month, 28):
        return []
    first = spec.signed_on.month if spec.signed_on.year == year else 1
    last = last_month
    if spec.terminated_on is not None:
        if spec.terminated_on.year < year:
            return []
        if spec.terminated_on.year == year:
            last = min(last, spec.terminated_on.month)
    return [dt.date(year, m, 1) for m in range(first, last + 1)]


def _split(total: Decimal, weights: list[float]) -> list[Decimal]:
    """Whole 万元 proportional to weights, summing exactly to `total` (largest remainder)."""
    scale = sum(weights)
    raw = [Decimal(str(w / scale)) * total for w in weights]
    floors = [r.to_integral_value(rounding="ROUND_FLOOR") for r in raw]
    short = int(total - sum(floors))
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - floors[i]), i))
    for i in order[:short]:
        floors[i] += 1
    return floors


def year_rows(
    specs: list[ProjectSpec], year: int, total: Decimal, used: dict[str, Decimal], last_month: int = 12
) -> list[FundRow]:
    """One year's rows; `used` (what each project got in earlier years) keeps totals under plan."""
    rng = random.Random(f"{SEED}:funds:{year}")
    slots: list[tuple[ProjectSpec, dt.date, str]] = []
    weights: list[float] = []
    for spec in specs:
        months = _months(spec, year, last_month)
        if not months:
            continue
        origin = rng.choices(ORIGINS, weights=ORIGIN_WEIGHTS)[0]
        chosen = sorted(rng.sample(months, min(len(months), rng.randint(1, 2))))
        room = float(spec.planned) * 0.9 - float(used.get(spec.name, 0))
        share = min(float(spec.planned) * (0.3 + 0.4 * rng.random()) * len(months) / 12, room)
        if share <= 0:
            continue
        parts = [rng.uniform(0.5, 1.5) for _ in chosen]
        for month, part in zip(chosen, parts, strict=True):
            slots.append((spec, month, origin))
            weights.append(share * part / sum(parts))
    amounts = _split(total, weights)
    for (spec, _, _), amount in zip(slots, amounts, strict=True):
        used[spec.name] = used.get(spec.name, Decimal(0)) + amount
    return [FundRow(s.name, month, origin, amount) for (s, month, origin), amount in zip(slots, amounts, strict=True)]


def fund_rows(specs: list[ProjectSpec]) -> list[FundRow]:
    rows: list[FundRow] = []
    used: dict[str, Decimal] = {}
    for year, total in YEAR_TOTALS.items():
        rows += year_rows(specs, year, total, used)
    rows += year_rows(specs, 2021, Q1_2021_TOTAL, used, last_month=3)
    return [row for row in rows if row.amount > 0]
