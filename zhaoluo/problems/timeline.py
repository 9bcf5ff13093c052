"""A problem's timeline in words: one Chinese sentence (and its changed fields) per audit row."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from zhaoluo.core.models import AuditEvent
from zhaoluo.projects.timeline import Change, Entry

from .choices import Category, Origin, Satisfaction, Status
from .models import Problem

SENTENCES = {
    "problem.raised": "提出问题",
    "problem.assigned": "交办",
    "problem.co_units_set": "设置协办单位",
    "problem.started": "开始办理",
    "problem.resolved": "办结",
    "problem.returned": "退回重办",
    "problem.closed": "销号",
    "problem.rated": "评价",
    "problem.reopened": "评价不满意，重新办理",
    "problem.imported": "台账导入",
    "supervision.escalated": "升级督办",
    "supervision.deescalated": "降级督办",
    "supervision.notice_issued": "签发督办单",
    "supervision.notice_replied": "回复督办单",
    "supervision.listed": "挂牌督办",
    "supervision.unlisted": "摘牌",
    "supervision.interviewed": "约谈",
}
LADDER_LEVELS = {"1": "第一级（责任单位）", "2": "第二级（区督查室）", "3": "第三级（区主要领导）"}
CHOICES: dict[str, dict[str, str]] = {
    "status": {str(k): str(v) for k, v in Status.choices},
    "category": {str(k): str(v) for k, v in Category.choices},
    "origin": {str(k): str(v) for k, v in Origin.choices},
    "satisfaction": {str(k): str(v) for k, v in Satisfaction.choices},
    "supervision_level": LADDER_LEVELS,
    "notice_color": {"blue": "蓝色", "yellow": "黄色", "red": "红色"},
}
# Shown on the page in full already; repeating them per row would drown the changes.
SKIP = frozenset({"description", "handling_note"})


def _label(name: str) -> str:
    try:
        return str(getattr(Problem._meta.get_field(name), "verbose_name", name))
    except Exception:  # noqa: BLE001 - not a model field (co_units lists)
        return {
            "co_units": "协办单位",
            "number": "督办单编号",
            "color": "颜色",
            "reply_due_on": "回复时限",
            "replied_on": "回复日期",
            "leader_name": "挂牌领导",
            "since": "挂牌日期",
            "lifted_on": "摘牌日期",
            "on": "约谈日期",
            "interviewee": "被约谈人",
            "interviewer": "约谈人",
        }.get(name, name)


def _show(name: str, value: Any) -> str:
    if value is None or value == "" or value == []:
        return "（空）"
    if name in CHOICES:
        return CHOICES[name].get(str(value), str(value))
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


def entries(events: Iterable[AuditEvent]) -> list[Entry]:
    out: list[Entry] = []
    for event in events:
        before = event.before if isinstance(event.before, dict) else {}
        after = event.after if isinstance(event.after, dict) else {}
        keys = [k for k in after if k not in SKIP] + [k for k in before if k not in after and k not in SKIP]
        changes = [
            Change(_label(k), _show(k, before.get(k)), _show(k, after.get(k)))
            for k in keys
            if before.get(k) != after.get(k)
        ]
        level = "danger" if event.action in {"problem.returned", "problem.reopened"} or "逾期" in event.note else ""
        if event.action in {"supervision.escalated", "supervision.notice_issued", "supervision.listed"}:
            level = "danger"
        out.append(
            Entry(
                at=event.at,
                actor=event.actor_name,
                text=SENTENCES.get(event.action, event.action),
                note=event.note,
                level=level,
                changes=changes,
            )
        )
    return out
