"""The wording of each event, from plain arguments, for the apps that raise them.

Problems, supervision and meetings call these and pass the result to `services.notify`:

    msg = messages.assigned(title=problem.title, unit=str(problem.unit), deadline=problem.deadline, by=actor_name)
    services.notify(recipients=unit_users, **msg.as_kwargs(), link=url, obj=problem,
                    dedupe_key=messages.dedupe_key(msg.event, problem, problem.deadline))

Keeping the texts here means every channel (inbox, e-mail, robots) says the same thing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils import timezone

from .choices import Event

WEEKDAYS = "一二三四五六日"


@dataclass(frozen=True)
class Message:
    event: str
    subject: str
    body: str

    def as_kwargs(self) -> dict[str, str]:
        return {"event": self.event, "subject": self.subject, "body": self.body}


def day_text(day: dt.date) -> str:
    """2021-03-05 → 2021年3月5日（星期五）"""
    return f"{day.year}年{day.month}月{day.day}日（星期{WEEKDAYS[day.weekday()]}）"


def moment_text(moment: dt.datetime) -> str:
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    return f"{day_text(local.date())} {local:%H:%M}"


def _lines(*pairs: tuple[str, Any]) -> str:
    return "\n".join(f"{label}：{value}" for label, value in pairs if value not in (None, ""))


def assigned(*, title: str, unit: str, deadline: dt.date, by: str = "", note: str = "") -> Message:
    """交办: a problem or decision handed to a unit with a deadline."""
    body = _lines(("责任单位", unit), ("办理时限", day_text(deadline)), ("交办人", by), ("交办意见", note))
    return Message(Event.ASSIGNED, f"交办：{title}", body)


def due_soon(*, title: str, deadline: dt.date, unit: str = "") -> Message:
    """临期: the deadline is the next working day."""
    body = _lines(("责任单位", unit), ("办理时限", day_text(deadline)))
    return Message(Event.DUE_SOON, f"临期提醒：{title}", f"{body}\n距办理时限还剩 1 个工作日，请按时办结。")


def overdue(*, title: str, deadline: dt.date, workdays_late: int, unit: str = "") -> Message:
    """逾期: past the deadline by a number of working days."""
    body = _lines(("责任单位", unit), ("办理时限", day_text(deadline)), ("已逾期", f"{workdays_late} 个工作日"))
    return Message(Event.OVERDUE, f"逾期：{title}", f"{body}\n请尽快办结并说明逾期原因。")


def escalated(*, title: str, level: int, level_name: str, reason: str, rule: str = "") -> Message:
    """升级: climbed (or was moved by hand) to a supervision level; says which rule fired and why."""
    body = _lines(("督办层级", f"第{level}级 {level_name}"), ("升级原因", reason), ("依据规则", rule))
    return Message(Event.ESCALATED, f"升级督办（第{level}级）：{title}", body)


def notice_issued(
    *, number: str, color: str, title: str, deadline: dt.date, facts: str = "", reply: str = ""
) -> Message:
    """督办单: a numbered supervision notice (蓝/黄/红) with the facts, deadline and required reply."""
    body = _lines(
        ("编号", number), ("等级", color), ("事实", facts), ("办理时限", day_text(deadline)), ("回复要求", reply)
    )
    return Message(Event.NOTICE, f"督办单 {number}（{color}）：{title}", body)


def meeting_scheduled(*, title: str, kind: str, starts_at: dt.datetime, place: str = "", chair: str = "") -> Message:
    """会议: a coordination / site / dispatch meeting was scheduled."""
    body = _lines(("会议类型", kind), ("时间", moment_text(starts_at)), ("地点", place), ("主持", chair))
    return Message(Event.MEETING, f"会议通知：{title}", body)


def dedupe_key(event: str, obj: models.Model, *parts: object) -> str:
    """A key that makes a reminder once-only per recipient: event, object and what makes it new.

    `dedupe_key("due_soon", problem, problem.deadline)` → "due_soon:problems.problem:12:2021-03-05";
    a moved deadline gives a new key, so the reminder is sent again for the new date.
    """
    tail = ":".join(str(p) for p in parts)
    key = f"{event}:{obj._meta.app_label}.{obj._meta.model_name}:{obj.pk}"
    return f"{key}:{tail}"[:200] if tail else key[:200]
