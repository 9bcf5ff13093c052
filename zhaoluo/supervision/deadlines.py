"""How long a project's problems and approvals may take: the deadline rules.

Every deadline in working days for something that belongs to a project goes through
`adjusted_workdays`, so a green-channel project's problems and approvals are shortened
in one place, and the rule that shortened them can be shown to the user.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from zhaoluo.projects.models import Project

Subject = Literal["problem", "approval"]


@dataclass(frozen=True)
class Adjusted:
    workdays: int
    rule: str | None  # the rule that changed the figure, in words; None when nothing applied


def adjusted_workdays(*, workdays: int, project: Project | None, subject: Subject) -> Adjusted:
    """The working days allowed for a `subject` of `project`, at least one."""
    if project is not None and project.green_channel:
        # 绿色通道 halves the time, rounding up so a one-day limit stays one day.
        return Adjusted(max(1, math.ceil(workdays / 2)), "绿色通道项目：时限减半")
    return Adjusted(workdays, None)
