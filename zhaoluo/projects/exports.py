"""The projects ledger (项目台账) as .xlsx: the columns and order of shared/LEDGERS.md, so an
exported file imports back to the same state.

Dates are Excel dates, amounts numbers, yes/no 是/否, the 专班 joined with 、. A text cell
that a spreadsheet would read as a formula (= + - @, tab, CR) gets a leading apostrophe.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .choices import ProjectKind, Stage
from .models import Project, TaskForceMember

Cell = str | Decimal | dt.date | None
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "yyyy-mm-dd"
AMOUNT_FORMAT = "#,##0.00"


def safe_text(value: str) -> str:
    """Neutralise spreadsheet formula injection (OWASP CSV injection advice); drop the
    control characters an .xlsx cannot hold."""
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if value and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _yes(value: bool) -> str:
    return "是" if value else "否"


def _members(project: Project) -> str:
    return "、".join(m.official.name for m in project.task_force.all())


# (header, value of a project) in the ledger's order.
COLUMNS: list[tuple[str, Callable[[Project], Cell]]] = [
    ("项目编号", lambda p: _text(p.code)),
    ("项目名称", lambda p: p.name),
    ("投资方", lambda p: p.investor),
    ("投资方信用代码", lambda p: p.investor_uscc),
    ("所属镇街", lambda p: _text(p.township)),
    ("产业集群", lambda p: _text(p.cluster)),
    ("产业链环节", lambda p: _text(p.chain_link)),
    ("项目类型", lambda p: str(ProjectKind(p.kind).label)),
    ("计划总投资（万元）", lambda p: p.planned_investment),
    ("重点项目", lambda p: _yes(p.is_key)),
    ("战略性新兴产业", lambda p: _yes(p.is_strategic)),
    ("招商方式", lambda p: p.source),
    ("包保领导", lambda p: _text(p.leader)),
    ("牵头单位", lambda p: _text(p.lead_unit)),
    ("专班成员", _members),
    ("签约日期", lambda p: p.signed_on),
    ("开工日期", lambda p: p.started_on),
    ("投产日期", lambda p: p.producing_on),
    ("达产日期", lambda p: p.at_capacity_on),
    ("终止日期", lambda p: p.terminated_on),
    ("终止原因", lambda p: p.termination_reason),
    ("当前阶段", lambda p: str(Stage(p.stage).label)),
]
HEADERS = [header for header, _ in COLUMNS]
WIDTHS = {"项目名称": 30, "投资方": 24, "投资方信用代码": 22, "计划总投资（万元）": 16, "专班成员": 24, "终止原因": 24}


def export_queryset(queryset: QuerySet[Project]) -> QuerySet[Project]:
    """Everything the rows need, in a fixed number of queries."""
    return queryset.select_related("township", "cluster", "chain_link__chain", "leader", "lead_unit").prefetch_related(
        Prefetch("task_force", queryset=TaskForceMember.objects.select_related("official").order_by("-is_lead", "id"))
    )


def rows(projects: Iterable[Project]) -> Iterable[list[Cell]]:
    for project in projects:
        yield [value(project) for _, value in COLUMNS]


def write_xlsx(projects: Iterable[Project]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "项目台账"
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row_number, values in enumerate(rows(projects), start=2):
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=row_number, column=column)
            if isinstance(value, str):
                cell.value = safe_text(value)
                cell.data_type = "s"
            elif isinstance(value, dt.date):
                cell.value = value
                cell.number_format = DATE_FORMAT
            elif isinstance(value, Decimal):
                cell.value = value
                cell.number_format = AMOUNT_FORMAT
            else:
                cell.value = value
    for index, header in enumerate(HEADERS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = WIDTHS.get(header, 12)
    sheet.freeze_panes = "C2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
