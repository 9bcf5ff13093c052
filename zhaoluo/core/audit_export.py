"""The audit search as .xlsx. Every cell is text a spreadsheet will not run as a formula."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from typing import Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from .models import AuditEvent

# OWASP CSV injection: a leading = + - @, tab, CR (or NUL) makes a spreadsheet read a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\0")
HEADERS = [
    "时间",
    "操作人",
    "动作",
    "结果",
    "对象类型",
    "对象编号",
    "对象",
    "来源地址",
    "来源",
    "请求编号",
    "说明",
    "修改前",
    "修改后",
    "链序号",
]
EXPORT_LIMIT = 100_000


def safe_text(value: str) -> str:
    if value.startswith(FORMULA_STARTS):
        value = "'" + value
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def _json(value: Any) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def row(event: AuditEvent) -> list[str]:
    return [
        timezone.localtime(event.at).isoformat(timespec="seconds"),
        event.actor_name,
        event.action,
        event.get_outcome_display(),
        event.object_type,
        event.object_id,
        event.object_repr,
        event.ip or "",
        event.source,
        event.request_id,
        event.note,
        _json(event.before),
        _json(event.after),
        str(event.seq),
    ]


def write_xlsx(events: Iterable[AuditEvent]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("审计记录")
    sheet.append(HEADERS)
    for event in events:
        sheet.append([safe_text(value) for value in row(event)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
