"""What the supervision app plugs into the kernel (core/registry.py)."""

from __future__ import annotations

import datetime as dt

from zhaoluo.core import scheduled


def _supervision(today: dt.date) -> dict[str, int]:
    from .services import supervision_tick

    return supervision_tick(today)


scheduled.register_step(scheduled.Step("supervision", "逾期升级督办与临期提醒", _supervision, order=70))
