"""All writes to meetings: scheduling (by hand or by the tick), the agenda, minutes and decisions.

A decision is handed out as a problem (problem_raise + problem_assign, origin 会议) in the same
transaction that records it, so a decision never exists without its 交办.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

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
from zhaoluo.orgs.choices import RegionLevel, Role
from zhaoluo.orgs.models import Official, Region, Unit, User
from zhaoluo.problems import permissions as problem_permissions
from zhaoluo.problems import services as problem_services
from zhaoluo.problems.choices import OPEN_STATUSES, Category, Origin
from zhaoluo.problems.models import Problem
from zhaoluo.projects.choices import Light, Stage
from zhaoluo.projects.models import Project, TaskForceMember
from zhaoluo.projects.services.common import unit_in_district
from zhaoluo.supervision.deadlines import adjusted_workdays

from . import cadence
from .choices import ChairBy, ItemKind, Kind, Period, Status
from .models import AgendaItem, Attendance, CadenceRule, Decision, Meeting
from .permissions import can_edit

AUDITED = ["kind", "title", "chair", "held_on", "place", "status", "minutes", "cancel_reason"]


def _snapshot(meeting: Meeting) -> audit.Snapshot:
    # The audit log's JSON knows dates but not times of day.
    return {**audit.snapshot(meeting, AUDITED), "start_time": f"{meeting.start_time:%H:%M}"}


CLOSED_STAGES = (Stage.TERMINATED,)


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


# ---- agenda ----------------------------------------------------------------------------------


def _whole_district(meeting: Meeting) -> bool:
    return meeting.rule is not None and meeting.rule.chair_by == ChairBy.POST


def portfolio(meeting: Meeting) -> QuerySet[Project]:
    qs = Project.objects.filter(district_id=meeting.district_id).exclude(stage__in=CLOSED_STAGES)
    return qs if _whole_district(meeting) else qs.filter(leader_id=meeting.chair_id)


def _escalated_problems(*, projects: QuerySet[Project], today: dt.date) -> list[Problem]:
    """Open problems of the portfolio the supervision ladder has taken to level 2 or 3."""
    escalated = Problem.objects.filter(project__in=projects, status__in=OPEN_STATUSES, supervision_level__gte=2)
    return list(escalated.select_related("project", "unit").order_by("-supervision_level", "due_on", "pk"))


def previous_meeting(meeting: Meeting) -> Meeting | None:
    return (
        Meeting.objects.filter(
            district_id=meeting.district_id,
            chair_id=meeting.chair_id,
            kind=meeting.kind,
            status=Status.HELD,
            held_on__lt=meeting.held_on,
        )
        .order_by("-held_on", "-pk")
        .first()
    )


def light_reasons_text(project: Project) -> str:
    return "；".join(str(r.get("message", "")) for r in project.light_reasons if isinstance(r, dict))


@dataclass(frozen=True)
class Item:
    kind: str
    text: str
    project: Project | None = None
    problem: Problem | None = None
    decision: Decision | None = None


def compose_agenda(meeting: Meeting, today: dt.date) -> list[Item]:
    """The agenda from the chair's portfolio: red then yellow projects, each with its overdue
    problems; the portfolio's escalated problems not listed yet; the last meeting's decisions."""
    projects = portfolio(meeting)
    items: list[Item] = []
    listed: set[int] = set()
    lit = projects.filter(light__in=[Light.RED, Light.YELLOW]).select_related("lead_unit", "leader")
    ordered = sorted(lit, key=lambda p: (p.light != Light.RED, p.name))
    overdue: dict[int, list[Problem]] = {}
    late = Problem.objects.filter(project__in=[p.pk for p in ordered], status__in=OPEN_STATUSES, due_on__lt=today)
    for problem in late.select_related("unit").order_by("due_on", "pk"):
        overdue.setdefault(problem.project_id or 0, []).append(problem)
    for project in ordered:
        reasons = light_reasons_text(project)
        text = f"【{Light(project.light).label}】{project.name}" + (f"：{reasons}" if reasons else "")
        items.append(Item(ItemKind.PROJECT, text, project))
        for problem in overdue.get(project.pk, []):
            listed.add(problem.pk)
            items.append(Item(ItemKind.PROBLEM, _problem_text(problem, today), project, problem))
    for problem in _escalated_problems(projects=projects, today=today):
        if problem.pk not in listed:
            items.append(Item(ItemKind.ESCALATED, _problem_text(problem, today), problem.project, problem))
    last = previous_meeting(meeting)
    if last is not None:
        for decision in last.decisions.select_related("unit").order_by("pk"):
            text = f"{last.number}议定：{decision}（{decision.unit}，时限 {decision.due_on:%Y-%m-%d}）"
            items.append(Item(ItemKind.REVIEW, text[:300], decision.project, decision.problem, decision))
    return items


def _problem_text(problem: Problem, today: dt.date) -> str:
    late = problem_services.workdays_overdue(problem, today)
    unit = problem.unit.name if problem.unit else "未交办"
    return f"{problem.code} {problem.description[:80]}（{unit}，逾期 {late} 个工作日）"[:300]


def _attendees(meeting: Meeting, items: Sequence[Item]) -> list[Official]:
    """Who is invited: the agenda projects' 包保领导 and 专班 leads, the owners of its problems
    and decisions, and 督查室 (which takes the minutes)."""
    project_ids = {i.project.pk for i in items if i.project is not None}
    ids: set[int] = set()
    ids |= set(Project.objects.filter(pk__in=project_ids, leader__isnull=False).values_list("leader_id", flat=True))
    ids |= set(
        TaskForceMember.objects.filter(project_id__in=project_ids, is_lead=True).values_list("official_id", flat=True)
    )
    ids |= {i.problem.owner_id for i in items if i.problem is not None and i.problem.owner_id}
    ids |= {i.decision.owner_id for i in items if i.decision is not None and i.decision.owner_id}
    ids |= set(
        User.objects.filter(
            is_active=True, role=Role.SUPERVISION, official__isnull=False, region_id=meeting.district_id
        ).values_list("official_id", flat=True)
    )
    ids.discard(meeting.chair_id)
    return list(Official.objects.filter(pk__in=ids).order_by("pk"))


def _write_agenda(meeting: Meeting, items: Sequence[Item]) -> None:
    AgendaItem.objects.bulk_create(
        AgendaItem(
            meeting=meeting,
            position=n,
            kind=i.kind,
            text=i.text[:300],
            project=i.project,
            problem=i.problem,
            decision=i.decision,
        )
        for n, i in enumerate(items, start=1)
    )


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


@transaction.atomic
def decision_record(
    *,
    meeting: Meeting,
    by: User,
    text: str,
    unit: Unit,
    owner: Official | None = None,
    project: Project | None = None,
    due_on: dt.date | None = None,
    workdays: int | None = None,
    category: str = "",
) -> Decision:
    """议定事项 → 交办: the decision becomes a problem (origin 会议) assigned to `unit` with its
    deadline, counted in working days from the meeting day (green channel rule applied)."""
    if not can_edit(by, meeting):
        raise PermissionDeniedError("只有会议主持人或督查室可以记录议定事项")
    if meeting.status != Status.HELD:
        raise ValidationError({"status": "请先记录会议纪要（会议召开后）再录入议定事项"})
    text = text.strip()
    if not text:
        raise ValidationError({"text": "请填写议定事项"})
    if project is not None and project.district_id != meeting.district_id:
        raise ValidationError({"project": "项目不属于本区"})
    if not unit_in_district(unit, meeting.district_id):
        raise ValidationError({"unit": "责任单位不是本区单位"})
    if due_on is None:
        if workdays is None:
            raise ValidationError({"due_on": "请填写办结时限或办理工作日数"})
        allowed = adjusted_workdays(workdays=workdays, project=project, subject="problem")
        due_on = problem_services.due_after_workdays(start=meeting.held_on, workdays=allowed.workdays)
    if due_on < meeting.held_on:
        raise ValidationError({"due_on": "办结时限不能早于会议日期"})
    if not problem_permissions.can_assign(by, Problem(district=meeting.district, project=project)):
        # problem_assign would refuse after the raise; say what to do instead.
        raise ValidationError({"project": "您只能为自己包保的项目交办议定事项；其他事项请由督查室录入"})
    origin_note = f"来自会议 {meeting.number} {meeting.title}"[:200]
    problem = problem_services.problem_raise(
        by=by,
        description=text,
        origin=Origin.MEETING,
        category=category or Category.OTHER,
        project=project,
        origin_note=origin_note,
        raised_on=meeting.held_on,
    )
    problem_services.problem_assign(
        problem=problem, by=by, unit=unit, owner=owner, due_on=due_on, note=f"{meeting.number}议定事项"
    )
    decision = Decision(
        meeting=meeting, text=text, project=project, unit=unit, owner=owner, due_on=due_on, problem=problem
    )
    decision.full_clean()
    decision.save()
    audit.record(
        actor=by,
        action="meeting.decision_recorded",
        obj=decision,
        after={**audit.snapshot(decision), "problem": problem.code},
        parent=meeting,
    )
    return decision


def decision_kwargs(data: dict[str, Any]) -> dict[str, Any]:
    """The decision form's cleaned data as decision_record's arguments."""
    keys = ("text", "unit", "owner", "project", "due_on", "workdays", "category")
    return {k: data[k] for k in keys if data.get(k) not in (None, "")}
