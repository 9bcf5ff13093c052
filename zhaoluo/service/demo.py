"""The demo's 百名干部进百企 (one entry point, `load`): 173 cadres paired with 146 enterprises in
2020, a year of visits with their answers and flags, needs turned into problems, and the 2020
problems of paired enterprises brought to the article's 521 (《…》: 173名干部对接146家企业，帮助解决问题521个).

Runs after the other demo modules' problems (zhaoluo/demo/problems.py), counts the problems
already resolved in 2020 about an enterprise paired on their 提出日期, and makes up the rest from
needs collected on visits, each through the services (need → problem → 交办 → 办结 → 销号 →
rating). Deterministic: one seeded random.Random. Everything is dated in business time.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from typing import Any

from django.db.models import Exists, OuterRef, Q

from zhaoluo.core import calendar
from zhaoluo.demo import names
from zhaoluo.demo import problems as demo_problems
from zhaoluo.demo.categories import AS_OF
from zhaoluo.demo.plan import SEED
from zhaoluo.enterprises.choices import Listing
from zhaoluo.enterprises.models import Enterprise
from zhaoluo.orgs import services as org_services
from zhaoluo.orgs.choices import Role
from zhaoluo.orgs.models import Official, Region, Unit, User
from zhaoluo.problems import services as problem_services
from zhaoluo.problems.choices import Category, Satisfaction
from zhaoluo.problems.models import Problem

from . import pools, services
from .choices import ListingStage, Pool
from .models import Pairing, VisitNeed

CADRES, ENTERPRISES, TARGET_RESOLVED_2020 = 173, 146, 521
CAMPAIGN_START = dt.date(2020, 3, 2)  # 百名干部进百企 launched the first working Monday of March
LAST_RAISE_2020 = dt.date(2020, 11, 13)  # a need raised by then is settled within the year
CADRE = "沈耀"
KEDE = "湖北科德智能装备有限公司"
KEDE_NEED = "智能仓储货架立柱、横梁所用型钢目前从外省采购，运距远、交期长，希望就近对接本地钢材加工配套供应商"
# A cadre's own enterprises first: the named ones the article speaks of.
SHEN_YAO_ENTERPRISES = (KEDE, "襄阳誉德机电科技有限公司", "湖北金恒昌纺织有限公司")
NEEDS: dict[str, list[str]] = {
    Category.LABOUR: ["企业扩产缺普工约{n}人，希望协助招聘", "急需焊工、数控操作工{n}名"],
    Category.FINANCE: ["企业申请流动资金贷款{n}万元，希望协调银行", "技改贷款贴息申报需指导"],
    Category.LAND: ["企业扩建需新增用地约{n}亩", "厂房租约即将到期，希望协调续租或新厂房"],
    Category.UTILITIES: ["新上产线需增容变压器", "天然气供应压力不足，影响烘干工序"],
    Category.SUPPLY_CHAIN: ["主要原料依赖外地，希望对接本地供应商", "配套件交期长，希望就近找配套企业"],
    Category.POLICY: ["企业不清楚高企认定申报条件", "希望了解技改补贴和稳岗返还政策"],
    Category.INFRASTRUCTURE: ["厂区门前道路破损，大车通行困难", "园区污水管网未接通"],
}
UNITS: dict[str, str] = {
    Category.LABOUR: "区人社局",
    Category.FINANCE: "区财政局",
    Category.LAND: "区自然资源和规划局",
    Category.UTILITIES: "区发改局",
    Category.SUPPLY_CHAIN: "区科经局",
    Category.POLICY: "区科经局",
    Category.INFRASTRUCTURE: "区住建局",
}
SOLUTIONS = ["已协调办结，企业反馈问题已解决", "已对接落实，企业表示满意", "经多部门会商，已办理完毕"]


def _cadres(district: Region, rng: random.Random) -> list[Official]:
    """沈耀 first, then the district's cadres (not the 四大家 leaders), topped up with new ones."""
    in_district = Q(unit__region=district) | Q(unit__region__parent=district)
    pool = list(Official.objects.filter(in_district, body="").exclude(name=CADRE).order_by("pk"))
    chosen = [Official.objects.get(name=CADRE), *pool[: CADRES - 1]]
    if len(chosen) < CADRES:
        units = list(Unit.objects.filter(region=district).order_by("pk"))
        taken = set(Official.objects.values_list("name", flat=True))
        while len(chosen) < CADRES:
            unit = units[len(chosen) % len(units)]
            chosen.append(
                org_services.official_create(
                    by=None, name=names.person(rng, taken), title="科员", rank="科员", unit=unit
                )
            )
    return chosen


def _enterprises(district: Region) -> list[Enterprise]:
    firms = list(Enterprise.objects.filter(district=district).order_by("pk"))
    named = [e for name in SHEN_YAO_ENTERPRISES for e in firms if e.name == name]
    rest = [e for e in firms if e not in named]
    return (named + rest)[:ENTERPRISES]


def _pairings(cadres: list[Official], firms: list[Enterprise], by: User, rng: random.Random) -> list[Pairing]:
    """Each cadre one enterprise; the 27 cadres beyond the 146 enterprises join a colleague's
    enterprise (the bigger ones take two); 沈耀 carries three."""
    plan: list[tuple[Official, Enterprise]] = []
    for i, cadre in enumerate(cadres):
        plan.append((cadre, firms[i] if i < len(firms) else firms[(i - len(firms)) * 5 % len(firms) + 3]))
    plan += [(cadres[0], firms[1]), (cadres[0], firms[2])]
    made = []
    for cadre, firm in plan:
        since = CAMPAIGN_START + dt.timedelta(days=rng.choice([0, 0, 0, 7, 14, 30]))
        made.append(services.pairing_create(by=by, cadre=cadre, enterprise=firm, since=since))
    return made


def _answers(rng: random.Random, firm: Enterprise, day: dt.date) -> dict[str, Any]:
    covid = day < dt.date(2020, 7, 1)
    answers: dict[str, Any] = {
        "output_change_pct": rng.choice([-35, -25, -15, -8, 0, 5, 8, 12])
        if covid
        else rng.choice([-22, -5, 3, 6, 9, 15, 20]),
        "orders_change_pct": rng.choice([-30, -20, -12, -5, 0, 6])
        if covid
        else rng.choice([-24, -8, 2, 5, 10, 18, 26]),
        "employees": firm.employees or rng.randint(30, 500),
        "revenue": rng.randint(9000, 90000) if firm.above_scale else rng.randint(600, 2600),
        "hiring_need": rng.choice([0, 0, 5, 10, 20, 30]),
        "layoffs_planned": rng.random() < (0.06 if covid else 0.02),
        "wage_arrears": rng.random() < 0.01,
        "financing_difficult": rng.random() < 0.12,
        "utilities_difficult": rng.random() < 0.05,
        "supply_chain_difficult": rng.random() < 0.08,
        "relocation_considered": rng.random() < 0.01,
        "policy_aware": rng.random() > 0.1,
    }
    if rng.random() < 0.08:
        answers["lease_ends_on"] = (day + dt.timedelta(days=rng.randint(60, 400))).isoformat()
    return answers


def _visit_days(rng: random.Random, since: dt.date) -> list[dt.date]:
    """One visit a quarter from the pairing on; a few pairings miss the first quarter of 2021."""
    quarters = [
        (dt.date(2020, 4, 1), dt.date(2020, 6, 30)),
        (dt.date(2020, 7, 1), dt.date(2020, 9, 30)),
        (dt.date(2020, 10, 1), dt.date(2020, 12, 31)),
        (dt.date(2021, 1, 4), AS_OF),
    ]
    days = []
    for i, (lo, hi) in enumerate(quarters):
        if i == 3 and rng.random() < 0.15:
            continue
        day = demo_problems.workday_on_or_after(max(lo, since) + dt.timedelta(days=rng.randint(0, 60)))
        days.append(min(day, hi if calendar.is_workday(hi) else hi - dt.timedelta(days=2)))
    return days


def paired_resolved_2020(district: Region) -> int:
    paired = Pairing.objects.filter(enterprise_id=OuterRef("enterprise_id"), since__lte=OuterRef("raised_on")).filter(
        Q(until__isnull=True) | Q(until__gte=OuterRef("raised_on"))
    )
    return (
        Problem.objects.filter(district=district, resolved_on__year=2020, enterprise__isnull=False)
        .filter(Exists(paired))
        .count()
    )


def load(*, district: Region, users: dict[str, User], units: dict[str, Unit]) -> dict[str, int]:
    """Pairings, visits, flags and needs; returns how many of each were made."""
    rng = random.Random(f"{SEED}:service")
    organiser, cadre_login = users[Role.ECONOMY], users[Role.CADRE]
    with demo_problems.on(CAMPAIGN_START):
        pairings = _pairings(_cadres(district, rng), _enterprises(district), organiser, rng)
    builder = demo_problems.Builder(district=district, users=users, units=units)
    # The units' 联络员 accounts the problems demo made: reused, so no login name is made twice.
    for liaison in User.objects.filter(role=Role.UNIT, username__startswith="lianluo").order_by("pk"):
        if liaison.unit_id is not None:
            builder.handlers[liaison.unit_id] = liaison
    need = TARGET_RESOLVED_2020 - paired_resolved_2020(district)
    # The visits a need is raised on: spread over the 2020 visits made before mid-November.
    made = {"pairings": len(pairings), "visits": 0, "problems": 0}
    schedule = []
    for pairing in pairings:
        for day in _visit_days(rng, pairing.since):
            schedule.append((day, pairing))
    schedule.sort(key=lambda item: (item[0], item[1].pk))
    eligible = [i for i, (day, _) in enumerate(schedule) if day <= LAST_RAISE_2020]
    # A visit may carry up to two of these needs, so the count is met whatever the other modules left.
    with_need = Counter(rng.sample(eligible * 2, need)) if need > 0 else Counter()
    for i, (day, pairing) in enumerate(schedule):
        by = cadre_login if pairing.cadre_id == cadre_login.official_id else organiser
        category = rng.choice(list(NEEDS))
        text = rng.choice(NEEDS[category]).format(n=rng.choice([10, 20, 30, 50, 100, 200]))
        needs = [(text, category)] * with_need[i]
        if day > LAST_RAISE_2020 and rng.random() < 0.1:
            needs = [(text, category)]  # raised late in the year: followed up in 2021 by hand
        with demo_problems.on(day):
            visit = services.visit_record(
                by=by,
                enterprise=pairing.enterprise,
                visited_on=day,
                mode=rng.choices(["on_site", "phone", "video"], weights=[75, 18, 7])[0],
                participants=pairing.cadre.name,
                answers=_answers(rng, pairing.enterprise, day),
                needs=needs,
                cadre=pairing.cadre,
            )
        made["visits"] += 1
        if with_need[i]:
            for visit_need in visit.needs.order_by("pk"):
                _settle(visit_need, by=by, builder=builder, units=units, rng=rng)
                made["problems"] += 1
    _kede(cadre_login, users, units)
    made["pool_memberships"] = _pools(district)
    return made


JINHENGCHANG = "湖北金恒昌纺织有限公司"
CHANGYUAN = "襄阳长源东谷实业股份有限公司"
LISTING_STAGES = {"襄阳国铁机电股份有限公司": ListingStage.FILED}


def _pools(district: Region) -> int:
    """The registry's pool dates as memberships with their history: 金恒昌 promoted to 规上 in 2020
    (小升规), 长源东谷 moving from 上市后备 to 已上市, three enterprises in the listing pipeline."""
    made = 0

    def enter(firm: Enterprise, pool: str, day: dt.date, reason: str, stage: str = "") -> Any:
        nonlocal made
        made += 1
        return pools.pool_enter(
            by=None,
            enterprise=firm,
            pool=pool,
            entered_on=day,
            reason=reason,
            listing_stage=stage,
            check_permission=False,
        )

    with demo_problems.on(AS_OF):
        for firm in Enterprise.objects.filter(district=district).order_by("pk"):
            if firm.above_scale_since:
                reason = (
                    "小升规：2019 年营业收入 2680 万元，达到规上标准" if firm.name == JINHENGCHANG else "统计部门认定"
                )
                enter(firm, Pool.ABOVE_SCALE, firm.above_scale_since, reason)
            if firm.high_tech_since:
                enter(firm, Pool.HIGH_TECH, firm.high_tech_since, "高新技术企业认定")
            if firm.listing == Listing.RESERVE and firm.listing_since:
                stage = LISTING_STAGES.get(firm.name, ListingStage.TUTORING)
                enter(firm, Pool.LISTING, firm.listing_since, "列入区上市后备企业库", stage)
            if firm.listing == Listing.LISTED and firm.listing_since:
                reserve = enter(firm, Pool.LISTING, dt.date(2018, 6, 30), "列入区上市后备企业库", ListingStage.APPROVED)
                pools.pool_leave(
                    by=None,
                    membership=reserve,
                    left_on=firm.listing_since,
                    reason="上交所主板上市",
                    check_permission=False,
                )
                enter(firm, Pool.LISTED, firm.listing_since, "上交所主板上市" if firm.name == CHANGYUAN else "上市")
    return made


def _settle(need: VisitNeed, *, by: User, builder: Any, units: dict[str, Unit], rng: random.Random) -> None:
    """Need → problem → 交办 → 办理 → 办结 (on time, within 2020) → 销号 and a rating."""
    visit = need.visit
    with demo_problems.on(visit.visited_on):
        problem = services.need_to_problem(need=need, by=by)
    unit = units[UNITS[need.category]]
    handler = builder.handler(unit)
    assigned = demo_problems.workday_on_or_after(visit.visited_on + dt.timedelta(days=rng.choice([0, 1, 2])))
    with demo_problems.on(assigned):
        problem_services.problem_assign(problem=problem, by=builder.users[Role.ECONOMY], unit=unit, workdays=10)
        problem_services.problem_start(problem=problem, by=handler)
    resolved = calendar.add_workdays(assigned, rng.randint(2, 9))
    with demo_problems.on(resolved):
        problem_services.problem_resolve(problem=problem, by=handler, handling_note=rng.choice(SOLUTIONS))
    closed = calendar.add_workdays(resolved, rng.choice([1, 2, 3]))
    with demo_problems.on(closed):
        problem_services.problem_close(problem=problem, by=by)
        satisfaction = rng.choices([Satisfaction.SATISFIED, Satisfaction.FAIRLY], weights=[88, 12])[0]
        problem_services.problem_rate(problem=problem, by=by, satisfaction=satisfaction)


def _kede(cadre: User, users: dict[str, User], units: dict[str, Unit]) -> None:
    """沈耀's March 2021 visit to 科德智能: the storage-rack steel need, raised as a problem and
    handed to 科经局 (the supplier matchmaking answers it)."""
    kede = Enterprise.objects.get(name=KEDE)
    day = dt.date(2021, 3, 15)
    with demo_problems.on(day):
        visit = services.visit_record(
            by=cadre,
            enterprise=kede,
            visited_on=day,
            mode="on_site",
            participants="沈耀、区科经局企业服务股",
            answers={
                "output_change_pct": 18,
                "orders_change_pct": 26,
                "hiring_need": 30,
                "supply_chain_difficult": True,
                "policy_aware": True,
            },
            notes="企业订单饱满，新增两条智能立体库生产线；货架用型钢外购运距远，希望本地配套。",
            needs=[(KEDE_NEED, Category.SUPPLY_CHAIN)],
        )
        problem = services.need_to_problem(need=visit.needs.get(), by=cadre)
    with demo_problems.on(dt.date(2021, 3, 16)):
        problem_services.problem_assign(
            problem=problem,
            by=users[Role.ECONOMY],
            unit=units["区科经局"],
            workdays=15,
            note="结合本地企业产品目录做供需对接",
        )
