"""What the approvals app plugs into the kernel (core/registry.py)."""

from __future__ import annotations

import datetime as dt

from zhaoluo.core import scheduled


def _approvals(today: dt.date) -> dict[str, int]:
    from .services import approvals_tick

    return approvals_tick(today)


# Before supervision (70): a late approval's new problem is then seen by the ladder the same day.
scheduled.register_step(scheduled.Step("approvals", "审批超时转问题", _approvals, order=60))
