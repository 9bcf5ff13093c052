"""督办单: the numbered notice of a step on the ladder, and the responsible unit's reply."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse

from zhaoluo.core import audit, calendar, clock
from zhaoluo.core.errors import PermissionDeniedError
from zhaoluo.core.locking import check_version, claim_version
from zhaoluo.notify import messages
from zhaoluo.notify import services as notify
from zhaoluo.orgs.models import User
from zhaoluo.problems import permissions as problem_permissions
from zhaoluo.problems.models import Problem

from ..choices import Color
from ..models import Escalation, Notice
from .recipients import _ladder_audience

DEFAULT_REPLY_WORKDAYS = 3


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
