"""Scheduled work: one entry point shared by `zhaoluo tick` and the background scheduler.

Idempotent and safe to run every few minutes; each piece of work is a service call.
"""

from __future__ import annotations

import datetime as dt

from . import context


def run_tick(today: dt.date | None = None) -> dict[str, int]:
    from zhaoluo.accounts.services import dormant_accounts_disable, login_failures_purge
    from zhaoluo.meetings.services import meetings_tick
    from zhaoluo.notify.services import deliver_due
    from zhaoluo.projects.services import lights_refresh_all

    from .cleanup import purge_files
    from .services import audit_purge

    with context.using(context.RequestContext(source="tick", request_id=context.new_request_id())):
        result = {**lights_refresh_all(today=today), **purge_files()}
        # Dormant accounts and audit retention go by the real clock, not the demo's ZHAOLUO_TODAY.
        result["dormant_disabled"] = dormant_accounts_disable()
        login_failures_purge()
        result.update(meetings_tick(today))
        result["audit_purged"] = audit_purge().purged
        # Last: sends wait on the network, and whatever the steps before queued goes out in this run.
        result.update({f"notify_{key}": value for key, value in deliver_due().items()})
        return result
