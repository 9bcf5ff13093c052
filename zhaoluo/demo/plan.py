"""The demo's projects as plain data: deterministic, built before anything touches the database."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from zhaoluo.projects.choices import Stage

from . import names
from .categories import (
    CATEGORIES,
    SIX_ONES_GAPS,
    SOURCES,
    STRATEGIC_100M_2020,
    TERMINATION_REASONS,
    TROUBLE,
    Category,
    Window,
)
from .chain_data import CHAINS, PRODUCTS, STRATEGIC_CLUSTERS
from .named_projects import NAMED, WEICAI
from .org_data import DEFAULT_LEADER_WEIGHT, LEADER_WEIGHTS, LEADERS, TOWNSHIPS, township_unit_name

SEED = 20201231
HUNDRED_MILLION = Decimal("10000")
# Lead units by cluster for key projects (the township or the park leads the rest).
CLUSTER_UNITS = {
    "纺织服装": "区科经局",
    "农产品加工": "区农业农村局",
    "汽车及零部件": "区科经局",
    "装备制造": "区科经局",
    "新能源新材料": "区发改局",
    "电子信息": "区发改局",
    "智能制造": "区科经局",
}
CLUSTER_WEIGHTS = {
    "纺织服装": 16,
    "农产品加工": 18,
    "汽车及零部件": 16,
    "装备制造": 14,
    "新能源新材料": 14,
    "电子信息": 10,
    "智能制造": 12,
}
CLUSTER_TRADE = {
    "纺织服装": "纺织",
    "农产品加工": "食品",
    "汽车及零部件": "汽车零部件",
    "装备制造": "机械",
    "新能源新材料": "新材料",
    "电子信息": "电子科技",
    "智能制造": "智能科技",
}


@dataclass
class ProjectSpec:
    code: str
    category: str
    name: str
    planned: Decimal
    is_key: bool
    chain: str
    link: str
    township: str
    investor: str = ""
    is_strategic: bool = False
    kind: str = "new"
    source: str = ""
    leader: str | None = None
    lead_unit: str | None = None
    enterprise: str | None = None
    description: str = ""
    stage: str = Stage.NEGOTIATING
    signed_on: dt.date | None = None
    started_on: dt.date | None = None
    producing_on: dt.date | None = None
    at_capacity_on: dt.date | None = None
    terminated_on: dt.date | None = None
    termination_reason: str = ""
    six_ones_gap: str = ""  # "" (complete) / "task_force" / "plan"
    trouble: str = ""  # "" or a key of categories.TROUBLE
    tags: list[str] = field(default_factory=list)

    @property
    def cluster(self) -> str:
        return CHAINS[self.chain][0]


def _draw(rng: random.Random, window: Window, previous: dt.date | None) -> dt.date:
    lo = window.lo if previous is None else max(window.lo, previous + dt.timedelta(days=window.gap))
    if lo > window.hi:
        raise ValueError(f"empty date window {window} after {previous}")
    return lo + dt.timedelta(days=rng.randint(0, (window.hi - lo).days))


def draw_dates(rng: random.Random, category: Category) -> dict[str, Any]:
    dates: dict[str, Any] = {}
    previous: dt.date | None = None
    for name in ("signed_on", "started_on", "producing_on", "at_capacity_on", "terminated_on"):
        window = getattr(category, name.removesuffix("_on").replace("at_capacity", "at_capacity"))
        if window is not None:
            previous = dates[name] = _draw(rng, window, previous)
    return dates


def stage_of(spec: ProjectSpec, category: Category) -> str:
    if spec.terminated_on:
        return Stage.TERMINATED
    for stage, value in (
        (Stage.AT_CAPACITY, spec.at_capacity_on),
        (Stage.PRODUCING, spec.producing_on),
        (Stage.STARTED, spec.started_on),
        (Stage.SIGNED, spec.signed_on),
    ):
        if value:
            return stage
    return category.stage or Stage.NEGOTIATING


def _amount(rng: random.Random, is_key: bool) -> Decimal:
    if is_key:
        value = rng.triangular(8000, 300000, 30000)
        return Decimal(round(value / 500) * 500)
    return Decimal(rng.randrange(800, 9900, 100))


def _pick_link(rng: random.Random) -> tuple[str, str]:
    clusters = list(CLUSTER_WEIGHTS)
    cluster = rng.choices(clusters, weights=[CLUSTER_WEIGHTS[c] for c in clusters])[0]
    chains = [name for name, (c, _) in CHAINS.items() if c == cluster and name != "卫材"]
    chain = rng.choice(chains)
    return chain, rng.choice(CHAINS[chain][1])


def _leader(rng: random.Random) -> str:
    people = [leader.name for leader in LEADERS]
    return rng.choices(people, weights=[LEADER_WEIGHTS.get(p, DEFAULT_LEADER_WEIGHT) for p in people])[0]


class Namer:
    """Unique project and investor names."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.taken: set[str] = {row["name"] for row in NAMED}

    def investor(self, chain: str) -> str:
        cluster = CHAINS[chain][0]
        suffix = self.rng.choice(["有限公司", "有限公司", "股份有限公司", "集团有限公司"])
        return f"{self.rng.choice(names.CITIES)}{self.rng.choice(names.BRANDS)}{CLUSTER_TRADE[cluster]}{suffix}"

    def project(self, brand: str, link: str) -> str:
        for _ in range(50):
            phrase = self.rng.choice(PRODUCTS[link]).format(n=self.rng.randint(2, 12))
            name = f"{brand}{phrase}项目"
            if name not in self.taken:
                self.taken.add(name)
                return name
            brand = self.rng.choice(names.BRANDS)
        raise RuntimeError("could not find a unique project name")


def _brand(investor: str) -> str:
    for brand in names.BRANDS:
        if brand in investor:
            return brand
    return investor[:2]


def _generated(rng: random.Random, namer: Namer, category: Category) -> ProjectSpec:
    chain, link = _pick_link(rng)
    investor = namer.investor(chain)
    spec = ProjectSpec(
        code="",
        category=category.code,
        name=namer.project(_brand(investor), link),
        planned=_amount(rng, category.is_key),
        is_key=category.is_key,
        chain=chain,
        link=link,
        township=rng.choice(TOWNSHIPS)[1],
        investor=investor,
        kind=rng.choices(["new", "expansion", "renovation"], weights=[6, 2, 2])[0],
        source=rng.choice(SOURCES),
        **draw_dates(rng, category),
    )
    return spec


def _named(rng: random.Random, row: dict[str, Any], category: Category) -> ProjectSpec:
    chain, link = row["link"]
    dates = {k: row[k] for k in ("signed_on", "started_on", "producing_on", "at_capacity_on") if k in row}
    return ProjectSpec(
        code="",
        category=category.code,
        name=row["name"],
        planned=row["planned"],
        is_key=category.is_key,
        chain=chain,
        link=link,
        township=row["township"],
        investor=row["investor"],
        is_strategic=row.get("strategic", False),
        kind=row.get("kind", "new"),
        source=row.get("source", ""),
        leader=row.get("leader"),
        lead_unit=row.get("lead_unit"),
        enterprise=row.get("enterprise"),
        description=row.get("description", ""),
        tags=["named"],
        **dates,
    )


def _weicai(rng: random.Random, namer: Namer, row: tuple[str, str, Decimal, str, str], cat: Category) -> ProjectSpec:
    _, title, amount, link, township = row
    investor = namer.investor("卫材").replace("纺织", "医疗用品")
    name = f"{_brand(investor)}{title}"
    while name in namer.taken:
        investor = namer.investor("卫材").replace("纺织", "医疗用品")
        name = f"{_brand(investor)}{title}"
    namer.taken.add(name)
    return ProjectSpec(
        code="",
        category=cat.code,
        name=name,
        planned=amount,
        is_key=True,
        chain="卫材",
        link=link,
        township=township,
        investor=investor,
        is_strategic=True,
        source="产业链招商",
        description="卫材产业链项目（10个项目、总投资28.1亿元）",
        tags=["named", "weicai"],
        **draw_dates(rng, cat),
    )


def _category_specs(rng: random.Random, namer: Namer, category: Category) -> list[ProjectSpec]:
    specs = [_named(rng, row, category) for row in NAMED if row["category"] == category.code]
    specs += [_weicai(rng, namer, row, category) for row in WEICAI if row[0] == category.code]
    if len(specs) > category.count:
        raise ValueError(f"{category.code}: more named projects than slots")
    specs += [_generated(rng, namer, category) for _ in range(category.count - len(specs))]
    return specs


def _finish(rng: random.Random, spec: ProjectSpec, category: Category) -> None:
    spec.stage = stage_of(spec, category)
    if spec.stage == Stage.TERMINATED:
        spec.termination_reason = rng.choice(TERMINATION_REASONS)
    if spec.stage in (Stage.LEAD, Stage.NEGOTIATING):
        spec.investor = spec.investor if rng.random() < 0.6 else ""
    if spec.is_key:
        spec.leader = spec.leader or _leader(rng)
        spec.lead_unit = spec.lead_unit or rng.choice(
            [CLUSTER_UNITS[spec.cluster]] * 3 + ["区招商服务中心", "襄州经济开发区", township_unit_name(spec.township)]
        )
    elif spec.stage not in (Stage.LEAD,) and rng.random() < 0.5:
        spec.lead_unit = spec.lead_unit or township_unit_name(spec.township)


def _choose_strategic(rng: random.Random, specs: list[ProjectSpec]) -> None:
    """Exactly STRATEGIC_100M_2020 projects signed in 2020 are strategic with ≥ 1 亿元."""

    def counts(s: ProjectSpec) -> bool:
        return bool(s.signed_on and s.signed_on.year == 2020 and s.is_strategic and s.planned >= HUNDRED_MILLION)

    need = STRATEGIC_100M_2020 - sum(1 for s in specs if counts(s))
    pool = [
        s for s in specs if s.category.startswith("K20") and "named" not in s.tags and s.cluster in STRATEGIC_CLUSTERS
    ]
    chosen = rng.sample(pool, need)
    for spec in chosen:
        spec.is_strategic = True
        spec.planned = max(spec.planned, HUNDRED_MILLION + Decimal(rng.randrange(0, 40000, 1000)))
    for spec in specs:  # strategic elsewhere: other years, or below 1 亿
        if spec.is_strategic or spec.cluster not in STRATEGIC_CLUSTERS or "named" in spec.tags:
            continue
        if spec.category.startswith(("K19", "K21")) and rng.random() < 0.4:
            spec.is_strategic = True
        elif spec.category.startswith("N20") and rng.random() < 0.5:
            spec.is_strategic = True  # below 1 亿: not counted


def _assign_flags(rng: random.Random, specs: list[ProjectSpec]) -> None:
    unnamed = [s for s in specs if "named" not in s.tags]
    for category, count in SIX_ONES_GAPS.items():
        for i, spec in enumerate(rng.sample([s for s in unnamed if s.category == category], count)):
            spec.six_ones_gap = "task_force" if i % 2 == 0 else "plan"
    building = [s for s in unnamed if s.is_key and s.stage == Stage.STARTED and not s.six_ones_gap]
    picks = rng.sample(building, sum(TROUBLE.values()))
    kinds = [kind for kind, count in TROUBLE.items() for _ in range(count)]
    for spec, kind in zip(picks, kinds, strict=True):
        spec.trouble = kind


def build_plan(seed: int = SEED) -> list[ProjectSpec]:
    rng = random.Random(seed)
    namer = Namer(rng)
    specs: list[ProjectSpec] = []
    for category in CATEGORIES:
        for spec in _category_specs(rng, namer, category):
            _finish(rng, spec, category)
            specs.append(spec)
    _choose_strategic(rng, specs)
    _assign_flags(rng, specs)
    specs.sort(key=lambda s: (s.signed_on or dt.date(2099, 1, 1), s.name))
    return [replace(s, code=f"XZ{(s.signed_on.year if s.signed_on else 2021)}-{i:04d}") for i, s in enumerate(specs, 1)]
