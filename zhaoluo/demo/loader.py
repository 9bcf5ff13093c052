"""Load the demo district through the services, in one transaction, with source "demo"."""

from __future__ import annotations

import random
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from zhaoluo.approvals import demo as approvals_demo
from zhaoluo.assistance import demo as assistance_demo
from zhaoluo.chains import services as chain_services
from zhaoluo.chains.models import ChainLink, Cluster
from zhaoluo.core import calendar as workdays
from zhaoluo.core import scheduled
from zhaoluo.core.context import RequestContext, using
from zhaoluo.enterprises.models import Enterprise
from zhaoluo.enterprises.services import enterprise_create
from zhaoluo.meetings import demo as meetings_demo
from zhaoluo.orgs import services as org_services
from zhaoluo.orgs.choices import RegionLevel, Role, UnitKind
from zhaoluo.orgs.models import Official, Region, Unit, User
from zhaoluo.projects import services as project_services
from zhaoluo.projects.models import Project
from zhaoluo.service import demo as service_demo
from zhaoluo.supervision import demo as supervision_demo

from . import names, org_data
from . import problems as demo_problems
from .categories import AS_OF
from .chain_data import CHAINS, CLUSTERS
from .enterprise_data import build_enterprises
from .funds import fund_rows
from .logins import Login, logins
from .plan import SEED, ProjectSpec, build_plan
from .schedule import milestones, progress


@dataclass
class Org:
    district: Region
    townships: dict[str, Region] = field(default_factory=dict)
    units: dict[str, Unit] = field(default_factory=dict)
    officials: dict[str, Official] = field(default_factory=dict)
    staff: dict[str, list[tuple[str, Official]]] = field(default_factory=lambda: defaultdict(list))

    def post(self, unit: str, *titles: str) -> Official:
        """The first official of `unit` holding one of `titles` (in order of preference)."""
        for title in titles:
            for held, official in self.staff[unit]:
                if held == title:
                    return official
        return self.staff[unit][0][1]


def _regions() -> Org:
    province = org_services.region_create(
        by=None, code=org_data.PROVINCE[0], name=org_data.PROVINCE[1], level=RegionLevel.PROVINCE
    )
    city = org_services.region_create(
        by=None, code=org_data.CITY[0], name=org_data.CITY[1], level=RegionLevel.CITY, parent=province
    )
    district = org_services.region_create(
        by=None, code=org_data.DISTRICT[0], name=org_data.DISTRICT[1], level=RegionLevel.DISTRICT, parent=city
    )
    org = Org(district=district)
    for code, name in org_data.TOWNSHIPS:
        org.townships[name] = org_services.region_create(
            by=None, code=code, name=name, level=RegionLevel.TOWNSHIP, parent=district
        )
    return org


def _posts(unit: str, kind: str) -> list[tuple[str, str]]:
    if kind == UnitKind.PARK:
        return org_data.PARK_POSTS
    if kind == UnitKind.TOWNSHIP:
        return org_data.STREET_POSTS if "街道" in unit else org_data.TOWNSHIP_POSTS
    if unit == "区招商服务中心":
        return org_data.CENTER_POSTS
    if unit.endswith("局"):
        return org_data.DEPARTMENT_POSTS
    return [(t.replace("局长", "主任"), r) for t, r in org_data.DEPARTMENT_POSTS]


def _units_and_officials(org: Org, rng: random.Random) -> None:
    taken = {leader.name for leader in org_data.LEADERS} | {row[0] for row in org_data.NAMED_OFFICIALS}
    for leader in org_data.LEADERS:
        org.officials[leader.name] = org_services.official_create(
            by=None, name=leader.name, title=leader.title, rank=leader.rank, body=leader.body, district=org.district
        )
    for name, kind, township in org_data.unit_kinds():
        region = org.townships[township] if township else org.district
        org.units[name] = unit = org_services.unit_create(by=None, name=name, region=region, kind=kind)
        for person, title, rank, unit_name in org_data.NAMED_OFFICIALS:
            if unit_name == name:
                official = org_services.official_create(by=None, name=person, title=title, rank=rank, unit=unit)
                org.officials[person] = official
                org.staff[name].append((title, official))
        for title, rank in _posts(name, kind):
            if name == "区科经局" and title == "局长":
                continue  # 郭兵
            person = names.person(rng, taken)
            official = org_services.official_create(by=None, name=person, title=title, rank=rank, unit=unit)
            org.officials[person] = official
            org.staff[name].append((title, official))


def _chains() -> dict[tuple[str, str], ChainLink]:
    clusters: dict[str, Cluster] = {
        name: chain_services.cluster_create(by=None, name=name, is_leading=leading) for name, leading in CLUSTERS
    }
    links: dict[tuple[str, str], ChainLink] = {}
    for chain_name, (cluster, link_names) in CHAINS.items():
        chain = chain_services.chain_create(by=None, name=chain_name, cluster=clusters[cluster])
        for link_name in link_names:
            links[(chain_name, link_name)] = chain_services.link_create(by=None, chain=chain, name=link_name)
    return links


def _enterprises(org: Org) -> dict[str, Enterprise]:
    clusters = {c.name: c for c in Cluster.objects.all()}
    result: dict[str, Enterprise] = {}
    for spec in build_enterprises():
        data: dict[str, Any] = {
            "uscc": spec.uscc,
            "name": spec.name,
            "township": org.townships[spec.township],
            "industry_code": spec.industry_code,
            "cluster": clusters[spec.cluster],
            "above_scale": spec.above_scale_since is not None,
            "above_scale_since": spec.above_scale_since,
            "high_tech": spec.high_tech_since is not None,
            "high_tech_since": spec.high_tech_since,
            "listing": spec.listing,
            "listing_since": spec.listing_since,
            "products": spec.products,
            "needs": spec.needs,
            "employees": spec.employees,
            "contact": spec.contact,
            "phone": spec.phone,
        }
        result[spec.name] = enterprise_create(by=None, district=org.district, data=data, check_permission=False)
    return result


def _users(org: Org, enterprises: dict[str, Enterprise], rows: list[Login]) -> dict[str, User]:
    users: dict[str, User] = {}
    for login in rows:
        spec = login.spec
        official = None
        if spec.official and spec.official.startswith("unit:"):
            official = org.post(spec.unit or "", spec.official.removeprefix("unit:"))
        elif spec.official:
            official = org.officials[spec.official]
        region = org.townships[spec.township] if spec.township else org.district
        users[spec.role] = org_services.user_create(
            by=None,
            username=spec.username,
            password=login.password,
            role=spec.role,
            region=region,
            unit=org.units[spec.unit] if spec.unit else None,
            official=official,
            enterprise_id=enterprises[spec.enterprise].pk if spec.enterprise else None,
        )
    return users


def _project_data(
    spec: ProjectSpec, org: Org, links: dict[tuple[str, str], ChainLink], enterprises: dict[str, Enterprise]
) -> tuple[dict[str, Any], dict[str, Any]]:
    link = links[(spec.chain, spec.link)]
    data: dict[str, Any] = {
        "code": spec.code,
        "name": spec.name,
        "investor": spec.investor,
        "enterprise": enterprises.get(spec.enterprise) if spec.enterprise else None,
        "township": org.townships[spec.township],
        "cluster": link.chain.cluster,
        "chain_link": link,
        "kind": spec.kind,
        "planned_investment": spec.planned,
        "is_key": spec.is_key,
        "is_strategic": spec.is_strategic,
        "source": spec.source,
        "leader": org.officials[spec.leader] if spec.leader else None,
        "lead_unit": org.units[spec.lead_unit] if spec.lead_unit else None,
        "description": spec.description,
    }
    if data["enterprise"] is not None:
        data["investor_uscc"] = data["enterprise"].uscc
    stage_data = {
        "stage": spec.stage,
        "signed_on": spec.signed_on,
        "started_on": spec.started_on,
        "producing_on": spec.producing_on,
        "at_capacity_on": spec.at_capacity_on,
        "terminated_on": spec.terminated_on,
        "termination_reason": spec.termination_reason,
    }
    return data, stage_data


def _task_force(spec: ProjectSpec, org: Org, rng: random.Random) -> list[project_services.MemberSpec]:
    assert spec.lead_unit is not None
    lead = org.post(spec.lead_unit, "副局长", "副主任", "副镇长")
    pool = [
        org.post(org_data.township_unit_name(spec.township), "经发办主任", "副镇长", "副主任"),
        org.post("区招商服务中心", "招商专员"),
        org.post("区自然资源和规划局", "股长"),
        org.post("区住建局", "股长"),
        org.post("区生态环境分局", "副局长"),
    ]
    others = [o for o in dict.fromkeys(pool) if o.pk != lead.pk]
    chosen = rng.sample(others, rng.randint(1, 3))
    members = [project_services.MemberSpec(official=lead, is_lead=True, duty="专班负责人，统筹推进")]
    duties = ["要素保障", "手续办理", "现场协调", "环评服务"]
    members += [project_services.MemberSpec(official=o, duty=rng.choice(duties)) for o in chosen]
    return members


def _project(spec: ProjectSpec, ctx: dict[str, Any]) -> Project:
    org: Org = ctx["org"]
    users: dict[str, User] = ctx["users"]
    data, stage_data = _project_data(spec, org, ctx["links"], ctx["enterprises"])
    investment, task_force = users[Role.INVESTMENT], users[Role.TASK_FORCE]
    project = project_services.project_create(by=investment, district=org.district, data=data, stage_data=stage_data)
    if not spec.is_key or spec.terminated_on:
        return project
    rng = random.Random(f"{SEED}:team:{spec.name}")
    if spec.six_ones_gap != "task_force":
        project_services.task_force_set(project=project, by=investment, members=_task_force(spec, org, rng))
    plan = milestones(spec)
    for node in plan:
        project_services.milestone_create(
            project=project,
            by=task_force,
            name=node.name,
            planned_on=node.planned_on,
            weight=node.weight,
            actual_on=node.actual_on,
        )
    for report in progress(spec, plan):
        project_services.progress_record(
            project=project,
            by=task_force,
            period=report.period,
            completed_investment=report.completed_investment,
            image_progress=report.image_progress,
            text=report.text,
        )
    return project


def _funds(specs: list[ProjectSpec], projects: dict[str, Project], by: User) -> int:
    rows = fund_rows(specs)
    for row in rows:
        project_services.fund_record(
            project=projects[row.project], by=by, period=row.period, amount=row.amount, origin=row.origin
        )
    return len(rows)


@dataclass(frozen=True)
class LoadResult:
    projects: int
    enterprises: int
    officials: int
    funds: int
    logins: list[Login]


Progress = Callable[[str], None]


@contextmanager
def _stage(progress: Progress | None, label: str) -> Iterator[None]:
    """One line per stage when it is done, with its wall and CPU time: a slow stage shows."""
    started, cpu = time.monotonic(), time.process_time()
    yield
    if progress is not None:
        progress(f"  {label}：{time.monotonic() - started:.1f} 秒（CPU {time.process_time() - cpu:.1f} 秒）")


def load(progress: Progress | None = None) -> LoadResult:
    """Build the demo district. The caller makes sure the database holds no regions yet.
    `progress` is told when each stage is done (`zhaoluo demo` prints it on stderr)."""
    # Thousands of light and deadline computations read the working-day overrides; the demo
    # writes none (only the admin does), so one read for the whole load gives the same answers.
    with workdays.preloaded():
        return _load(progress)


def _load(progress: Progress | None) -> LoadResult:
    rng = random.Random(f"{SEED}:org")
    rows = logins()
    with using(RequestContext(source="demo")), transaction.atomic():
        with _stage(progress, "区划、单位、干部、产业链、企业和账号"):
            org = _regions()
            _units_and_officials(org, rng)
            links = _chains()
            enterprises = _enterprises(org)
            users = _users(org, enterprises, rows)
        ctx = {"org": org, "users": users, "links": links, "enterprises": enterprises}
        specs = build_plan()
        with _stage(progress, f"项目 {len(specs)} 个（专班、方案节点、月度进展）"):
            projects = {spec.name: _project(spec, ctx) for spec in specs}
        with _stage(progress, "到位资金"):
            funds = _funds(specs, projects, users[Role.INVESTMENT])
        with _stage(progress, "亮灯"):
            project_services.lights_refresh_all(today=AS_OF, district=org.district)
        with _stage(progress, "会议"):
            meetings_demo.load(district=org.district, as_of=AS_OF)
        with _stage(progress, "审批事项"):
            approvals_demo.load(by=users[Role.INVESTMENT], today=AS_OF)
        with _stage(progress, "帮扶情况收集表"):
            assistance_demo.load(users=users)
        # Last of the demo modules: it tops the problems resolved in 2020 up to the article's figure.
        with _stage(progress, "问题（三个清单）"):
            demo_problems.load(district=org.district, users=users, units=org.units)
        with _stage(progress, "百名干部进百企（包联、走访、企业库）"):
            service_demo.load(district=org.district, users=users, units=org.units)
    # One tick as of the demo day, as the scheduler would run it: lights, escalations, next meetings.
    with _stage(progress, "定时任务（亮灯、逐级督办、下次会议）"):
        scheduled.tick(AS_OF)
    # 挂牌督办 and 约谈 need the level-3 problems the tick's escalations have just made.
    with _stage(progress, "挂牌督办与约谈"), using(RequestContext(source="demo")), transaction.atomic():
        supervision_demo.load(org)
    return LoadResult(len(projects), len(enterprises), len(org.officials), funds, rows)


def is_empty() -> bool:
    return not Region.objects.exists()
