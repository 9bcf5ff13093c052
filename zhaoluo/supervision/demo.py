"""Demo 挂牌督办 and 约谈 on the demo district's level-3 problems.

Call after the demo's tick has climbed the ladder (the problems and the tick come from
zhaoluo/demo): `supervision.demo.load(org)` or `load(district)`. Without level-3 problems it
does nothing; run twice, it adds nothing the second time.
"""

from __future__ import annotations

from typing import Any

from zhaoluo.core import calendar, clock
from zhaoluo.orgs.choices import Role
from zhaoluo.orgs.models import Official, Region, User
from zhaoluo.problems.choices import OPEN_STATUSES
from zhaoluo.problems.models import Problem

from . import services
from .models import Escalation

LISTED = 3
INTERVIEWED = 2
OUTCOMES = [
    "责任单位主要负责人作出书面说明，承诺10个工作日内办结，区督查室跟踪问效。",
    "明确由分管副局长牵头专班推进，每周向区督查室报告进展，逾期未办结将提请问责。",
]


def _head(problem: Problem) -> str:
    """The responsible unit's head as the interview names them: 姓名 + 职务."""
    staff = Official.objects.filter(unit=problem.unit).order_by("id")
    head = next((o for o in staff if o.title in ("局长", "主任", "镇长", "书记")), None) or staff.first()
    unit = problem.unit.name if problem.unit is not None else ""
    return f"{unit}{head.title} {head.name}" if head is not None else f"{unit}主要负责人"


def load(org_or_district: Any) -> dict[str, int]:
    # The demo loader's Org carries its district; a Region is the district itself.
    district: Region = org_or_district if isinstance(org_or_district, Region) else org_or_district.district
    principal = User.objects.filter(role=Role.PRINCIPAL, region=district, is_active=True).order_by("id").first()
    if principal is None:
        return {"listings": 0, "interviews": 0}
    leader = principal.official
    leader_name = f"{leader.title} {leader.name}" if leader is not None else "区长"
    today = clock.today()
    problems = list(
        Problem.objects.filter(district=district, status__in=OPEN_STATUSES, supervision_level=3)
        .select_related("unit")
        .order_by("due_on", "id")[:LISTED]
    )
    listings = interviews = 0
    for index, problem in enumerate(problems):
        reached = Escalation.objects.filter(problem=problem, to_level=3).order_by("on").values_list("on", flat=True)
        red_on = reached.first() or today
        since = min(calendar.add_workdays(red_on, 1), today)
        if not problem.listings.exists():
            services.listing_open(
                problem=problem,
                by=principal,
                leader_name=leader_name,
                since=since,
                reason="逾期超过10个工作日仍未办结，列入区主要领导挂牌督办",
            )
            listings += 1
        if index < INTERVIEWED and not problem.interviews.exists():
            services.interview_record(
                problem=problem,
                by=principal,
                on=min(calendar.add_workdays(since, 2), today),
                interviewee=_head(problem),
                interviewer=leader_name,
                outcome=OUTCOMES[index],
            )
            interviews += 1
    return {"listings": listings, "interviews": interviews}
