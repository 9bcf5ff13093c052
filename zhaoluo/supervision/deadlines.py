"""How long a project's problems and approvals may take: the deadline rules.

Every deadline in working days for something that belongs to a project goes through
`adjusted_workdays`, so a green-channel (or red-light) project's problems and approvals are
shortened in one place, by rules kept as data (DeadlineRule, presets in presets.py), and
the rule that shortened them can be shown to the user.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from zhaoluo.projects.choices import Light
from zhaoluo.projects.models import Project

from .choices import DeadlineCondition
from .models import DeadlineRule

Subject = Literal["problem", "approval"]


@dataclass(frozen=True)
class Adjusted:
    workdays: int
    rule: str | None  # the rule that changed the figure, in words; None when nothing applied


def _applies(rule: DeadlineRule, project: Project, subject: Subject) -> bool:
    if rule.subject not in ("all", subject):
        return False
    if rule.condition == DeadlineCondition.GREEN_CHANNEL:
        return project.green_channel
    if rule.condition == DeadlineCondition.RED_LIGHT:
        return project.light == Light.RED
    return False


def adjusted_workdays(*, workdays: int, project: Project | None, subject: Subject) -> Adjusted:
    """The working days allowed for a `subject` of `project`, at least one.

    When several rules apply (a green-channel project that is also red) the shortest
    deadline wins rather than the factors multiplying: one rule decides, and it is named.
    """
    if project is None:
        return Adjusted(workdays, None)
    best: Adjusted | None = None
    for rule in DeadlineRule.objects.filter(enabled=True):
        if not _applies(rule, project, subject):
            continue
        # Rounded up so a one-day limit stays one day.
        days = max(1, math.ceil(workdays * rule.factor))
        if best is None or days < best.workdays:
            best = Adjusted(days, f"{rule.name}（系数 {rule.factor.normalize()}）")
    return best or Adjusted(workdays, None)
