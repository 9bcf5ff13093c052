"""Scheduled work: one entry point shared by `zhaoluo tick` and the background scheduler.

Idempotent and safe to run every few minutes; each piece of work is a service call.
"""

from __future__ import annotations

import datetime as dt

from . import context


def run_tick(today: dt.date | None = None) -> dict[str, int]:
    from zhaoluo.projects.services import lights_refresh_all

    from .services import audit_purge

    with context.using(context.RequestContext(source="tick", request_id=context.new_request_id())):
        result = lights_refresh_all(today=today)
        # Retention runs on the real clock, not the demo's `today`: it is about when rows were written.
        result["audit_purged"] = audit_purge().purged
        return result
