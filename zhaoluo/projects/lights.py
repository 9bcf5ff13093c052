"""The light engine: each enabled LightRule looks at a project and may give a reason.

A project's light is its worst reason's level (green with none). Rule kinds are small
functions registered below; their thresholds live in the rule's `params`, which an
administrator edits, so "yellow up to 5 working days" is data, not code.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from zhaoluo.core import calendar as workdays
from zhaoluo.core.dates import add_months

from .choices import LIGHT_RANK, Light, RuleKind, Stage
from .light_params import _PARAMS, ParamSpec, validate_params
from .models import LightRule, Milestone, Project

logger = logging.getLogger(__name__)

CLOSED_STAGES = frozenset({Stage.TERMINATED, Stage.AT_CAPACITY})


@dataclass(frozen=True)
class Reason:
    rule: str
    rule_name: str
    level: str
    message: str

    def as_dict(self) -> dict[str, str]:
        # What dataclasses.asdict gives, without its deep copy (every field is text).
        return {"rule": self.rule, "rule_name": self.rule_name, "level": self.level, "message": self.message}


@dataclass(frozen=True)
class Verdict:
    light: str
    reasons: list[Reason]


Finding = tuple[str, str]  # (level, message)
Evaluator = Callable[[Project, dict[str, Any], dt.date], Finding | None]


_EVALUATORS: dict[str, Evaluator] = {}


def rule_kind(kind: str, params: Iterable[ParamSpec] = ()) -> Callable[[Evaluator], Evaluator]:
    def register(fn: Evaluator) -> Evaluator:
        _EVALUATORS[kind] = fn
        _PARAMS[kind] = list(params)
        return fn

    return register


def _usable(rule: LightRule) -> bool:
    """Whether the rule's parameters are valid, checked once per loaded rule (a batch of
    thousands of projects shares the same few rule objects)."""
    checked = getattr(rule, "_zl_params_ok", None)
    if checked is None or checked[0] != rule.params:
        checked = (rule.params, not validate_params(rule.kind, rule.params))
        rule._zl_params_ok = checked  # type: ignore[attr-defined]
    return bool(checked[1])


def evaluate(project: Project, rules: Iterable[LightRule], today: dt.date) -> Verdict:
    """The light of one project. Needs task_force, milestones and progress_reports prefetched."""
    if project.stage in CLOSED_STAGES:
        return Verdict(Light.GREEN, [])
    reasons: list[Reason] = []
    for rule in rules:
        if not rule.enabled or (rule.only_key and not project.is_key):
            continue
        if rule.kind not in _EVALUATORS or not _usable(rule):
            # A rule saved around the admin's validation (a raw SQL edit, an old row) must
            # not stop every project write: it is skipped, loudly.
            logger.error("亮灯规则 %s 的参数无效，已跳过：%r", rule.code, rule.params)
            continue
        finding = _EVALUATORS[rule.kind](project, rule.params, today)
        if finding is not None:
            reasons.append(Reason(rule=rule.code, rule_name=rule.name, level=finding[0], message=finding[1]))
    reasons.sort(key=lambda r: -LIGHT_RANK[Light(r.level)])
    light = reasons[0].level if reasons else Light.GREEN
    return Verdict(light, reasons)


def _related(project: Project, name: str) -> Iterable[Any]:
    """A prefetched relation as it was loaded; creating its related manager costs more than
    the rule that reads it, which adds up over a 100,000-row ledger import."""
    prefetched = getattr(project, "_prefetched_objects_cache", {})
    return prefetched[name] if name in prefetched else getattr(project, name).all()


@rule_kind(RuleKind.SIX_ONES)
def _six_ones(project: Project, params: dict[str, Any], today: dt.date) -> Finding | None:
    missing = project.six_ones_missing
    if not missing:
        return None
    return Light.RED, "六个一未落实：缺" + "、".join(missing)


@rule_kind(
    RuleKind.MILESTONE_OVERDUE,
    [ParamSpec("yellow_max_workdays", "逾期多少个工作日内为黄灯", Decimal(0), Decimal(250))],
)
def _milestone_overdue(project: Project, params: dict[str, Any], today: dt.date) -> Finding | None:
    limit = int(Decimal(str(params["yellow_max_workdays"])))
    late: list[tuple[int, Milestone]] = []
    for milestone in _related(project, "milestones"):
        if milestone.actual_on is None and milestone.planned_on < today:
            days = workdays.workdays_between(milestone.planned_on, today)
            if days > 0:
                late.append((days, milestone))
    if not late:
        return None
    late.sort(key=lambda item: -item[0])
    worst = late[0][0]
    level = Light.RED if worst > limit else Light.YELLOW
    parts = [f"“{m.name}”计划{m.planned_on:%Y-%m-%d}完成，已逾期{d}个工作日" for d, m in late]
    return level, "节点逾期：" + "；".join(parts)


def planned_pct(project: Project, today: dt.date) -> Decimal | None:
    milestones = list(_related(project, "milestones"))
    total = sum((m.weight for m in milestones), Decimal(0))
    if not total:
        return None
    due = sum((m.weight for m in milestones if m.planned_on <= today), Decimal(0))
    return due * 100 / total


def actual_pct(project: Project) -> Decimal | None:
    """The latest reported 形象进度.

    Without a report the rule stays silent: milestones not done on time are the
    overdue rule's business, and counting them here too would turn one late
    milestone red twice over.
    """
    reports = sorted(_related(project, "progress_reports"), key=lambda r: r.period, reverse=True)
    return Decimal(reports[0].image_progress) if reports else None


@rule_kind(
    RuleKind.PROGRESS_BELOW_PLAN,
    [
        ParamSpec("yellow_below_pct", "低于计划进度的百分之多少为黄灯", Decimal(0), Decimal(100), whole=False),
        ParamSpec("red_below_pct", "低于计划进度的百分之多少为红灯", Decimal(0), Decimal(100), whole=False),
    ],
)
def _progress_below_plan(project: Project, params: dict[str, Any], today: dt.date) -> Finding | None:
    planned = planned_pct(project, today)
    actual = actual_pct(project)
    if not planned or actual is None:
        return None
    ratio = actual * 100 / planned
    red, yellow = Decimal(str(params["red_below_pct"])), Decimal(str(params["yellow_below_pct"]))
    if ratio >= yellow:
        return None
    level = Light.RED if ratio < red else Light.YELLOW
    threshold = red if level == Light.RED else yellow
    return level, (f"进度滞后：实际 {actual:.0f}%，计划 {planned:.0f}%，完成计划的 {ratio:.0f}%（低于 {threshold:g}%）")


@rule_kind(
    RuleKind.SIGNED_NOT_STARTED,
    [ParamSpec("months", "签约后多少个月未开工", Decimal(1), Decimal(60))],
)
def _signed_not_started(project: Project, params: dict[str, Any], today: dt.date) -> Finding | None:
    if project.stage != Stage.SIGNED or project.signed_on is None:
        return None
    months = int(Decimal(str(params["months"])))
    deadline = add_months(project.signed_on, months)
    if today <= deadline:
        return None
    return Light.RED, f"签约未开工：{project.signed_on:%Y-%m-%d}签约，超过{months}个月（{deadline:%Y-%m-%d}）仍未开工"


PRESETS: list[dict[str, Any]] = [
    {
        "code": "six-ones",
        "name": "六个一未落实",
        "kind": RuleKind.SIX_ONES,
        "params": {},
        "only_key": True,
        "basis": "招落一体“六个一”制度：重点项目须有包保领导、牵头单位、专班和方案",
    },
    {
        "code": "milestone-overdue",
        "name": "节点逾期",
        "kind": RuleKind.MILESTONE_OVERDUE,
        "params": {"yellow_max_workdays": 5},
        "only_key": False,
        "basis": "逾期 5 个工作日内黄灯，超过红灯（法定节假日和调休按国务院通知）",
    },
    {
        "code": "progress-wuhan",
        "name": "进度滞后于计划",
        "kind": RuleKind.PROGRESS_BELOW_PLAN,
        "params": {"yellow_below_pct": 80, "red_below_pct": 60},
        "only_key": False,
        "basis": "武汉做法：完成计划进度不足 80% 黄灯，不足 60% 红灯",
    },
    {
        "code": "signed-not-started-yinchuan",
        "name": "签约未开工",
        "kind": RuleKind.SIGNED_NOT_STARTED,
        "params": {"months": 3},
        "only_key": False,
        "basis": "银川做法：签约后三个月未开工红灯",
    },
]


# --- When the light can next change on its own ---------------------------------------------
# For each rule kind: the first date after `today` on which the rule's finding could differ
# with the project's records unchanged. Early is harmless (one recompute that changes
# nothing); late would leave a light stale, so every bound below errs early.
Horizon = Callable[[Project, dict[str, Any], dt.date], dt.date | None]
_HORIZONS: dict[str, Horizon] = {}


def _horizon(kind: str) -> Callable[[Horizon], Horizon]:
    def register(fn: Horizon) -> Horizon:
        _HORIZONS[kind] = fn
        return fn

    return register


@_horizon(RuleKind.MILESTONE_OVERDUE)
def _milestone_horizon(project: Project, params: dict[str, Any], today: dt.date) -> dt.date | None:
    dates: list[dt.date] = []
    for milestone in project.milestones.all():
        if milestone.actual_on is not None:
            continue
        # Not yet due: it turns late the day after. Already late: the count of working days
        # in the reason grows, so it is looked at again tomorrow.
        dates.append(milestone.planned_on + dt.timedelta(days=1) if milestone.planned_on >= today else today)
    return min(dates) if dates else None


@_horizon(RuleKind.PROGRESS_BELOW_PLAN)
def _progress_horizon(project: Project, params: dict[str, Any], today: dt.date) -> dt.date | None:
    # The planned share grows on each milestone's planned date.
    upcoming = [m.planned_on for m in project.milestones.all() if m.planned_on > today]
    return min(upcoming) if upcoming else None


@_horizon(RuleKind.SIGNED_NOT_STARTED)
def _signed_horizon(project: Project, params: dict[str, Any], today: dt.date) -> dt.date | None:
    if project.stage != Stage.SIGNED or project.signed_on is None:
        return None
    deadline = add_months(project.signed_on, int(Decimal(str(params["months"]))))
    return deadline + dt.timedelta(days=1) if today <= deadline else None


def next_change(project: Project, rules: Iterable[LightRule], today: dt.date) -> dt.date | None:
    """The first date after `today` on which `evaluate` could give another verdict; None when
    only an edit of the project (or of the rules or calendar) can change it."""
    if project.stage in CLOSED_STAGES:
        return None
    dates: list[dt.date] = []
    for rule in rules:
        if not rule.enabled or (rule.only_key and not project.is_key) or rule.kind not in _HORIZONS:
            continue
        if not _usable(rule):
            continue
        found = _HORIZONS[rule.kind](project, rule.params, today)
        if found is not None:
            dates.append(max(found, today + dt.timedelta(days=1)))
    return min(dates) if dates else None
