"""Demo problems (三个清单), 2020 to March 2021, through the problem services only.

The generator aims at the article's figure — 521 problems resolved in 2020 — by counting
the problems resolved in 2020 that exist when it runs (other demo modules raise problems
from meetings, approvals and assistance forms) and making up the rest. The figure itself
is always computed from the records (stats.figures.problem_counts), never stored.

As of the demo day (2021-03-31) the lists are alive: problems still 待交办 and 办理中,
overdue ones at several depths, and 已办结 ones waiting for the raiser's 销号.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings

from zhaoluo.core import calendar
from zhaoluo.enterprises.models import Enterprise
from zhaoluo.orgs import services as org_services
from zhaoluo.orgs.choices import Role
from zhaoluo.orgs.models import Region, Unit, User
from zhaoluo.problems import services
from zhaoluo.problems.choices import Category, Origin, Satisfaction
from zhaoluo.problems.models import Problem
from zhaoluo.projects.models import Project

from . import names
from .categories import AS_OF
from .plan import SEED

TARGET_RESOLVED_2020 = 521  # 《襄州区招商引资“招落一体”工作》: 全年协调解决问题 521 个
YEAR_START, YEAR_END = dt.date(2020, 1, 2), dt.date(2020, 12, 31)

# What each kind of problem says, who handles it, and how it was settled.
TEXTS: dict[str, tuple[list[str], list[str], list[str]]] = {
    Category.LAND: (
        [
            "项目二期用地{n}亩尚未完成征收，影响厂房开工",
            "项目用地范围内有{n}户房屋待拆迁，需协调补偿",
            "用地规划条件与企业设计方案不一致，需调整容积率",
            "项目用地土地证办理滞后，影响融资抵押",
        ],
        ["区自然资源和规划局"],
        [
            "已完成组卷报批，征收公告已发布，预计下月交地",
            "会同镇政府逐户入户协商，补偿协议已全部签订",
            "规委会已审议通过规划条件调整",
            "已办结不动产登记，证书已送达企业",
        ],
    ),
    Category.LABOUR: (
        [
            "企业新开产线缺少熟练操作工约{n}人",
            "企业急需数控、焊接等技术工人{n}名",
            "节后返岗率偏低，一线用工缺口约{n}人",
        ],
        ["区人社局"],
        [
            "组织专场招聘会两场，达成就业意向{n}人",
            "对接襄阳技师学院开展订单式培训，首批学员已上岗",
            "落实稳岗补贴并协调周边乡镇劳务输出",
        ],
    ),
    Category.FINANCE: (
        [
            "企业流动资金紧张，申请贷款{n}万元未获审批",
            "技改项目贴息资金尚未拨付到位",
            "企业申请应急转贷资金{n}万元",
        ],
        ["区财政局"],
        [
            "组织银企对接，农商行已放款",
            "贴息资金已按程序拨付到企业账户",
            "应急转贷资金已审批发放，企业续贷完成",
        ],
    ),
    Category.UTILITIES: (
        [
            "项目施工用电{n}千伏安增容申请未批复",
            "天然气管道未接入厂区，影响试生产",
            "厂区供水管网压力不足，需新建加压设施",
        ],
        ["区发改局", "区住建局"],
        [
            "协调供电公司完成增容，已送电",
            "燃气公司已完成管线铺设并通气",
            "加压泵站已建成投用",
        ],
    ),
    Category.APPROVAL: (
        [
            "施工许可证办理材料多次补正，进度缓慢",
            "项目环评批复滞后，影响开工节点",
            "消防设计审查意见未出具",
            "规划许可证待核发，企业反映等待时间较长",
        ],
        ["区政务服务和大数据管理局", "区住建局", "区生态环境分局"],
        [
            "实行容缺受理，施工许可证已核发",
            "开辟绿色通道，环评批复已出具",
            "组织联合审查，消防审查意见已出具",
            "已核发建设工程规划许可证",
        ],
    ),
    Category.INFRASTRUCTURE: (
        [
            "园区道路未贯通，大型车辆无法进出",
            "厂区外排水管网未接通，雨季积水严重",
            "项目周边路灯、绿化等配套未完成",
        ],
        ["区住建局", "township"],
        [
            "道路已完成硬化并通车",
            "排水管网已接通，已通过验收",
            "配套工程已完工",
        ],
    ),
    Category.SUPPLY_CHAIN: (
        [
            "企业原材料本地配套率低，运输成本高",
            "企业产品需对接本地整车企业进入供应商名录",
            "疫情期间物流受阻，原料运输车辆通行困难",
        ],
        ["区科经局", "区商务局"],
        [
            "组织产业链上下游对接会，签订采购意向",
            "协助企业通过供应商审核，已进入名录",
            "办理重点物资运输通行证，运输恢复正常",
        ],
    ),
    Category.POLICY: (
        [
            "企业申请招商引资协议约定的奖励资金{n}万元未兑现",
            "高新技术企业认定奖励尚未兑付",
            "企业咨询技改补贴申报条件",
        ],
        ["区科经局", "区商务局", "区发改局"],
        [
            "经联审会审定，奖励资金已兑现",
            "奖励资金已拨付",
            "上门解读政策并指导企业完成申报",
        ],
    ),
    Category.OTHER: (
        [
            "企业周边治安环境需改善",
            "企业反映厂区周边道路货车限行影响发货",
            "项目施工噪声引发周边群众投诉，需协调",
        ],
        ["区市场监管局", "区应急管理局", "township"],
        [
            "组织联合巡查，已落实常态化巡逻",
            "协调交管部门调整限行时段",
            "调整施工时间并落实降噪措施，群众已满意",
        ],
    ),
}
CATEGORY_WEIGHTS = {
    Category.LAND: 14,
    Category.LABOUR: 9,
    Category.FINANCE: 9,
    Category.UTILITIES: 12,
    Category.APPROVAL: 18,
    Category.INFRASTRUCTURE: 12,
    Category.SUPPLY_CHAIN: 7,
    Category.POLICY: 11,
    Category.OTHER: 8,
}
ORIGIN_WEIGHTS = {Origin.PROJECT: 45, Origin.ENTERPRISE: 22, Origin.VISIT: 15, Origin.MEETING: 12, Origin.OTHER: 6}
WORKDAYS = {Category.APPROVAL: 10, Category.LAND: 20, Category.INFRASTRUCTURE: 15}
RETURN_REASONS = ["办理情况与实际不符，企业反映问题仍未解决", "仅答复未落实，请实质性解决后再报办结"]


@contextmanager
def on(day: dt.date) -> Iterator[None]:
    """The platform's today for the services (raised, 交办 and 销号 dates come from it)."""
    previous = settings.ZHAOLUO_TODAY
    settings.ZHAOLUO_TODAY = day.isoformat()
    try:
        yield
    finally:
        settings.ZHAOLUO_TODAY = previous


def workday_on_or_after(day: dt.date) -> dt.date:
    while not calendar.is_workday(day):
        day += dt.timedelta(days=1)
    return day


@dataclass(frozen=True)
class Fate:
    """How far a problem gets by the demo day."""

    resolve_by: dt.date | None  # latest date it may be resolved (None: never)
    close: bool
    late: bool = False
    returned: bool = False
    reopened: bool = False
    start: bool = True
    assign: bool = True
    not_before: dt.date | None = None  # earliest 办结 date (problems carried into the new year)
    limit: int | None = None  # working days given at 交办, when not the category's usual


class Builder:
    def __init__(self, *, district: Region, users: dict[str, User], units: dict[str, Unit]) -> None:
        self.rng = random.Random(f"{SEED}:problems")
        self.district, self.users, self.units = district, users, units
        self.handlers: dict[int, User] = {}
        self.projects = list(
            Project.objects.filter(district=district, is_key=True, signed_on__isnull=False).order_by("pk")
        )
        self.enterprises = list(Enterprise.objects.filter(district=district).order_by("pk"))
        own = users[Role.ENTERPRISE].enterprise_id
        self.own_enterprise = next((e for e in self.enterprises if e.pk == own), None)

    def handler(self, unit: Unit) -> User:
        """The unit's 联络员 account (the demo's role logins cover two units only)."""
        for role in (Role.UNIT, Role.TOWNSHIP):
            login = self.users.get(role)
            if login is not None and login.unit_id == unit.pk:
                return login
        if unit.pk not in self.handlers:
            self.handlers[unit.pk] = org_services.user_create(
                by=None,
                username=f"lianluo{len(self.handlers) + 1:02d}",
                password=names.password(self.rng),
                role=Role.UNIT,
                region=unit.region,
                unit=unit,
            )
        return self.handlers[unit.pk]

    def unit_for(self, category: str, project: Project | None) -> Unit:
        choice = self.rng.choice(TEXTS[category][1])
        if choice == "township":
            township = project.township if project is not None and project.township else None
            candidates = [u for u in self.units.values() if u.region_id == getattr(township, "pk", None)]
            if not candidates:
                candidates = [u for u in self.units.values() if u.region_id != self.district.pk]
            return self.rng.choice(sorted(candidates, key=lambda u: u.pk))
        return self.units[choice]

    def one(self, raised: dt.date, fate: Fate) -> Problem:
        rng = self.rng
        category = rng.choices(list(CATEGORY_WEIGHTS), weights=list(CATEGORY_WEIGHTS.values()))[0]
        origin = rng.choices(list(ORIGIN_WEIGHTS), weights=list(ORIGIN_WEIGHTS.values()))[0]
        texts, _, notes = TEXTS[category]
        n = rng.choice([3, 5, 8, 12, 20, 30, 45, 60, 80, 120, 200, 500])
        description = rng.choice(texts).format(n=n)
        project = enterprise = None
        origin_note = ""
        raiser = self.users[rng.choice([Role.TASK_FORCE, Role.TASK_FORCE, Role.INVESTMENT, Role.SUPERVISION])]
        started = [p for p in self.projects if p.signed_on and p.signed_on <= raised]
        if origin == Origin.PROJECT and started:
            project = rng.choice(started)
            description = f"{project.name}：{description}"
        elif origin == Origin.ENTERPRISE and self.enterprises:
            if self.own_enterprise is not None and rng.random() < 0.15:
                enterprise, raiser = self.own_enterprise, self.users[Role.ENTERPRISE]
            else:
                enterprise = rng.choice(self.enterprises)
                raiser = self.users[Role.INVESTMENT]
            description = f"{enterprise.name}反映：{description}"
        elif origin == Origin.VISIT:
            host = rng.choice(self.enterprises) if self.enterprises else None
            raiser = self.users[rng.choice([Role.LEADER, Role.INVESTMENT])]
            origin_note = f"{raised:%Y年%-m月%-d日}区领导走访{host.name if host else '企业'}时收集"
        elif origin == Origin.MEETING:
            raiser = self.users[Role.SUPERVISION]
            kind = rng.choice(["区长项目现场办公会", "分管区领导项目协调会", "区委书记项目调度会"])
            origin_note = f"{raised:%Y年%-m月}{kind}议定事项"
        else:
            origin = Origin.OTHER
            origin_note = rng.choice(["12345 政务服务热线转办", "人大代表建议转办", "企业服务专员日常收集"])
        with on(raised):
            problem = services.problem_raise(
                by=raiser,
                description=description,
                category=category,
                origin=origin,
                project=project,
                enterprise=enterprise,
                origin_note=origin_note,
                raised_on=raised,
            )
        if not fate.assign:
            return problem
        unit = self.unit_for(category, project)
        handler = self.handler(unit)
        assigner = self.users[rng.choice([Role.INVESTMENT, Role.INVESTMENT, Role.SUPERVISION, Role.ECONOMY])]
        assigned = min(workday_on_or_after(raised + dt.timedelta(days=rng.choice([0, 0, 1, 2]))), AS_OF)
        limit = fate.limit or WORKDAYS.get(category, rng.choice([5, 10, 10, 15]))
        with on(assigned):
            services.problem_assign(
                problem=problem, by=assigner, unit=unit, workdays=limit, note="请按时限办理并报送办理情况"
            )
        if not fate.start:
            return problem
        with on(assigned):
            services.problem_start(problem=problem, by=handler)
        if fate.resolve_by is None:
            return problem
        assert problem.due_on is not None
        if fate.late:
            resolved = calendar.add_workdays(problem.due_on, rng.randint(1, 8))
        else:
            span = max(calendar.workdays_between(assigned, problem.due_on), 1)
            resolved = calendar.add_workdays(assigned, rng.randint(1, span))
        if fate.not_before is not None:
            resolved = max(resolved, workday_on_or_after(fate.not_before))
        resolved = min(resolved, fate.resolve_by)
        note = rng.choice(notes).format(n=n)
        if fate.returned:
            # 办结 too early, 退回重办 the same day, settled for real later.
            first = min(calendar.add_workdays(assigned, 1), resolved)
            with on(first):
                services.problem_resolve(problem=problem, by=handler, handling_note="已与企业沟通，正在协调")
                services.problem_return(problem=problem, by=raiser, reason=rng.choice(RETURN_REASONS))
        with on(resolved):
            services.problem_resolve(problem=problem, by=handler, handling_note=note)
        if not fate.close:
            return problem
        closed = min(calendar.add_workdays(resolved, rng.choice([1, 2, 3, 5])), AS_OF)
        # The raiser confirms; an enterprise's problem is confirmed by its contact (the raiser here too).
        confirmer = raiser
        with on(closed):
            services.problem_close(problem=problem, by=confirmer)
            if fate.reopened:
                services.problem_rate(
                    problem=problem,
                    by=confirmer,
                    satisfaction=Satisfaction.UNSATISFIED,
                    note="企业反映问题反弹，要求继续跟踪解决",
                )
                return problem
            satisfaction = rng.choices(
                [Satisfaction.SATISFIED, Satisfaction.FAIRLY], weights=[85, 15] if not fate.late else [55, 45]
            )[0]
            services.problem_rate(problem=problem, by=confirmer, satisfaction=satisfaction)
        return problem


def _dates(rng: random.Random, count: int, lo: dt.date, hi: dt.date) -> list[dt.date]:
    span = (hi - lo).days
    return sorted(workday_on_or_after(lo + dt.timedelta(days=rng.randint(0, span))) for _ in range(count))


def load(*, district: Region, users: dict[str, User], units: dict[str, Unit]) -> dict[str, int]:
    """Make up the demo problems; returns how many of each kind were made."""
    builder = Builder(district=district, users=users, units=units)
    rng = builder.rng
    existing = Problem.objects.filter(district=district, resolved_on__year=2020).count()
    need = TARGET_RESOLVED_2020 - existing
    if need < 0:
        raise ValueError(f"其他演示数据已有 {existing} 个 2020 年办结的问题，超过文章数字 {TARGET_RESOLVED_2020}")
    made = {"resolved_2020": 0, "carried_over": 0, "raised_2021": 0}
    # Resolved within 2020: raised by mid-November, so even a late one is done by year end.
    for i, raised in enumerate(_dates(rng, need, YEAR_START, dt.date(2020, 11, 13))):
        builder.one(
            raised,
            Fate(resolve_by=YEAR_END, close=True, late=rng.random() < 0.09, returned=i % 47 == 5, reopened=False),
        )
        made["resolved_2020"] += 1
    # Raised late in 2020, carried into 2021: most settled in the first quarter, some still open.
    new_year = dt.date(2021, 1, 4)
    for i, raised in enumerate(_dates(rng, 64, dt.date(2020, 12, 1), dt.date(2020, 12, 30))):
        limit = rng.choice([15, 20, 20, 30])
        if i % 8 == 3:
            fate = Fate(resolve_by=None, close=False, limit=limit)  # still 办理中, long overdue
        elif i % 16 == 6:
            fate = Fate(resolve_by=AS_OF, close=True, reopened=True, not_before=new_year, limit=limit)  # 不满意
        else:
            fate = Fate(resolve_by=dt.date(2021, 3, 19), close=True, late=i % 5 == 1, not_before=new_year, limit=limit)
        builder.one(raised, fate)
        made["carried_over"] += 1
    # The first quarter of 2021 (the article's "now").
    for raised in _dates(rng, 118, dt.date(2021, 1, 4), dt.date(2021, 3, 30)):
        age = calendar.workdays_between(raised, AS_OF)
        if age <= 2:
            fate = Fate(resolve_by=None, close=False, assign=rng.random() < 0.4, start=False)
        elif age <= 12:
            roll = rng.random()
            if roll < 0.3:
                fate = Fate(resolve_by=AS_OF, close=False)  # 已办结, awaiting 销号
            else:
                fate = Fate(resolve_by=None, close=False, start=roll > 0.5)
        elif rng.random() < 0.78:
            fate = Fate(resolve_by=AS_OF, close=rng.random() < 0.8, late=rng.random() < 0.12)
        else:
            fate = Fate(resolve_by=None, close=False)  # open past its deadline
        builder.one(raised, fate)
        made["raised_2021"] += 1
    return made
