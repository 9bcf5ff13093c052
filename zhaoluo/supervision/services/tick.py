"""The tick step: overdue open problems climb the ladder by the rules; 临期/逾期 reminders."""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction

from zhaoluo.core import calendar, clock
from zhaoluo.notify import messages
from zhaoluo.notify import services as notify
from zhaoluo.problems.choices import OPEN_STATUSES
from zhaoluo.problems.models import Problem

from ..choices import EscalationKind
from ..models import Escalation, EscalationRule
from .ladder import _rank, _step
from .notices import notice_issue
from .recipients import _handlers, _link

logger = logging.getLogger(__name__)

# ---------------------------------------------------------------- the tick step


def _history(problem_ids: list[int]) -> dict[int, list[Escalation]]:
    out: dict[int, list[Escalation]] = defaultdict(list)
    for start in range(0, len(problem_ids), 500):
        chunk = problem_ids[start : start + 500]
        for step in Escalation.objects.filter(problem_id__in=chunk).order_by("on", "id"):
            out[step.problem_id].append(step)
    return out


def _spent(problem: Problem, steps: Iterable[Escalation], rules: list[EscalationRule]) -> set[int]:
    """Rules that may not fire (again): those that fired, and those already reached when someone
    last de-escalated by hand — that person judged the problem at that lateness."""
    spent = {s.rule_id for s in steps if s.rule_id is not None}
    downs = [s for s in steps if s.kind == EscalationKind.MANUAL_DOWN]
    if downs:
        reached = downs[-1].overdue_workdays
        spent |= {r.pk for r in rules if r.overdue_workdays <= reached}
    return spent


def _climb(problem: Problem, rules: list[EscalationRule], spent: set[int], today: dt.date, late: int) -> list[Any]:
    steps: list[tuple[Escalation, EscalationRule]] = []
    for rule in rules:
        if rule.pk in spent or late < rule.overdue_workdays:
            continue
        if _rank(rule.to_level, rule.color) <= _rank(problem.supervision_level, problem.notice_color):
            continue
        reason = f"逾期 {late} 个工作日（规则：逾期满 {rule.overdue_workdays} 个工作日）"
        step = _step(
            problem,
            kind=EscalationKind.RULE,
            to_level=rule.to_level,
            to_color=rule.color,
            on=today,
            reason=reason,
            rule=rule,
            overdue=late,
        )
        steps.append((step, rule))
    if steps:
        # One 督办单 per tick, in the colour reached: three notices on one morning say nothing more.
        step, rule = steps[-1]
        notice_issue(
            problem=problem, color=rule.color, on=today, by=None, reply_workdays=rule.reply_workdays, escalation=step
        )
    return steps


def _remind(problem: Problem, today: dt.date, horizon: dt.date, late: int) -> str:
    assert problem.due_on is not None
    unit = problem.unit.name if problem.unit is not None else ""
    if today < problem.due_on <= horizon:
        msg = messages.due_soon(title=problem.title, deadline=problem.due_on, unit=unit)
    elif late >= 1:
        msg = messages.overdue(title=problem.title, deadline=problem.due_on, workdays_late=late, unit=unit)
    else:
        return ""
    sent = notify.notify(
        recipients=_handlers(problem),
        **msg.as_kwargs(),
        link=_link(problem),
        obj=problem,
        dedupe_key=messages.dedupe_key(msg.event, problem, problem.due_on),
        actor=None,
    )
    return msg.event if sent else ""


def supervision_tick(today: dt.date | None = None) -> dict[str, int]:
    """Escalate overdue open problems by the rules, issue their 督办单, and send 临期/逾期 reminders.

    Reads only open problems due by the next working day (the status+due_on index), so its
    cost follows the open, late work, not the table. Each problem is its own transaction:
    an interrupted run leaves every problem either done or untouched, and the next run
    finishes the rest. Running it twice changes nothing the second time: a rule fires once
    per problem (a unique constraint, also against a concurrent run), reminders go once
    per deadline (dedupe keys).
    """
    today = today or clock.today()
    counts: Counter[str] = Counter()
    rules = list(EscalationRule.objects.filter(enabled=True).order_by("overdue_workdays", "id"))
    with calendar.preloaded():
        horizon = calendar.add_workdays(today, 1)
        problems = list(
            Problem.objects.filter(
                status__in=OPEN_STATUSES, due_on__isnull=False, due_on__lte=horizon, resolved_on__isnull=True
            )
            .select_related("unit")
            .order_by("due_on", "id")
        )
        history = _history([p.pk for p in problems])
        for problem in problems:
            assert problem.due_on is not None
            late = max(calendar.workdays_between(problem.due_on, today), 0) if problem.due_on < today else 0
            try:
                with transaction.atomic():
                    if late:
                        spent = _spent(problem, history.get(problem.pk, []), rules)
                        steps = _climb(problem, rules, spent, today, late)
                        counts["supervision_escalated"] += len(steps)
                        counts["supervision_notices"] += 1 if steps else 0
                    event = _remind(problem, today, horizon, late)
                    if event:
                        counts[f"supervision_{event}"] += 1
            except IntegrityError:
                # A concurrent tick fired the same rule first; this problem is already done.
                logger.info("supervision tick: problem %s escalated by a concurrent run", problem.pk)
    return {
        key: counts.get(key, 0)
        for key in (
            "supervision_escalated",
            "supervision_notices",
            "supervision_due_soon",
            "supervision_overdue",
        )
    }
