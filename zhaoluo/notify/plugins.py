"""What the notify app plugs into the kernel (core/registry.py)."""

from __future__ import annotations

import datetime as dt

from zhaoluo.core import scheduled


def _notify(today: dt.date) -> dict[str, int]:
    from .services import deliver_due

    return {f"notify_{key}": value for key, value in deliver_due().items()}


# Last: sends wait on the network, and whatever the steps before queued goes out in this run.
scheduled.register_step(scheduled.Step("notify", "发送通知", _notify, order=1000))
