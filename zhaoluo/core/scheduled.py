"""Scheduled work: one entry point shared by `zhaoluo tick` and the background scheduler.

Idempotent and safe to run every few minutes; each piece of work is a service call.
"""

from __future__ import annotations

import datetime as dt

from . import context


def run_tick(today: dt.date | None = None) -> dict[str, int]:
    from zhaoluo.accounts.services import dormant_accounts_disable, login_failures_purge
    from zhaoluo.projects.services import lights_refresh_all

    with context.using(context.RequestContext(source="tick")):
        result = lights_refresh_all(today=today)
        # Dormant accounts go by the real clock, not the demo's ZHAOLUO_TODAY.
        result["dormant_disabled"] = dormant_accounts_disable()
        login_failures_purge()
        return result
