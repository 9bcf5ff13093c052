"""The approvals list and its totals as .xlsx (the list page's filters applied; audited)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font

from zhaoluo.core import audit
from zhaoluo.ledgers.xlsx import safe_text
from zhaoluo.orgs.selectors import district_of

from .models import Approval
from .services import workdays_elapsed

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LIST_HEADERS = [
    "项目名称",
    "全国投资项目代码",
    "绿色通道",
    "审批事项",
    "办理部门",
    "状态",
    "申报日期",
    "办结日期",
    "法定时限（工作日）",
    "执行时限（工作日）",
    "时限调整",
    "办结时限",
    "用时（工作日）",
    "超时",
    "超时问题",
]
TOTAL_HEADERS = ["名称", "事项数", "已办结", "办理中", "平均用时（工作日）", "按时办结率（%）", "超时"]


def _value(value: Any) -> Any:
    return safe_text(value) if isinstance(value, str) else value


def _sheet(book: Workbook, title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], first: bool) -> int:
    sheet = book.active if first else book.create_sheet()
    assert sheet is not None
    sheet.title = title
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    count = 0
    for row in rows:
        sheet.append([_value(v) for v in row])
        count += 1
    for column in sheet.iter_cols(min_row=2):
        for cell in column:
            if isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    return count


def list_rows(approvals: Iterable[Approval], today: dt.date) -> Iterable[list[Any]]:
    for a in approvals:
        yield [
            a.project.name,
            a.project.national_code,
            "是" if a.project.green_channel else "否",
            a.item.name,
            a.department.name if a.department else "",
            a.get_status_display(),
            a.submitted_on,
            a.decided_on,
            a.legal_workdays,
            a.limit_workdays,
            a.limit_rule,
            a.due_on,
            workdays_elapsed(a, today),
            "是" if a.is_late or a.overdue_on(today) else "否",
            a.problem.code if a.problem else "",
        ]


def total_rows(rows: list[dict[str, Any]]) -> Iterable[list[Any]]:
    for r in rows:
        yield [r["name"], r["total"], r["done"], r["pending"], r["average"], r["on_time_rate"], r["late"]]


def respond(
    *,
    user: Any,
    filename: str,
    sheets: list[tuple[str, Sequence[str], Iterable[Sequence[Any]]]],
    filters: dict[str, Any],
) -> HttpResponse:
    book = Workbook()
    counts = {title: _sheet(book, title, headers, rows, i == 0) for i, (title, headers, rows) in enumerate(sheets)}
    buffer = io.BytesIO()
    book.save(buffer)
    district = district_of(user)
    if district is not None:
        audit.record(
            actor=user,
            action="approvals.exported",
            obj=district,
            after={"file": filename, "rows": counts, "filters": filters},
        )
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(filename)}"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)
