"""Approvals on the project timeline: one Chinese sentence per audit row (registered in apps.py)."""

from __future__ import annotations

from typing import Any

from zhaoluo.core.models import AuditEvent
from zhaoluo.projects.timeline import Change, Entry

from .choices import Status

STATUS = {str(k): str(v) for k, v in Status.choices}
LABELS = {
    "department": "办理部门",
    "status": "状态",
    "submitted_on": "申报日期",
    "decided_on": "办结日期",
    "limit_workdays": "执行时限（工作日）",
    "due_on": "办结时限",
    "workdays_taken": "办理用时（工作日）",
    "is_late": "超时",
    "note": "备注",
}


def _show(name: str, value: Any) -> str:
    if value is None or value == "":
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if name == "status":
        return STATUS.get(str(value), str(value))
    return str(value)


def _item(event: AuditEvent) -> str:
    # object_repr is "事项（项目）"; the project is the page the timeline is on.
    return event.object_repr.split("（", 1)[0]


def _recorded(event: AuditEvent, entry: Entry) -> None:
    after = event.after or {}
    status = _show("status", after.get("status"))
    dates = f"，{after['submitted_on']}申报" if after.get("submitted_on") else ""
    if after.get("decided_on"):
        dates += f"，{after['decided_on']}办结，用时{after.get('workdays_taken')}个工作日"
    entry.text = f"登记审批事项“{_item(event)}”（{status}{dates}）"
    if after.get("limit_rule"):
        entry.note = f"时限{after.get('limit_workdays')}个工作日：{after['limit_rule']}"
    if after.get("is_late"):
        entry.level = "danger"


def _updated(event: AuditEvent, entry: Entry) -> None:
    before = event.before if isinstance(event.before, dict) else {}
    after = event.after if isinstance(event.after, dict) else {}
    entry.changes = [
        Change(LABELS[k], _show(k, before.get(k)), _show(k, after.get(k)))
        for k in after
        if k in LABELS and before.get(k) != after.get(k)
    ]
    if after.get("status") == Status.APPROVED:
        entry.text = f"审批事项“{_item(event)}”已办结（{after.get('decided_on', '')}）"
        entry.level = "danger" if after.get("is_late") else "success"
    else:
        entry.text = f"更新审批事项“{_item(event)}”"


def _late(event: AuditEvent, entry: Entry) -> None:
    entry.text = f"审批事项“{_item(event)}”超时，自动生成问题 {(event.after or {}).get('problem', '')}"
    entry.level = "danger"


HANDLERS = {
    "approval.recorded": _recorded,
    "approval.updated": _updated,
    "approval.late_problem": _late,
}
