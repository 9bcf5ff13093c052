"""All writes of 三级督查: rules, the ladder (by rule in the tick, or by hand), 督办单 and replies,
挂牌督办, 约谈, the green channel, and the tick step with its reminders.

A problem's place on the ladder (Problem.supervision_level / notice_color) only ever moves
here, with an Escalation row and an audit row in the same transaction. Nothing here changes
a problem's status: an overdue problem climbs the ladder, it is never closed by it.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.urls import reverse
from django.utils import timezone

from zhaoluo.core import audit, calendar, clock
from zhaoluo.core.errors import PermissionDeniedError
from zhaoluo.core.locking import check_version, claim_version
from zhaoluo.notify import messages
from zhaoluo.notify import services as notify
from zhaoluo.orgs.choices import Role
from zhaoluo.orgs.models import User
from zhaoluo.problems import permissions as problem_permissions
from zhaoluo.problems.choices import OPEN_STATUSES
from zhaoluo.problems.models import Problem
from zhaoluo.projects.models import Project

from . import permissions
from .choices import COLOR_RANK, Color, EscalationKind, Level
from .models import DeadlineRule, Escalation, EscalationRule, Interview, Listing, Notice

logger = logging.getLogger(__name__)

RULE_FIELDS = ["name", "overdue_workdays", "to_level", "color", "reply_workdays", "enabled", "explanation", "basis"]
LADDER_FIELDS = ["supervision_level", "notice_color"]
LEVEL_NAMES = {1: "责任单位", 2: "区督查室", 3: "区主要领导"}
DEFAULT_REPLY_WORKDAYS = 3


# ---------------------------------------------------------------- rules


@transaction.atomic
def escalation_rule_update(
    *, rule: EscalationRule, by: User, data: dict[str, Any], expected_version: int | None = None
) -> EscalationRule:
    """督查室 edits a rule's threshold, level, colour, reply time, wording or switches it off."""
    if not permissions.can_edit_rules(by):
        raise PermissionDeniedError("只有督查室可以修改升级规则")
    check_version(rule, expected_version)
    before = audit.snapshot(rule, RULE_FIELDS)
    for name in RULE_FIELDS:
        if name in data:
            setattr(rule, name, data[name].strip() if isinstance(data[name], str) else data[name])
    rule.full_clean()
    claim_version(rule, expected_version, data)
    rule.save()
    old, new = audit.diff(before, audit.snapshot(rule, RULE_FIELDS))
    if new:
        audit.record(actor=by, action="supervision.rule_updated", obj=rule, before=old, after=new)
    return rule


DEADLINE_RULE_FIELDS = ["name", "subject", "factor", "enabled", "explanation"]


@transaction.atomic
def deadline_rule_update(
    *, rule: DeadlineRule, by: User, data: dict[str, Any], expected_version: int | None = None
) -> DeadlineRule:
    """督查室 changes a deadline rule's factor, subject, wording or switches it off (the condition is code)."""
    if not permissions.can_edit_rules(by):
        raise PermissionDeniedError("只有督查室可以修改时限规则")
    check_version(rule, expected_version)
    before = audit.snapshot(rule, DEADLINE_RULE_FIELDS)
    for name in DEADLINE_RULE_FIELDS:
        if name in data:
            setattr(rule, name, data[name].strip() if isinstance(data[name], str) else data[name])
    rule.full_clean()
    if not (rule.explanation or "").strip():
        raise ValidationError({"explanation": "请用一句话说明该规则"})
    claim_version(rule, expected_version, data)
    rule.save()
    old, new = audit.diff(before, audit.snapshot(rule, DEADLINE_RULE_FIELDS))
    if new:
        audit.record(actor=by, action="supervision.deadline_rule_updated", obj=rule, before=old, after=new)
    return rule


# ---------------------------------------------------------------- recipients


def _handlers(problem: Problem) -> list[User]:
    people: list[User] = []
    if problem.unit_id is not None:
        people += User.objects.filter(is_active=True, unit_id=problem.unit_id, role__in=[Role.UNIT, Role.TOWNSHIP])
    if problem.owner_id is not None:
        people += User.objects.filter(is_active=True, official_id=problem.owner_id)
    return people


def _district_role(problem: Problem, role: str) -> list[User]:
    return list(User.objects.filter(is_active=True, role=role, region_id=problem.district_id))


def _ladder_audience(problem: Problem, level: int) -> list[User]:
    people = _handlers(problem) + _district_role(problem, Role.SUPERVISION)
    if level >= Level.LEADERS:
        people += _district_role(problem, Role.PRINCIPAL)
    return people


def _link(problem: Problem) -> str:
    return reverse("problems:detail", args=[problem.pk])


# ---------------------------------------------------------------- the ladder


def _rank(level: int, color: str) -> tuple[int, int]:
    return (level, COLOR_RANK.get(color, 0))


def _step(
    problem: Problem,
    *,
    kind: str,
    to_level: int,
    to_color: str,
    on: dt.date,
    reason: str,
    by: User | None = None,
    rule: EscalationRule | None = None,
    overdue: int = 0,
    expected_version: int | None = None,
) -> Escalation:
    """Move the problem to (to_level, to_color) and write the step; the caller holds the transaction."""
    before = audit.snapshot(problem, LADDER_FIELDS)
    rows = Problem.objects.filter(pk=problem.pk)
    if expected_version is not None:
        rows = rows.filter(version=expected_version)
    step = Escalation(
        problem=problem,
        kind=kind,
        from_level=problem.supervision_level,
        to_level=to_level,
        from_color=problem.notice_color,
        to_color=to_color,
        rule=rule,
        by=by,
        reason=reason,
        on=on,
        overdue_workdays=overdue,
    )
    step.full_clean(exclude=["problem", "rule", "by"])
    values: dict[str, Any] = {"supervision_level": to_level, "notice_color": to_color, "updated_at": timezone.now()}
    if by is not None:
        # A person's move is an edit; the tick's is derived from the deadline (like a project's light),
        # so it does not turn the unit's open 办结 form stale.
        values["version"] = F("version") + 1
    if not rows.update(**values):
        check_version(problem, expected_version)
    step.save()
    problem.refresh_from_db()
    old, new = audit.diff(before, audit.snapshot(problem, LADDER_FIELDS))
    why = f"依据规则“{rule.name}”：{reason}" if rule is not None else reason
    action = "supervision.deescalated" if kind == EscalationKind.MANUAL_DOWN else "supervision.escalated"
    audit.record(actor=by, action=action, obj=problem, before=old, after=new, parent=problem, note=why)
    msg = messages.escalated(
        title=problem.title,
        level=to_level,
        level_name=LEVEL_NAMES[to_level],
        reason=reason,
        rule=rule.name if rule is not None else "",
    )
    notify.notify(
        recipients=_ladder_audience(problem, to_level),
        **msg.as_kwargs(),
        link=_link(problem),
        obj=problem,
        dedupe_key=messages.dedupe_key(msg.event, problem, "step", step.pk),
        actor=by,
    )
    return step


def _next_number(district_id: int, year: int) -> int:
    current = Notice.objects.filter(district_id=district_id, year=year).aggregate(m=Max("number"))["m"]
    return (current or 0) + 1


def _facts(problem: Problem, today: dt.date, overdue: int) -> str:
    unit = problem.unit.name if problem.unit is not None else "（未交办）"
    due = f"{problem.due_on:%Y年%m月%d日}" if problem.due_on else "（未定）"
    return (
        f"问题“{problem.description}”（编号 {problem.code}）交由{unit}办理，办结时限为{due}，"
        f"截至{today:%Y年%m月%d日}已逾期{overdue}个工作日，仍未办结。"
    )


def notice_issue(
    *,
    problem: Problem,
    color: str,
    on: dt.date,
    by: User | None,
    reply_workdays: int = DEFAULT_REPLY_WORKDAYS,
    escalation: Escalation | None = None,
) -> Notice:
    """A numbered 督办单 for the problem (inside the caller's transaction: an escalation's)."""
    overdue = max(calendar.workdays_between(problem.due_on, on), 0) if problem.due_on else 0
    reply_due = calendar.add_workdays(on, reply_workdays)
    who = "区主要领导" if color == Color.RED else "区督查室"
    required = f"请于{reply_due:%Y年%m月%d日}前向{who}书面回复：办理进展、逾期原因、整改措施和确定的办结日期。" + (
        "责任单位主要负责人须亲自签字。" if color == Color.RED else ""
    )
    for _attempt in range(5):
        notice = Notice(
            district_id=problem.district_id,
            year=on.year,
            number=_next_number(problem.district_id, on.year),
            problem=problem,
            escalation=escalation,
            color=color,
            unit=problem.unit,
            problem_due_on=problem.due_on,
            overdue_workdays=overdue,
            facts=_facts(problem, on, overdue),
            issued_on=on,
            reply_due_on=reply_due,
            reply_required=required,
        )
        try:
            with transaction.atomic():
                notice.save()
            break
        except IntegrityError:
            continue  # a concurrent notice took the number; take the next
    else:
        raise ValidationError({"number": "无法生成督办单编号，请稍后重试"})
    audit.record(
        actor=by,
        action="supervision.notice_issued",
        obj=notice,
        after={
            "number": notice.number_text,
            "color": notice.get_color_display(),
            "reply_due_on": reply_due.isoformat(),
        },
        parent=problem,
        note=f"签发{notice.get_color_display()}督办单 {notice.number_text}，{reply_due:%Y-%m-%d}前回复",
    )
    msg = messages.notice_issued(
        number=notice.number_text,
        color=notice.get_color_display(),
        title=problem.title,
        deadline=reply_due,
        facts=notice.facts,
        reply=required,
    )
    notify.notify(
        recipients=_ladder_audience(problem, problem.supervision_level),
        **msg.as_kwargs(),
        link=reverse("supervision:notice", args=[notice.pk]),
        obj=notice,
        dedupe_key=messages.dedupe_key(msg.event, notice),
        actor=by,
    )
    return notice


def _manual_checks(problem: Problem, by: User, to_level: int, reason: str) -> str:
    if problem.status not in OPEN_STATUSES:
        raise ValidationError({"to_level": "只有未办结的问题可以调整督办层级"})
    if to_level not in Level.values:
        raise ValidationError({"to_level": "请选择督办层级"})
    if not permissions.can_move_between(by, problem, problem.supervision_level, to_level):
        raise PermissionDeniedError("区主要领导只处理第三级督办；其他层级的调整由督查室进行")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "请填写调整原因"})
    return reason


@transaction.atomic
def problem_escalate(
    *,
    problem: Problem,
    by: User,
    to_level: int,
    color: str,
    reason: str,
    expected_version: int | None = None,
) -> Escalation:
    """Escalate by hand: to a higher level or a stronger colour, with a 督办单 of that colour."""
    reason = _manual_checks(problem, by, to_level, reason)
    if color not in Color.values:
        raise ValidationError({"color": "请选择督办单颜色"})
    if to_level == Level.UNIT:
        raise ValidationError({"to_level": "升级督办须升至第二级或第三级"})
    if _rank(to_level, color) <= _rank(problem.supervision_level, problem.notice_color):
        raise ValidationError({"to_level": "升级后的层级或颜色须高于当前"})
    today = clock.today()
    overdue = max(calendar.workdays_between(problem.due_on, today), 0) if problem.due_on else 0
    step = _step(
        problem,
        kind=EscalationKind.MANUAL_UP,
        to_level=to_level,
        to_color=color,
        on=today,
        reason=reason,
        by=by,
        overdue=overdue,
        expected_version=expected_version,
    )
    notice_issue(problem=problem, color=color, on=today, by=by, escalation=step)
    return step


@transaction.atomic
def problem_deescalate(
    *,
    problem: Problem,
    by: User,
    to_level: int,
    reason: str,
    expected_version: int | None = None,
) -> Escalation:
    """De-escalate by hand (e.g. the unit showed the delay is someone else's). The rules already
    reached at this lateness will not fire again (see supervision_tick)."""
    reason = _manual_checks(problem, by, to_level, reason)
    if to_level >= problem.supervision_level:
        raise ValidationError({"to_level": "降级后的层级须低于当前层级"})
    color = "" if to_level == Level.UNIT else min(problem.notice_color, Color.YELLOW, key=lambda c: COLOR_RANK[c])
    today = clock.today()
    overdue = max(calendar.workdays_between(problem.due_on, today), 0) if problem.due_on else 0
    return _step(
        problem,
        kind=EscalationKind.MANUAL_DOWN,
        to_level=to_level,
        to_color=color,
        on=today,
        reason=reason,
        by=by,
        overdue=overdue,
        expected_version=expected_version,
    )


# ---------------------------------------------------------------- replies, 挂牌督办, 约谈


@transaction.atomic
def notice_reply(*, notice: Notice, by: User, text: str, expected_version: int | None = None) -> Notice:
    """The responsible unit answers a 督办单 (once; a correction is a new reply by the office's leave)."""
    if not problem_permissions.can_handle(by, notice.problem):
        raise PermissionDeniedError("只有责任单位可以回复督办单")
    text = text.strip()
    if not text:
        raise ValidationError({"reply_text": "请填写回复内容"})
    # A second reply from a copy read before the first is told who replied (409), not just "已回复".
    check_version(notice, expected_version)
    if notice.replied_on is not None:
        raise ValidationError({"reply_text": "该督办单已回复"})
    claim_version(notice, expected_version, {"reply_text": text})
    notice.reply_text, notice.replied_on, notice.replied_by = text, clock.today(), by
    notice.save(update_fields=["reply_text", "replied_on", "replied_by", "updated_at"])
    late = notice.replied_on > notice.reply_due_on
    audit.record(
        actor=by,
        action="supervision.notice_replied",
        obj=notice,
        after={"replied_on": notice.replied_on.isoformat()},
        parent=notice.problem,
        note=f"回复督办单 {notice.number_text}" + ("（超过回复时限）" if late else ""),
    )
    return notice


@transaction.atomic
def listing_open(*, problem: Problem, by: User, leader_name: str, since: dt.date, reason: str) -> Listing:
    """挂牌督办 by a principal leader (recorded by them or by 督查室)."""
    if not permissions.can_record(by, problem):
        raise PermissionDeniedError("只有区主要领导或督查室可以挂牌督办")
    if since > clock.today():
        raise ValidationError({"since": "挂牌日期不能晚于今天"})
    if problem.listings.filter(lifted_on__isnull=True).exists():
        raise ValidationError({"since": "该问题已在挂牌督办中"})
    listing = Listing(problem=problem, leader_name=leader_name.strip(), since=since, reason=reason.strip(), by=by)
    listing.full_clean(exclude=["problem", "by"])
    listing.save()
    audit.record(
        actor=by,
        action="supervision.listed",
        obj=listing,
        after={"leader_name": listing.leader_name, "since": since.isoformat()},
        parent=problem,
        note=f"{listing.leader_name}挂牌督办：{listing.reason}",
    )
    return listing


@transaction.atomic
def listing_lift(*, listing: Listing, by: User, on: dt.date, reason: str) -> Listing:
    if not permissions.can_record(by, listing.problem):
        raise PermissionDeniedError("只有区主要领导或督查室可以摘牌")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"lift_reason": "请填写摘牌原因"})
    if listing.lifted_on is not None:
        raise ValidationError({"lift_reason": "该挂牌已摘牌"})
    if on < listing.since or on > clock.today():
        raise ValidationError({"lifted_on": "摘牌日期须在挂牌日期之后、不晚于今天"})
    claim_version(listing, None, {})
    listing.lifted_on, listing.lift_reason = on, reason
    listing.save(update_fields=["lifted_on", "lift_reason", "updated_at"])
    audit.record(
        actor=by,
        action="supervision.unlisted",
        obj=listing,
        after={"lifted_on": on.isoformat()},
        parent=listing.problem,
        note=f"摘牌：{reason}",
    )
    return listing


@transaction.atomic
def interview_record(
    *, problem: Problem, by: User, on: dt.date, interviewee: str, interviewer: str, outcome: str
) -> Interview:
    """约谈 of the responsible unit's head, with its outcome."""
    if not permissions.can_record(by, problem):
        raise PermissionDeniedError("只有区主要领导或督查室可以登记约谈")
    if on > clock.today():
        raise ValidationError({"on": "约谈日期不能晚于今天"})
    interview = Interview(
        problem=problem,
        on=on,
        interviewee=interviewee.strip(),
        interviewer=interviewer.strip(),
        outcome=outcome.strip(),
        by=by,
    )
    interview.full_clean(exclude=["problem", "by"])
    interview.save()
    audit.record(
        actor=by,
        action="supervision.interviewed",
        obj=interview,
        after={"on": on.isoformat(), "interviewee": interview.interviewee, "interviewer": interview.interviewer},
        parent=problem,
        note=f"{interview.interviewer}约谈{interview.interviewee}：{interview.outcome}",
    )
    return interview


# ---------------------------------------------------------------- green channel


@transaction.atomic
def project_green_channel_set(
    *, project: Project, by: User, on: bool, reason: str, expected_version: int | None = None
) -> Project:
    """绿色通道 on or off, by a district leader. Deadlines given from now on are shortened by
    the deadline rules; deadlines already given stay as they were promised."""
    if not permissions.can_set_green_channel(by, project):
        raise PermissionDeniedError("只有区领导（包保领导或区主要领导）可以设置绿色通道")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "请填写理由"})
    check_version(project, expected_version)
    if project.green_channel == on:
        raise ValidationError({"on": "该项目已" + ("在" if on else "不在") + "绿色通道中"})
    claim_version(project, expected_version, {"green_channel": on})
    Project.objects.filter(pk=project.pk).update(green_channel=on, updated_at=timezone.now())
    project.green_channel = on
    audit.record(
        actor=by,
        action="project.green_channel_set",
        obj=project,
        before={"green_channel": not on},
        after={"green_channel": on},
        parent=project,
        note=reason,
    )
    return project


# ---------------------------------------------------------------- the tick step


def _history(problem_ids: list[int]) -> dict[int, list[Escalation]]:
    out: dict[int, list[Escalation]] = defaultdict(list)
    for start in range(0, len(problem_ids), 500):
        chunk = problem_ids[start : start + 500]
        for step in Escalation.objects.filter(problem_id__in=chunk).order_by("on", "id"):
            out[step.problem_id].append(step)
    return out


def _spent(problem: Problem, steps: Iterable[Escalation], rules: list[EscalationRule]) -> set[int]:
    """Rules that may not fire (again): those that fired, and those already reached when someone
    last de-escalated by hand — that person judged the problem at that lateness."""
    spent = {s.rule_id for s in steps if s.rule_id is not None}
    downs = [s for s in steps if s.kind == EscalationKind.MANUAL_DOWN]
    if downs:
        reached = downs[-1].overdue_workdays
        spent |= {r.pk for r in rules if r.overdue_workdays <= reached}
    return spent


def _climb(problem: Problem, rules: list[EscalationRule], spent: set[int], today: dt.date, late: int) -> list[Any]:
    steps: list[tuple[Escalation, EscalationRule]] = []
    for rule in rules:
        if rule.pk in spent or late < rule.overdue_workdays:
            continue
        if _rank(rule.to_level, rule.color) <= _rank(problem.supervision_level, problem.notice_color):
            continue
        reason = f"逾期 {late} 个工作日（规则：逾期满 {rule.overdue_workdays} 个工作日）"
        step = _step(
            problem,
            kind=EscalationKind.RULE,
            to_level=rule.to_level,
            to_color=rule.color,
            on=today,
            reason=reason,
            rule=rule,
            overdue=late,
        )
        steps.append((step, rule))
    if steps:
        # One 督办单 per tick, in the colour reached: three notices on one morning say nothing more.
        step, rule = steps[-1]
        notice_issue(
            problem=problem, color=rule.color, on=today, by=None, reply_workdays=rule.reply_workdays, escalation=step
        )
    return steps


def _remind(problem: Problem, today: dt.date, horizon: dt.date, late: int) -> str:
    assert problem.due_on is not None
    unit = problem.unit.name if problem.unit is not None else ""
    if today < problem.due_on <= horizon:
        msg = messages.due_soon(title=problem.title, deadline=problem.due_on, unit=unit)
    elif late >= 1:
        msg = messages.overdue(title=problem.title, deadline=problem.due_on, workdays_late=late, unit=unit)
    else:
        return ""
    sent = notify.notify(
        recipients=_handlers(problem),
        **msg.as_kwargs(),
        link=_link(problem),
        obj=problem,
        dedupe_key=messages.dedupe_key(msg.event, problem, problem.due_on),
        actor=None,
    )
    return msg.event if sent else ""


def supervision_tick(today: dt.date | None = None) -> dict[str, int]:
    """Escalate overdue open problems by the rules, issue their 督办单, and send 临期/逾期 reminders.

    Reads only open problems due by the next working day (the status+due_on index), so its
    cost follows the open, late work, not the table. Each problem is its own transaction:
    an interrupted run leaves every problem either done or untouched, and the next run
    finishes the rest. Running it twice changes nothing the second time: a rule fires once
    per problem (a unique constraint, also against a concurrent run), reminders go once
    per deadline (dedupe keys).
    """
    today = today or clock.today()
    counts: Counter[str] = Counter()
    rules = list(EscalationRule.objects.filter(enabled=True).order_by("overdue_workdays", "id"))
    with calendar.preloaded():
        horizon = calendar.add_workdays(today, 1)
        problems = list(
            Problem.objects.filter(
                status__in=OPEN_STATUSES, due_on__isnull=False, due_on__lte=horizon, resolved_on__isnull=True
            )
            .select_related("unit")
            .order_by("due_on", "id")
        )
        history = _history([p.pk for p in problems])
        for problem in problems:
            assert problem.due_on is not None
            late = max(calendar.workdays_between(problem.due_on, today), 0) if problem.due_on < today else 0
            try:
                with transaction.atomic():
                    if late:
                        spent = _spent(problem, history.get(problem.pk, []), rules)
                        steps = _climb(problem, rules, spent, today, late)
                        counts["supervision_escalated"] += len(steps)
                        counts["supervision_notices"] += 1 if steps else 0
                    event = _remind(problem, today, horizon, late)
                    if event:
                        counts[f"supervision_{event}"] += 1
            except IntegrityError:
                # A concurrent tick fired the same rule first; this problem is already done.
                logger.info("supervision tick: problem %s escalated by a concurrent run", problem.pk)
    return {
        key: counts.get(key, 0)
        for key in (
            "supervision_escalated",
            "supervision_notices",
            "supervision_due_soon",
            "supervision_overdue",
        )
    }


# ---------------------------------------------------------------- export


QUEUE_COLUMNS = [
    "问题编号",
    "问题描述",
    "项目",
    "绿色通道",
    "督办层级",
    "督办颜色",
    "责任单位",
    "办结时限",
    "逾期工作日",
]


@transaction.atomic
def queue_export(*, by: User, district: Any, problems: list[Problem], out: Any) -> int:
    """The 督查室 queue as .xlsx (the rows the user sees), with the export audited like a ledger's."""
    from openpyxl import Workbook

    today = clock.today()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("督办队列")
    sheet.append(QUEUE_COLUMNS)
    colors = dict(Color.choices)
    with calendar.preloaded():
        for p in problems:
            late = max(calendar.workdays_between(p.due_on, today), 0) if p.due_on and p.due_on < today else 0
            sheet.append(
                [
                    p.code,
                    p.description,
                    p.project.name if p.project else "",
                    "是" if p.project and p.project.green_channel else "",
                    f"第{p.supervision_level}级",
                    str(colors.get(p.notice_color, "")),
                    p.unit.name if p.unit else "",
                    p.due_on,
                    late,
                ]
            )
    workbook.save(out)
    audit.record(actor=by, action="supervision_queue.exported", obj=district, after={"rows": len(problems)})
    return len(problems)
