"""All writes to problems: raise, 交办, 办理, 办结, 退回重办, 销号 and the rating.

Every status change is one conditional UPDATE (… WHERE status IN (…) [AND version = …]),
so two people pressing 办结 on the same problem at once cannot both win: the second
finds the row already moved and is told so, with nothing written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from zhaoluo.core import audit, calendar, clock
from zhaoluo.core.errors import PermissionDeniedError
from zhaoluo.core.locking import check_version
from zhaoluo.enterprises.models import Enterprise
from zhaoluo.notify import messages
from zhaoluo.notify import services as notify
from zhaoluo.orgs.choices import Role
from zhaoluo.orgs.models import Official, Region, Unit, User
from zhaoluo.orgs.scope import ScopeKind, scope_for
from zhaoluo.projects.models import Project
from zhaoluo.projects.services.common import unit_in_district

from .choices import Category, Origin, Satisfaction, Status
from .models import Problem
from .permissions import can_assign, can_confirm, can_handle, can_raise

AUDITED = [
    "code",
    "description",
    "category",
    "origin",
    "project",
    "enterprise",
    "origin_note",
    "unit",
    "owner",
    "raised_on",
    "due_on",
    "resolved_on",
    "closed_on",
    "status",
    "handling_note",
    "return_reason",
    "satisfaction",
]


# Apps that follow problems (zhaoluo/service: an enterprise's paired cadres) register here a function
# naming the users told of every hand-off; problems imports none of them (layers point down).
FOLLOWERS: list[Callable[[Problem], Iterable[User]]] = []


def _tell_handoff(problem: Problem, *, by: User, what: str, raiser_too: bool = False) -> None:
    """交办, 办结, 退回, 销号 and the rating are told to the problem's followers; 办结 to its raiser too."""
    people = {u.pk: u for follow in FOLLOWERS for u in follow(problem)}
    if raiser_too and problem.raiser_id is not None and problem.raiser is not None:
        people[problem.raiser_id] = problem.raiser
    people.pop(by.pk, None)
    if not people:
        return
    notify.notify(
        recipients=people.values(),
        event="other",
        subject=f"问题{what}：{problem.title}",
        body=f"状态：{problem.get_status_display()}；操作人：{by.display_name}",
        link=reverse("problems:detail", args=[problem.pk]),
        obj=problem,
        actor=by,
    )


def due_after_workdays(*, start: dt.date, workdays: int) -> dt.date:
    """The deadline `workdays` Chinese working days after `start` (调休 make-up days count)."""
    if workdays < 1:
        raise ValidationError({"workdays": "办理时限至少为 1 个工作日"})
    return calendar.add_workdays(start, workdays)


def workdays_overdue(problem: Problem, today: dt.date | None = None) -> int:
    """Working days past the deadline of an unresolved problem; 0 when not overdue."""
    today = today or clock.today()
    if not problem.is_overdue(today):
        return 0
    assert problem.due_on is not None
    return max(calendar.workdays_between(problem.due_on, today), 0)


def next_code(year: int) -> str:
    """The next free 问题编号 of the year: WT2026-0001, WT2026-0002, …"""
    prefix = f"WT{year}-"
    numbers = [
        int(code[len(prefix) :])
        for code in Problem.objects.filter(code__startswith=prefix).values_list("code", flat=True)
        if code[len(prefix) :].isdigit()
    ]
    return f"{prefix}{max(numbers, default=0) + 1:04d}"


def _save_new(problem: Problem, *, code_given: bool) -> None:
    """Insert; a generated code taken by a concurrent raise is simply the next one."""
    for _attempt in range(5):
        if not code_given:
            problem.code = next_code(problem.raised_on.year)
        try:
            with transaction.atomic():
                problem.save()
            return
        except IntegrityError:
            if code_given:
                raise ValidationError({"code": f"问题编号“{problem.code}”已存在"}) from None
    raise ValidationError({"code": "无法生成问题编号，请稍后重试"})


def _check_links(problem: Problem) -> None:
    errors: dict[str, str] = {}
    if problem.project is not None and problem.project.district_id != problem.district_id:
        errors["project"] = "项目不属于本区"
    if problem.enterprise is not None and problem.enterprise.district_id != problem.district_id:
        errors["enterprise"] = "企业不属于本区"
    if problem.origin == Origin.PROJECT and problem.project is None:
        errors["project"] = "来源为项目的问题须选择项目"
    if problem.origin == Origin.ENTERPRISE and problem.enterprise is None:
        errors["enterprise"] = "来源为企业的问题须选择企业"
    if problem.unit is not None and not unit_in_district(problem.unit, problem.district_id):
        errors["unit"] = "责任单位不是本区单位"
    if errors:
        raise ValidationError(errors)


def _notify_assigned(problem: Problem, *, by: User, note: str) -> None:
    assert problem.unit is not None and problem.due_on is not None
    handlers = User.objects.filter(is_active=True, unit=problem.unit, role__in=[Role.UNIT, Role.TOWNSHIP])
    co = User.objects.filter(is_active=True, unit__in=problem.co_units.all(), role__in=[Role.UNIT, Role.TOWNSHIP])
    owners = User.objects.filter(is_active=True, official=problem.owner) if problem.owner_id else User.objects.none()
    msg = messages.assigned(
        title=problem.title, unit=problem.unit.name, deadline=problem.due_on, by=by.display_name, note=note
    )
    notify.notify(
        recipients=[*handlers, *co, *owners],
        **msg.as_kwargs(),
        link=reverse("problems:detail", args=[problem.pk]),
        obj=problem,
        dedupe_key=messages.dedupe_key(msg.event, problem, problem.unit_id, problem.due_on),
        actor=by,
    )


@transaction.atomic
def problem_raise(
    *,
    by: User,
    description: str,
    category: str = Category.OTHER,
    origin: str = Origin.OTHER,
    project: Project | None = None,
    enterprise: Enterprise | None = None,
    origin_note: str = "",
    raised_on: dt.date | None = None,
    code: str = "",
    district: Region | None = None,
) -> Problem:
    """A new problem, 待交办. An enterprise contact raises only for their own enterprise."""
    if not can_raise(by):
        raise PermissionDeniedError("您的角色不能提出问题")
    scope = scope_for(by)
    if by.role == Role.ENTERPRISE:
        origin, enterprise, project = Origin.ENTERPRISE, by.enterprise, None
    if district is None:
        district = Region.objects.get(pk=scope.district_id or 0)
    elif scope.kind is not ScopeKind.DISTRICT or district.pk != scope.district_id:
        raise PermissionDeniedError("只能为本区提出问题")
    today = clock.today()
    raised_on = raised_on or today
    if raised_on > today:
        raise ValidationError({"raised_on": "提出日期不能晚于今天"})
    code = code.strip()
    problem = Problem(
        district=district,
        code=code or "WT-PENDING",
        description=description.strip(),
        category=category or Category.OTHER,
        origin=origin,
        project=project,
        enterprise=enterprise,
        origin_note=origin_note.strip(),
        raised_on=raised_on,
        raiser=by,
    )
    problem.full_clean(exclude=["code"] if not code else None, validate_unique=False)
    _check_links(problem)
    _save_new(problem, code_given=bool(code))
    audit.record(
        actor=by,
        action="problem.raised",
        obj=problem,
        after=audit.snapshot(problem, AUDITED),
        parent=problem,
    )
    return problem


def _move(
    problem: Problem,
    *,
    by: User,
    source: Iterable[str],
    to: str | None,
    action: str,
    verb: str,
    changes: dict[str, Any],
    expected_version: int | None,
    note: str = "",
) -> Problem:
    """One status change as a conditional UPDATE; the loser of a race gets 409 or a clear refusal."""
    source = tuple(source)
    check_version(problem, expected_version)
    if problem.status not in source:
        raise ValidationError({"status": f"问题当前为“{problem.get_status_display()}”，不能{verb}"})
    before = audit.snapshot(problem, AUDITED)
    rows = Problem.objects.filter(pk=problem.pk, status__in=source)
    if expected_version is not None:
        rows = rows.filter(version=expected_version)
    values = {**changes, "version": F("version") + 1, "updated_at": timezone.now()}
    if to is not None:
        values["status"] = to
    if not rows.update(**values):
        # Someone moved it between our read and our write.
        check_version(problem, expected_version)
        current = Problem.objects.get(pk=problem.pk)
        raise ValidationError(
            {"status": f"问题已被他人处理，当前为“{current.get_status_display()}”，不能{verb}，请刷新后查看"}
        )
    problem.refresh_from_db()
    old, new = audit.diff(before, audit.snapshot(problem, AUDITED))
    audit.record(actor=by, action=action, obj=problem, before=old, after=new, parent=problem, note=note)
    return problem


@transaction.atomic
def problem_assign(
    *,
    problem: Problem,
    by: User,
    unit: Unit,
    owner: Official | None = None,
    co_units: Iterable[Unit] = (),
    due_on: dt.date | None = None,
    workdays: int | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> Problem:
    """交办: hand the problem to a unit with a deadline (a date, or N working days from today)."""
    if not can_assign(by, problem):
        raise PermissionDeniedError("您的角色不能交办该问题")
    today = clock.today()
    if due_on is None:
        if workdays is None:
            raise ValidationError({"due_on": "请填写办结时限或办理工作日数"})
        from zhaoluo.supervision.deadlines import adjusted_workdays

        # A green-channel or red-light project's problem gets the time the deadline rules allow.
        adjusted = adjusted_workdays(workdays=workdays, project=problem.project, subject="problem")
        if adjusted.rule is not None:
            note = "；".join(
                p for p in (note.strip(), f"{adjusted.rule}：{workdays} → {adjusted.workdays} 个工作日") if p
            )
        due_on = due_after_workdays(start=today, workdays=adjusted.workdays)
    if due_on < today or due_on < problem.raised_on:
        raise ValidationError({"due_on": "办结时限不能早于今天或提出日期"})
    if not unit_in_district(unit, problem.district_id):
        raise ValidationError({"unit": "责任单位不是本区单位"})
    co = [u for u in co_units if u.pk != unit.pk]
    for other in co:
        if not unit_in_district(other, problem.district_id):
            raise ValidationError({"co_units": f"协办单位“{other}”不是本区单位"})
    before_co = sorted(u.name for u in problem.co_units.all())
    _move(
        problem,
        by=by,
        source=(Status.PENDING, Status.ASSIGNED),
        to=Status.ASSIGNED,
        action="problem.assigned",
        verb="交办",
        changes={"unit": unit, "owner": owner, "due_on": due_on},
        expected_version=expected_version,
        note=note.strip(),
    )
    problem.co_units.set(co)
    after_co = sorted(u.name for u in co)
    if after_co != before_co:
        audit.record(
            actor=by,
            action="problem.co_units_set",
            obj=problem,
            before={"co_units": before_co},
            after={"co_units": after_co},
            parent=problem,
        )
    _notify_assigned(problem, by=by, note=note.strip())
    _tell_handoff(problem, by=by, what="已交办")
    return problem


@transaction.atomic
def problem_start(*, problem: Problem, by: User, note: str = "", expected_version: int | None = None) -> Problem:
    if not can_handle(by, problem):
        raise PermissionDeniedError("只有责任单位或责任人可以办理该问题")
    return _move(
        problem,
        by=by,
        source=(Status.ASSIGNED,),
        to=Status.HANDLING,
        action="problem.started",
        verb="开始办理",
        changes={},
        expected_version=expected_version,
        note=note.strip(),
    )


def _lateness(problem: Problem, on: dt.date) -> str:
    if problem.due_on is None or on <= problem.due_on:
        return ""
    late = calendar.workdays_between(problem.due_on, on)
    return f"逾期办结：办结时限 {problem.due_on:%Y-%m-%d}，超期 {late} 个工作日"


@transaction.atomic
def problem_resolve(
    *,
    problem: Problem,
    by: User,
    handling_note: str,
    resolved_on: dt.date | None = None,
    expected_version: int | None = None,
) -> Problem:
    """办结: the unit reports what it did. A late one is recorded as late, never quietly."""
    if not can_handle(by, problem):
        raise PermissionDeniedError("只有责任单位或责任人可以办结该问题")
    handling_note = handling_note.strip()
    if not handling_note:
        raise ValidationError({"handling_note": "办结须填写办理情况"})
    today = clock.today()
    resolved_on = resolved_on or today
    if resolved_on > today:
        raise ValidationError({"resolved_on": "办结日期不能晚于今天"})
    if resolved_on < problem.raised_on:
        raise ValidationError({"resolved_on": "办结日期不能早于提出日期"})
    problem = _move(
        problem,
        by=by,
        source=(Status.HANDLING,),
        to=Status.RESOLVED,
        action="problem.resolved",
        verb="办结",
        changes={"handling_note": handling_note, "resolved_on": resolved_on},
        expected_version=expected_version,
        note=_lateness(problem, resolved_on),
    )
    # Whoever raised it confirms it: they hear it is done (before, the raiser heard nothing).
    _tell_handoff(problem, by=by, what="已办结，请确认", raiser_too=True)
    return problem


@transaction.atomic
def problem_return(*, problem: Problem, by: User, reason: str, expected_version: int | None = None) -> Problem:
    """退回重办: the raiser does not accept the result; back to 办理中 with the reason."""
    if not can_confirm(by, problem):
        raise PermissionDeniedError("只有提出人（或企业、督查室）可以退回该问题")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "退回重办须填写原因"})
    return _move(
        problem,
        by=by,
        source=(Status.RESOLVED,),
        to=Status.HANDLING,
        action="problem.returned",
        verb="退回重办",
        changes={"return_reason": reason, "resolved_on": None},
        expected_version=expected_version,
        note=reason,
    )


@transaction.atomic
def problem_close(*, problem: Problem, by: User, note: str = "", expected_version: int | None = None) -> Problem:
    """销号: whoever raised it confirms the result. Needs the handling note; a late
    resolution is written into the closing record, so lateness never disappears."""
    if not can_confirm(by, problem):
        raise PermissionDeniedError("只有提出人（企业问题为企业联系人）或督查室可以销号")
    if problem.status == Status.RESOLVED and not problem.handling_note.strip():
        raise ValidationError({"status": "该问题没有办理情况，不能销号"})
    late = _lateness(problem, problem.resolved_on) if problem.resolved_on else ""
    problem = _move(
        problem,
        by=by,
        source=(Status.RESOLVED,),
        to=Status.CLOSED,
        action="problem.closed",
        verb="销号",
        changes={"closed_on": clock.today()},
        expected_version=expected_version,
        note="；".join(part for part in (note.strip(), late) if part),
    )
    _tell_handoff(problem, by=by, what="已销号")
    return problem


@transaction.atomic
def problem_rate(
    *,
    problem: Problem,
    by: User,
    satisfaction: str,
    note: str = "",
    expected_version: int | None = None,
) -> Problem:
    """The raiser's rating; 不满意 reopens the problem (办理中) with the note as the reason."""
    if not can_confirm(by, problem):
        raise PermissionDeniedError("只有提出人（或企业、督查室）可以评价该问题")
    if satisfaction not in Satisfaction.values:
        raise ValidationError({"satisfaction": "请选择满意度"})
    note = note.strip()
    source = (Status.RESOLVED, Status.CLOSED)
    if satisfaction == Satisfaction.UNSATISFIED:
        if not note:
            raise ValidationError({"note": "不满意须说明原因"})
        reopened = _move(
            problem,
            by=by,
            source=source,
            to=Status.HANDLING,
            action="problem.reopened",
            verb="评价",
            changes={
                "satisfaction": satisfaction,
                "return_reason": note,
                "resolved_on": None,
                "closed_on": None,
            },
            expected_version=expected_version,
            note=note,
        )
        _tell_handoff(reopened, by=by, what="被评为不满意，重新办理")
        return reopened
    problem = _move(
        problem,
        by=by,
        source=source,
        to=None,
        action="problem.rated",
        verb="评价",
        changes={"satisfaction": satisfaction},
        expected_version=expected_version,
        note=note,
    )
    _tell_handoff(problem, by=by, what=f"已评价（{problem.get_satisfaction_display()}）")
    return problem
