"""The demo district's meetings: October 2020 to March 2021 held with minutes, April's scheduled by the tick.

Everything goes through the services. Each step of a decision's life (交办, 办结, 销号) happens on
its own day of the story, so the demo clock (ZHAOLUO_TODAY) is set to that day for the step: the
services refuse a deadline before "today", as they must for real users.

Decisions are recorded at the 2021 meetings; the 2020 ones have minutes and attendance only. The
2020 problem figures (problems_raised/resolved/overdue, with problems_resolved 521) belong to the
problem demo data of the `loop` work; a meeting decision raised or resolved in 2020 would move them.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from contextlib import contextmanager

from django.test.utils import override_settings

from zhaoluo.core import calendar
from zhaoluo.orgs.models import Region, Unit, User
from zhaoluo.problems import services as problem_services
from zhaoluo.problems.choices import Category

from . import cadence, services
from .choices import ItemKind, Status
from .models import CadenceRule, Meeting

FIRST_PERIOD = dt.date(2020, 10, 1)
DECISIONS_FROM = dt.date(2021, 1, 1)
SEED = "zhaoluo-meetings-demo"

# The units whose staff have demo logins, so the decisions can be handled and closed through the
# services: (unit name, login that handles it, category, decision texts with {p} for the project).
HANDLERS: list[tuple[str, str, str, list[str]]] = [
    (
        "区发改局",
        "fagaiju",
        Category.APPROVAL,
        [
            "区发改局牵头，{p}项目核准（备案）变更手续限期办结",
            "区发改局协调{p}申报省级重点项目，争取用地和能耗指标",
            "区发改局会同区生态环境分局完成{p}能评、环评并联审批",
        ],
    ),
    (
        "双沟镇人民政府",
        "shuanggou",
        Category.LAND,
        [
            "双沟镇负责{p}项目红线内剩余青苗补偿和地上附着物清表",
            "双沟镇协调{p}施工便道和临时用电接入，保障进场施工",
            "双沟镇会同区住建局解决{p}周边群众阻工问题",
        ],
    ),
    (
        "区招商服务中心",
        "zhaoshang",
        Category.POLICY,
        [
            "区招商服务中心对接{p}投资方，落实合同约定的奖补政策兑现",
            "区招商服务中心督促{p}投资方按协议时间节点加快资金到位",
        ],
    ),
    (
        "区科经局",
        "guobing",
        Category.LABOUR,
        [
            "区科经局协调{p}用工需求，联合区人社局组织专场招聘",
            "区科经局指导{p}申报技改专项资金和高新技术企业认定",
            "区科经局协调供电公司解决{p}投产用电增容",
        ],
    ),
]

MINUTES = (
    "会议听取了{units}关于包保项目推进情况的汇报，逐一研究了红黄灯项目存在的问题。"
    "会议要求：各责任单位要对照议定事项，明确责任人和时间节点，按期办结并向区督查室报送办理情况；"
    "逾期未办结的，由区督查室按程序升级督办。"
)
HANDLING = [
    "已召开专题协调会，相关手续已办结，项目按计划推进",
    "已现场对接企业，问题已解决，企业签字确认",
    "已会同相关部门联合办理，办理结果已书面反馈项目单位",
]


@contextmanager
def on_day(day: dt.date) -> Iterator[None]:
    """The demo clock set to `day` for one step of the story."""
    with override_settings(ZHAOLUO_TODAY=day.isoformat()):
        yield


def _decide(meeting: Meeting, rng: random.Random, by: User, handlers: dict[str, User], as_of: dt.date) -> int:
    projects = [i.project for i in meeting.items.filter(kind=ItemKind.PROJECT).select_related("project") if i.project]
    if not projects:
        projects = list(services.portfolio(meeting).order_by("pk")[:3])
    made = 0
    for project in projects[:3]:
        unit_name, login, category, texts = rng.choice(HANDLERS)
        units = {u.name: u for u in Unit.objects.filter(name__in=[h[0] for h in HANDLERS])}
        handler = handlers[login]
        workdays = rng.choice([5, 10, 15])
        with on_day(meeting.held_on):
            decision = services.decision_record(
                meeting=meeting,
                by=by,
                text=rng.choice(texts).format(p=project.name),
                unit=units[unit_name],
                owner=handler.official,
                project=project,
                workdays=workdays,
                category=category,
            )
        made += 1
        problem = decision.problem
        assert problem is not None
        # Most are finished on time, about one in six late, and some of March's are still being handled.
        roll = rng.random()
        if roll < 0.16:
            resolved = calendar.add_workdays(decision.due_on, rng.randint(2, 8))
        else:
            # Against the deadline the rules gave (a red project's is shorter), not the days asked for.
            allowed = calendar.workdays_between(meeting.held_on, decision.due_on)
            resolved = calendar.add_workdays(meeting.held_on, max(1, allowed - rng.randint(1, 4)))
        start = calendar.add_workdays(meeting.held_on, 1)
        if start > as_of:
            continue
        with on_day(start):
            problem_services.problem_start(problem=problem, by=handler, note="已接收交办，正在办理")
        if resolved > as_of or (roll > 0.9 and meeting.held_on.month == as_of.month):
            continue
        with on_day(resolved):
            problem_services.problem_resolve(problem=problem, by=handler, handling_note=rng.choice(HANDLING))
        closed = calendar.add_workdays(resolved, 2)
        if closed <= as_of:
            with on_day(closed):
                problem_services.problem_close(problem=problem, by=by, note="经核实，同意销号")
    return made


def load(*, district: Region, as_of: dt.date) -> dict[str, int]:
    """Past meetings of every cadence rule from October 2020 to `as_of`, then the tick's next ones."""
    rng = random.Random(SEED)
    secretariat = User.objects.get(username="ducha")
    handlers = {u.username: u for u in User.objects.filter(username__in=[h[1] for h in HANDLERS])}
    held = decisions = 0
    for rule in CadenceRule.objects.filter(is_active=True).order_by("pk"):
        for chair in services.chairs_for(rule, district):
            start = FIRST_PERIOD
            while True:
                day = cadence.meeting_day(rule.period, start, rule.offset_days)
                if day >= as_of:
                    break
                with on_day(day):
                    meeting = services.meeting_create(
                        by=secretariat,
                        district=district,
                        kind=rule.kind,
                        chair=chair,
                        held_on=day,
                        title=services.scheduled_title(rule, chair, start),
                        start_time=rule.start_time,
                        place=rule.place,
                        rule=rule,
                        period_start=start,
                    )
                    items = meeting.items.select_related("project__lead_unit")
                    names = "、".join(
                        sorted({i.project.lead_unit.name for i in items if i.project and i.project.lead_unit})
                    )
                    presence = [
                        services.Presence(official=a.official, present=rng.random() > 0.1, reason="参加市里会议")
                        for a in meeting.attendance.select_related("official")
                    ]
                    services.minutes_record(
                        meeting=meeting,
                        by=secretariat,
                        minutes=MINUTES.format(units=names or "各牵头单位"),
                        attendance=presence,
                    )
                held += 1
                if day >= DECISIONS_FROM:
                    decisions += _decide(meeting, rng, secretariat, handlers, as_of)
                start = cadence.next_period_start(rule.period, start)
    with on_day(as_of):
        upcoming = services.meetings_tick(as_of)["meetings_scheduled"]
    assert Meeting.objects.filter(status=Status.HELD).count() >= held
    return {"meetings_held": held, "meeting_decisions": decisions, "meetings_upcoming": upcoming}
