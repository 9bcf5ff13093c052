"""The project timeline in words: one Chinese sentence (and its changed fields) per audit row."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from zhaoluo.core.models import AuditEvent

from .choices import FundOrigin, Light, ProjectKind, Stage
from .models import FundArrival, Milestone, ProgressReport, Project

CHOICES: dict[str, dict[str, str]] = {
    "stage": {str(k): str(v) for k, v in Stage.choices},
    "kind": {str(k): str(v) for k, v in ProjectKind.choices},
    "origin": {str(k): str(v) for k, v in FundOrigin.choices},
    "light": {str(k): str(v) for k, v in Light.choices},
}
MODELS = {
    "projects.project": Project,
    "projects.milestone": Milestone,
    "projects.progressreport": ProgressReport,
    "projects.fundarrival": FundArrival,
}
EXTRA_LABELS = {"photos": "照片", "task_force": "专班成员", "light_reasons": "亮灯原因"}


@dataclass
class Change:
    label: str
    before: str
    after: str


@dataclass
class Entry:
    at: dt.datetime
    actor: str
    text: str
    note: str = ""
    level: str = ""
    changes: list[Change] = field(default_factory=list)


def label_of(object_type: str, name: str) -> str:
    model = MODELS.get(object_type)
    if model is not None:
        try:
            return str(getattr(model._meta.get_field(name), "verbose_name", name))
        except Exception:  # noqa: BLE001 - not a model field: fall back to the known extras
            pass
    return EXTRA_LABELS.get(name, name)


def show(name: str, value: Any) -> str:
    if value is None or value == "":
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if name in CHOICES:
        return CHOICES[name].get(str(value), str(value))
    if isinstance(value, list):
        return "、".join(str(v) for v in value) or "（空）"
    return str(value)


def changes(event: AuditEvent, skip: frozenset[str] = frozenset()) -> list[Change]:
    before = event.before if isinstance(event.before, dict) else {}
    after = event.after if isinstance(event.after, dict) else {}
    keys = [k for k in after if k not in skip] + [k for k in before if k not in after and k not in skip]
    return [
        Change(label_of(event.object_type, k), show(k, before.get(k)), show(k, after.get(k)))
        for k in keys
        if before.get(k) != after.get(k)
    ]


def _get(data: Any, key: str) -> Any:
    return data.get(key) if isinstance(data, dict) else None


def _month(value: Any) -> str:
    text = str(value or "")
    return f"{text[:4]}年{int(text[5:7])}月" if len(text) >= 7 and text[5:7].isdigit() else text


def describe(event: AuditEvent) -> Entry:
    entry = Entry(at=event.at, actor=event.actor_name or "系统", text="", note=event.note)
    handler = HANDLERS.get(event.action)
    if handler is None:
        entry.text = f"{event.action}：{event.object_repr}"
        entry.changes = changes(event)
    else:
        handler(event, entry)
    return entry


def _created(event: AuditEvent, entry: Entry) -> None:
    stage = show("stage", _get(event.after, "stage"))
    entry.text = f"新建项目“{event.object_repr}”，阶段：{stage}"


def _updated(event: AuditEvent, entry: Entry) -> None:
    entry.changes = changes(event)
    entry.text = "修改了项目信息：" + "、".join(c.label for c in entry.changes) if entry.changes else "修改了项目信息"


def _advanced(event: AuditEvent, entry: Entry) -> None:
    frm, to = show("stage", _get(event.before, "stage")), show("stage", _get(event.after, "stage"))
    dates = [v for k, v in (event.after or {}).items() if k.endswith("_on") and v]
    when = f"（{dates[0]}）" if dates else ""
    entry.text = f"项目由{frm}推进到{to}{when}"


def _terminated(event: AuditEvent, entry: Entry) -> None:
    when = _get(event.after, "terminated_on") or ""
    entry.text = f"终止项目（{when}），原因：{_get(event.after, 'termination_reason') or event.note}"
    entry.note = ""
    entry.level = "danger"


def _reopened(event: AuditEvent, entry: Entry) -> None:
    entry.text = f"重启项目，恢复到{show('stage', _get(event.after, 'stage'))}阶段"


def _task_force(event: AuditEvent, entry: Entry) -> None:
    after = show("task_force", _get(event.after, "task_force"))
    before = _get(event.before, "task_force")
    entry.text = f"设置专班：{after}"
    if before:
        entry.note = f"原专班：{show('task_force', before)}"


def _milestone(verb: str) -> Any:
    def handle(event: AuditEvent, entry: Entry) -> None:
        name = _get(event.after, "name") or _get(event.before, "name") or event.object_repr
        if verb == "新增":
            entry.text = f"新增方案节点“{name}”，计划{_get(event.after, 'planned_on')}完成"
        elif verb == "完成":
            entry.text = f"方案节点“{event.object_repr}”已完成（{_get(event.after, 'actual_on')}）"
            entry.level = "success"
        elif verb == "删除":
            entry.text = f"删除方案节点“{name}”"
        else:
            entry.text = f"修改方案节点“{event.object_repr}”"
            entry.changes = changes(event)

    return handle


def _progress(event: AuditEvent, entry: Entry) -> None:
    after = event.after or {}
    again = "更新" if event.action == "progress.updated" else "填报"
    photos = f"，照片{after['photos']}张" if after.get("photos") else ""
    entry.text = (
        f"{again}{_month(after.get('period'))}进展：本月完成投资{after.get('completed_investment')}万元，"
        f"形象进度{after.get('image_progress')}%{photos}"
    )
    if after.get("text"):
        entry.note = str(after["text"])


def _funds(event: AuditEvent, entry: Entry) -> None:
    after = event.after or {}
    origin = show("origin", after.get("origin"))
    if event.action == "funds.updated":
        entry.text = (
            f"更正{_month(after.get('period'))}{origin}到位资金：{_get(event.before, 'amount')} → "
            f"{after.get('amount')}万元"
        )
    else:
        entry.text = f"登记{_month(after.get('period'))}{origin}到位资金{after.get('amount')}万元"


def _light(event: AuditEvent, entry: Entry) -> None:
    before, after = show("light", _get(event.before, "light")), show("light", _get(event.after, "light"))
    reasons = _get(event.after, "light_reasons") or []
    entry.text = f"灯色由{before}变为{after}"
    entry.level = {"red": "danger", "yellow": "warning", "green": "success"}.get(str(_get(event.after, "light")), "")
    entry.note = "；".join(f"{r.get('rule_name')}：{r.get('message')}" for r in reasons if isinstance(r, dict))


HANDLERS = {
    "project.created": _created,
    "project.updated": _updated,
    "project.stage_advanced": _advanced,
    "project.terminated": _terminated,
    "project.reopened": _reopened,
    "project.task_force_set": _task_force,
    "milestone.created": _milestone("新增"),
    "milestone.updated": _milestone("修改"),
    "milestone.completed": _milestone("完成"),
    "milestone.deleted": _milestone("删除"),
    "progress.recorded": _progress,
    "progress.updated": _progress,
    "funds.recorded": _funds,
    "funds.updated": _funds,
    "project.light_changed": _light,
}


def entries(events: Any) -> list[Entry]:
    return [describe(e) for e in events]
