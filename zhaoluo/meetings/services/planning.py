"""Planning a meeting: who chairs what, scheduling (by hand or by the tick, per cadence rule), and
editing the agenda or cancelling before the meeting is held."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from zhaoluo.core import audit, calendar, clock
from zhaoluo.core.errors import PermissionDeniedError
from zhaoluo.core.locking import claim_version
from zhaoluo.notify import messages
from zhaoluo.notify import services as notify
from zhaoluo.orgs.choices import RegionLevel
from zhaoluo.orgs.models import Official, Region, User

from .. import cadence
from ..choices import ChairBy, ItemKind, Kind, Period, Status
from ..models import AgendaItem, Attendance, CadenceRule, Meeting
from ..permissions import can_edit
from .agenda import _attendees, _write_agenda, compose_agenda
from .common import CLOSED_STAGES, _snapshot

# ---- who chairs what -------------------------------------------------------------------------


def posts_of(official: Official) -> list[str]:
    """“区委副书记、区长” → ["区委副书记", "区长"]: a title lists its posts separated by 、."""
    return [p.strip() for p in official.title.replace("，", "、").replace(",", "、").split("、") if p.strip()]


def _district_leaders(district: Region) -> QuerySet[Official]:
    """District leaders (四大家) tied to the district by a project they carry, their login or their unit.

    Officials carry no district of their own; on a platform serving one district (the usual
    deployment) a leader recorded without a unit belongs to it."""
    tied = (
        Q(led_projects__district=district)
        | Q(user__region=district)
        | Q(unit__region=district)
        | Q(unit__region__parent=district)
    )
    if not Region.objects.filter(level=RegionLevel.DISTRICT).exclude(pk=district.pk).exists():
        tied |= Q(unit__isnull=True)
    return Official.objects.exclude(body="").filter(tied).distinct().order_by("pk")


def chairs_for(rule: CadenceRule, district: Region) -> list[Official]:
    if rule.chair_by == ChairBy.POST:
        return [o for o in _district_leaders(district) if rule.chair_post in posts_of(o)]
    # 分管区领导: a district leader carrying a live project, other than the principal leaders
    # who hold a post rule of their own (their meetings cover the whole district anyway).
    principal_posts = set(
        CadenceRule.objects.filter(is_active=True, chair_by=ChairBy.POST).values_list("chair_post", flat=True)
    )
    carrying = (
        Official.objects.exclude(body="")
        .filter(led_projects__district=district)
        .exclude(led_projects__stage__in=CLOSED_STAGES)
        .distinct()
        .order_by("pk")
    )
    return [o for o in carrying if not principal_posts.intersection(posts_of(o))]


# ---- scheduling ------------------------------------------------------------------------------


def _next_seq(district: Region, year: int) -> int:
    top = Meeting.objects.filter(district=district, year=year).aggregate(m=Max("seq"))["m"]
    return (top or 0) + 1


def _save_new(meeting: Meeting) -> None:
    """Insert with the next number; a number taken by a concurrent insert is simply the next one."""
    for _attempt in range(5):
        meeting.seq = _next_seq(meeting.district, meeting.year)
        try:
            with transaction.atomic():
                meeting.save()
            return
        except IntegrityError:
            if (
                meeting.rule_id is not None
                and Meeting.objects.filter(
                    rule_id=meeting.rule_id, chair_id=meeting.chair_id, period_start=meeting.period_start
                ).exists()
            ):
                raise
    raise ValidationError({"seq": "无法生成会议编号，请稍后重试"})


def period_text(period: str, start: dt.date) -> str:
    if period == Period.HALF_MONTH:
        return f"{start.year}年{start.month}月{'上' if start.day == 1 else '下'}半月"
    if period == Period.TWO_MONTHS:
        return f"{start.year}年{start.month}—{start.month + 1}月"
    return f"{start.year}年{start.month}月"


def scheduled_title(rule: CadenceRule, chair: Official, start: dt.date) -> str:
    return f"{chair.name}主持{rule.get_kind_display()}（{period_text(rule.period, start)}）"


def _notify_scheduled(meeting: Meeting, attendees: Iterable[Official], by: User | None) -> None:
    officials = [meeting.chair, *attendees]
    users = User.objects.filter(is_active=True, official__in=officials)
    starts_at = timezone.make_aware(dt.datetime.combine(meeting.held_on, meeting.start_time))
    msg = messages.meeting_scheduled(
        title=meeting.title,
        kind=meeting.get_kind_display(),
        starts_at=starts_at,
        place=meeting.place,
        chair=meeting.chair.name,
    )
    notify.notify(
        recipients=users,
        **msg.as_kwargs(),
        link=reverse("meetings:detail", args=[meeting.pk]),
        obj=meeting,
        dedupe_key=messages.dedupe_key(msg.event, meeting, meeting.held_on),
        actor=by,
    )


@transaction.atomic
def meeting_create(
    *,
    by: User | None,
    district: Region,
    kind: str,
    chair: Official,
    held_on: dt.date,
    title: str = "",
    start_time: dt.time = dt.time(9, 0),
    place: str = "",
    rule: CadenceRule | None = None,
    period_start: dt.date | None = None,
    today: dt.date | None = None,
) -> Meeting:
    """A planned meeting with its agenda composed and its invitations sent.

    `by` None is the tick; a person must be 督查室 of the district or the chair themself."""
    today = today or clock.today()
    if by is not None:
        probe = Meeting(district=district, chair=chair)
        if not can_edit(by, probe):
            raise PermissionDeniedError("只有会议主持人或督查室可以安排会议")
    if district.level != RegionLevel.DISTRICT:
        raise ValidationError({"district": "会议须属于一个区"})
    meeting = Meeting(
        district=district,
        year=held_on.year,
        seq=0,
        kind=kind,
        title=title.strip() or f"{chair.name}主持{Kind(kind).label}",
        chair=chair,
        rule=rule,
        period_start=period_start,
        held_on=held_on,
        start_time=start_time,
        place=place.strip(),
    )
    meeting.full_clean(exclude=["seq"], validate_unique=False, validate_constraints=False)
    _save_new(meeting)
    items = compose_agenda(meeting, today)
    _write_agenda(meeting, items)
    attendees = _attendees(meeting, items)
    Attendance.objects.bulk_create(Attendance(meeting=meeting, official=o) for o in attendees)
    audit.record(
        actor=by,
        action="meeting.scheduled",
        obj=meeting,
        after={**_snapshot(meeting), "agenda": [i.text for i in items]},
        parent=meeting,
        note=f"议题 {len(items)} 项，参会 {len(attendees)} 人" + (f"；依据规则“{rule.name}”" if rule else ""),
    )
    if held_on >= today:
        # A meeting entered after the day (补录) has nobody left to invite.
        _notify_scheduled(meeting, attendees, by)
    return meeting


def meetings_tick(today: dt.date | None = None) -> dict[str, int]:
    """Schedule the next meeting of every active rule for every chair, once.

    Idempotent: a meeting is unique per rule, chair and period, and only the next period's is
    made (never a year of them). One transaction per meeting keeps the write lock short."""
    today = today or clock.today()
    created = existing = 0
    rules = list(CadenceRule.objects.filter(is_active=True).order_by("pk"))
    with calendar.preloaded():
        for district in Region.objects.filter(level=RegionLevel.DISTRICT).order_by("pk"):
            for rule in rules:
                start, day = cadence.next_meeting(rule.period, rule.offset_days, today)
                for chair in chairs_for(rule, district):
                    if Meeting.objects.filter(rule=rule, chair=chair, period_start=start).exists():
                        existing += 1
                        continue
                    try:
                        meeting_create(
                            by=None,
                            district=district,
                            kind=rule.kind,
                            chair=chair,
                            held_on=day,
                            title=scheduled_title(rule, chair, start),
                            start_time=rule.start_time,
                            place=rule.place,
                            rule=rule,
                            period_start=start,
                            today=today,
                        )
                    except IntegrityError:
                        # A concurrent tick made it first: the constraint, not this check, is the guard.
                        existing += 1
                        continue
                    created += 1
    return {"meetings_scheduled": created, "meetings_already_scheduled": existing}


# ---- editing before the meeting --------------------------------------------------------------


def _editable(meeting: Meeting, by: User) -> None:
    if not can_edit(by, meeting):
        raise PermissionDeniedError("只有会议主持人或督查室可以修改会议")
    if meeting.status != Status.PLANNED:
        raise ValidationError({"status": f"会议{meeting.get_status_display()}，议程已固定，不能再修改"})


def _agenda_texts(meeting: Meeting) -> list[str]:
    return list(meeting.items.order_by("position", "pk").values_list("text", flat=True))


def _renumber(meeting: Meeting, order: list[AgendaItem]) -> None:
    for n, item in enumerate(order, start=1):
        if item.position != n:
            item.position = n
            item.save(update_fields=["position"])


@transaction.atomic
def agenda_add(*, meeting: Meeting, by: User, text: str, expected_version: int | None = None) -> AgendaItem:
    _editable(meeting, by)
    text = text.strip()
    if not text:
        raise ValidationError({"text": "请填写议题内容"})
    before = _agenda_texts(meeting)
    claim_version(meeting, expected_version, {})
    top = meeting.items.aggregate(m=Max("position"))["m"] or 0
    item = AgendaItem(meeting=meeting, position=top + 1, kind=ItemKind.FREE, text=text)
    item.full_clean()
    item.save()
    audit.record(
        actor=by,
        action="meeting.agenda_changed",
        obj=meeting,
        before={"agenda": before},
        after={"agenda": _agenda_texts(meeting)},
        parent=meeting,
        note=f"增加议题：{text}",
    )
    return item


@transaction.atomic
def agenda_remove(*, meeting: Meeting, by: User, item: AgendaItem, expected_version: int | None = None) -> None:
    _editable(meeting, by)
    if item.meeting_id != meeting.pk:
        raise ValidationError({"item": "议题不属于本次会议"})
    before = _agenda_texts(meeting)
    claim_version(meeting, expected_version, {})
    item.delete()
    _renumber(meeting, list(meeting.items.order_by("position", "pk")))
    audit.record(
        actor=by,
        action="meeting.agenda_changed",
        obj=meeting,
        before={"agenda": before},
        after={"agenda": _agenda_texts(meeting)},
        parent=meeting,
        note=f"删除议题：{item.text}",
    )


@transaction.atomic
def agenda_move(*, meeting: Meeting, by: User, item: AgendaItem, up: bool, expected_version: int | None = None) -> None:
    _editable(meeting, by)
    if item.meeting_id != meeting.pk:
        raise ValidationError({"item": "议题不属于本次会议"})
    order = list(meeting.items.order_by("position", "pk"))
    index = next(n for n, i in enumerate(order) if i.pk == item.pk)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(order):
        return
    before = _agenda_texts(meeting)
    claim_version(meeting, expected_version, {})
    order[index], order[other] = order[other], order[index]
    _renumber(meeting, order)
    audit.record(
        actor=by,
        action="meeting.agenda_changed",
        obj=meeting,
        before={"agenda": before},
        after={"agenda": _agenda_texts(meeting)},
        parent=meeting,
        note=f"{'上移' if up else '下移'}议题：{item.text}",
    )


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, by: User, reason: str, expected_version: int | None = None) -> Meeting:
    _editable(meeting, by)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "取消会议须说明原因"})
    before = _snapshot(meeting)
    claim_version(meeting, expected_version, {})
    Meeting.objects.filter(pk=meeting.pk).update(status=Status.CANCELLED, cancel_reason=reason)
    meeting.refresh_from_db()
    old, new = audit.diff(before, _snapshot(meeting))
    audit.record(actor=by, action="meeting.cancelled", obj=meeting, before=old, after=new, parent=meeting, note=reason)
    return meeting
