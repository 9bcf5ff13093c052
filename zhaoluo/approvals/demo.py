"""Demo approvals: the demo district's started projects and the items they went through.

Dates run backwards from each project's 开工 (and 投产) date, so every approval sits where a
real project would have had it (2019 – March 2021), with working days taken drawn below the
limit for almost all. The late ones are kept in the first quarter of 2021, the demo's "now":
their problems are raised on the demo's today, as the platform would have raised them then.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from zhaoluo.core import calendar
from zhaoluo.orgs.models import Unit, User
from zhaoluo.projects.models import Project
from zhaoluo.supervision.deadlines import adjusted_workdays

from . import services
from .models import Approval, ApprovalItem

SEED = "zhaoluo-demo:approvals"
# The platform's records begin in 2019: what a project went through before is not entered.
RECORDS_FROM = dt.date(2019, 1, 2)
# In the order a project meets them before 开工, with the gap (working days) before the next.
# Gaps are short: since 工程建设项目审批制度改革 (国办发〔2019〕11号) items are applied for in parallel stages.
BEFORE_START = [
    ("project-filing", 3),
    ("land-siting", 5),
    ("eia-form", 2),
    ("energy", 2),
    ("land-planning", 3),
    ("works-planning", 3),
    ("fire-design", 2),
    ("construction", 2),
]
BEFORE_PRODUCING = [("fire-acceptance", 5), ("completion-filing", 2)]
NOTES = [
    "容缺受理，后补材料",
    "并联审批",
    "代办员全程帮办",
    "线上“一网通办”申报",
    "",
    "",
    "",
]


@dataclass
class Loaded:
    approvals: int
    late: int
    pending: int
    problems: int


_departments: dict[tuple[int, int], Unit | None] = {}


def _department(item: ApprovalItem, project: Project) -> Unit | None:
    # Eighteen hundred approvals over a handful of departments: look each up once per load.
    key = (item.pk, project.district_id)
    if key not in _departments:
        _departments[key] = services.default_department(item, project)
    return _departments[key]


def _taken(rng: random.Random, limit: int) -> int:
    return max(1, round(limit * rng.uniform(0.2, 0.8)))


def _back(day: dt.date, workdays: int) -> dt.date:
    """The working day `workdays` working days before `day`."""
    while workdays > 0:
        day -= dt.timedelta(days=1)
        if calendar.is_workday(day):
            workdays -= 1
    return day


def _chain(
    *,
    by: User,
    project: Project,
    items: dict[str, ApprovalItem],
    steps: list[tuple[str, int]],
    end: dt.date,
    rng: random.Random,
) -> int:
    """Record `steps` so that the last is decided a few working days before `end`."""
    plan: list[tuple[ApprovalItem, dt.date, dt.date]] = []
    decided_by = _back(end, rng.randint(2, 6))
    for code, gap in reversed(steps):
        item = items[code]
        limit = adjusted_workdays(workdays=item.limit_workdays, project=project, subject="approval").workdays
        taken = _taken(rng, limit)
        submitted = _back(decided_by, taken)
        plan.append((item, submitted, calendar.add_workdays(submitted, taken)))
        decided_by = _back(submitted, gap)
    recorded = [(item, submitted, decided) for item, submitted, decided in reversed(plan) if submitted >= RECORDS_FROM]
    for item, submitted, decided in recorded:
        services.approval_record(
            by=by,
            project=project,
            item=item,
            department=_department(item, project),
            submitted_on=submitted,
            decided_on=decided,
            note=rng.choice(NOTES),
        )
    return len(recorded)


def load(*, by: User, today: dt.date) -> Loaded:
    """Approvals for every started project of the demo district; the caller holds the transaction."""
    rng = random.Random(SEED)
    _departments.clear()
    items = {i.code: i for i in ApprovalItem.objects.all()}
    projects = list(
        Project.objects.filter(district=by.region, started_on__isnull=False, started_on__lte=today).order_by(
            "started_on", "pk"
        )
    )
    with calendar.preloaded():
        return _load(by=by, today=today, rng=rng, items=items, projects=projects)


def _load(
    *, by: User, today: dt.date, rng: random.Random, items: dict[str, ApprovalItem], projects: list[Project]
) -> Loaded:
    count = late = pending = 0
    for project in projects:
        assert project.started_on is not None
        count += _chain(by=by, project=project, items=items, steps=BEFORE_START, end=project.started_on, rng=rng)
        if project.producing_on is not None and project.producing_on <= today:
            count += _chain(
                by=by, project=project, items=items, steps=BEFORE_PRODUCING, end=project.producing_on, rng=rng
            )
    # Started but not producing: the most recent apply for 消防验收 this quarter; a few are late.
    recent = [p for p in projects if p.producing_on is None or p.producing_on > today][-12:]
    for n, project in enumerate(recent):
        item = items["fire-acceptance"]
        limit = adjusted_workdays(workdays=item.limit_workdays, project=project, subject="approval").workdays
        if n % 4 == 0:
            # Still with the department well past its limit.
            submitted = _back(today, limit + rng.randint(3, 8))
            services.approval_record(
                by=by, project=project, item=item, submitted_on=submitted, note="消防验收现场复查未通过，待整改"
            )
            late += 1
        elif n % 4 == 1:
            # Decided this quarter, after its limit.
            submitted = _back(today, limit + rng.randint(8, 12))
            decided = calendar.add_workdays(submitted, limit + rng.randint(2, 4))
            services.approval_record(
                by=by, project=project, item=item, submitted_on=submitted, decided_on=decided, note="材料多次补正"
            )
            late += 1
        else:
            submitted = _back(today, rng.randint(1, max(1, limit - 2)))
            services.approval_record(by=by, project=project, item=item, submitted_on=submitted)
            pending += 1
        count += 1
    problems = Approval.objects.filter(project__district=by.region, problem__isnull=False).count()
    return Loaded(approvals=count, late=late, pending=pending, problems=problems)
