"""The minutes of a held meeting, with who was present and why others were not."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from zhaoluo.core import audit, clock
from zhaoluo.core.errors import PermissionDeniedError
from zhaoluo.core.locking import claim_version
from zhaoluo.orgs.models import Official, User

from ..choices import Status
from ..models import Attendance, Meeting
from ..permissions import can_edit
from .common import _snapshot

# ---- minutes and decisions -------------------------------------------------------------------


@dataclass(frozen=True)
class Presence:
    official: Official
    present: bool
    reason: str = ""


@transaction.atomic
def minutes_record(
    *,
    meeting: Meeting,
    by: User,
    minutes: str,
    attendance: Sequence[Presence],
    expected_version: int | None = None,
) -> Meeting:
    """纪要: who came (an absence needs its reason), what was said; the meeting is then 已召开
    and its agenda is frozen. Minutes may be corrected afterwards, attendance too."""
    if not can_edit(by, meeting):
        raise PermissionDeniedError("只有会议主持人或督查室可以记录纪要")
    if meeting.status == Status.CANCELLED:
        raise ValidationError({"status": "会议已取消，不能记录纪要"})
    if meeting.held_on > clock.today():
        raise ValidationError({"held_on": "会议尚未召开，不能记录纪要"})
    minutes = minutes.strip()
    if not minutes:
        raise ValidationError({"minutes": "请填写会议纪要"})
    missing = [p.official.name for p in attendance if not p.present and not p.reason.strip()]
    if missing:
        raise ValidationError({"attendance": f"请填写缺席原因：{'、'.join(missing)}"})
    before = _snapshot(meeting)
    before_presence = _presence(meeting)
    claim_version(meeting, expected_version, {})
    for p in attendance:
        Attendance.objects.update_or_create(
            meeting=meeting,
            official=p.official,
            defaults={"present": p.present, "absence_reason": "" if p.present else p.reason.strip()[:100]},
        )
    Meeting.objects.filter(pk=meeting.pk).update(minutes=minutes, status=Status.HELD)
    meeting.refresh_from_db()
    old, new = audit.diff(before, _snapshot(meeting))
    after_presence = _presence(meeting)
    if after_presence != before_presence:
        old["attendance"], new["attendance"] = before_presence, after_presence
    audit.record(actor=by, action="meeting.minutes_recorded", obj=meeting, before=old, after=new, parent=meeting)
    return meeting


def _presence(meeting: Meeting) -> list[str]:
    rows = meeting.attendance.select_related("official").order_by("pk")
    out = []
    for a in rows:
        state = "未记录" if a.present is None else ("出席" if a.present else f"缺席（{a.absence_reason}）")
        out.append(f"{a.official.name}：{state}")
    return out
