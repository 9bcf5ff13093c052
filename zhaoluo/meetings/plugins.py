"""What the meetings app plugs into the kernel (core/registry.py)."""

from __future__ import annotations

import datetime as dt

from zhaoluo.core import scheduled


def _meetings(today: dt.date) -> dict[str, int]:
    from .services import meetings_tick

    return meetings_tick(today)


# After supervision (70): the next agenda lists the problems escalated today.
scheduled.register_step(scheduled.Step("meetings", "安排下次会议", _meetings, order=80))
