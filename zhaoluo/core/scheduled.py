"""Scheduled work: one entry point shared by `zhaoluo tick` and the background scheduler.

Idempotent and safe to run every few minutes; each piece of work is a service call.
"""

from __future__ import annotations

import datetime as dt

from . import context


def run_tick(today: dt.date | None = None) -> dict[str, int]:
    from zhaoluo.projects.services import lights_refresh_all

    from .cleanup import purge_files

    with context.using(context.RequestContext(source="tick")):
        return {**lights_refresh_all(today=today), **purge_files()}
