"""What every part of a meeting's record shares: the audited fields and the stages that leave the agenda."""

from __future__ import annotations

from zhaoluo.core import audit
from zhaoluo.projects.choices import Stage

from ..models import Meeting

AUDITED = ["kind", "title", "chair", "held_on", "place", "status", "minutes", "cancel_reason"]


def _snapshot(meeting: Meeting) -> audit.Snapshot:
    # The audit log's JSON knows dates but not times of day.
    return {**audit.snapshot(meeting, AUDITED), "start_time": f"{meeting.start_time:%H:%M}"}


CLOSED_STAGES = (Stage.TERMINATED,)
