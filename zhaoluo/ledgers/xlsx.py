"""Writing ledgers: exports in the contract's columns, empty templates, error reports.

Exports stream through openpyxl's write-only mode, so a large ledger is never one big
object tree. Every text cell that a spreadsheet would read as a formula (CWE-1236) gets a
leading apostrophe and the string type; numbers and dates stay numbers and dates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .spec import Cell, Kind

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\0")
_BOLD = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_ERROR_FILL = PatternFill("solid", fgColor="F8D7DA")
_WIDE = {"name": 30, "investor": 24, "investor_uscc": 22, "uscc": 22, "task_force": 24, "termination_reason": 24}


def safe_text(value: str) -> str:
    """Neutralise formula injection; drop the control characters an .xlsx cannot hold
    (NUL among them: the apostrophe goes on before it is removed, so `\\0=1` stays inert)."""
    if value.startswith(FORMULA_STARTS):
        value = "'" + value
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def _cell(sheet: Worksheet, value: Cell | Any, number_format: str = "") -> Any:
    if isinstance(value, str):
        cell = WriteOnlyCell(sheet, value=safe_text(value))
        cell.data_type = "s"
        return cell
    cell = WriteOnlyCell(sheet, value=value)  # type: ignore[arg-type]  # openpyxl takes Decimal and date
    if isinstance(value, dt.date | Decimal | int | float) and number_format:
        cell.number_format = number_format
    elif isinstance(value, dt.date):
        cell.number_format = "yyyy-mm-dd"
    return cell


def _header_row(sheet: Worksheet, titles: Iterable[str]) -> list[Any]:
    row = []
    for title in titles:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = _BOLD
        cell.fill = _HEADER_FILL
        row.append(cell)
    return row


def write_ledger(kind: Kind, rows: Iterable[list[Cell]], out: IO[bytes] | Path) -> int:
    """The kind's columns in the contract's order, one row per record; returns the row count."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(kind.sheet_title or kind.label)
    for index, column in enumerate(kind.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = _WIDE.get(column.key, max(12, len(column.title) * 2))
    sheet.freeze_panes = "B2"
    sheet.append(_header_row(sheet, (c.title for c in kind.columns)))
    formats = [c.number_format for c in kind.columns]
    count = 0
    for values in rows:
        sheet.append([_cell(sheet, v, f) for v, f in zip(values, formats, strict=True)])
        count += 1
    workbook.save(out)
    return count


def write_template(kind: Kind, out: IO[bytes] | Path) -> None:
    """An empty ledger with a second sheet explaining every column in Chinese."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = kind.label
    for index, column in enumerate(kind.columns, start=1):
        cell = sheet.cell(row=1, column=index, value=column.title)
        cell.font = _BOLD
        cell.fill = _HEADER_FILL
        sheet.column_dimensions[get_column_letter(index)].width = _WIDE.get(column.key, max(12, len(column.title) * 2))
    sheet.freeze_panes = "A2"
    notes = workbook.create_sheet("填写说明")
    notes.append(["列名", "英文列名", "是否必填", "填写说明"])
    for cell in notes[1]:
        cell.font = _BOLD
        cell.fill = _HEADER_FILL
    for column in kind.columns:
        notes.append([column.title, column.key, "必填" if column.required else "选填", column.help])
    notes.append([])
    notes.append(["识别方式", "", "", kind.key_help])
    notes.append(["说明", "", "", "整个文件全部正确才会导入；任何一行有错误都不会写入，并逐行列出错误。"])
    notes.append(["说明", "", "", "表头可以写中文列名或英文列名；表头上方的标题行会被跳过。"])
    for letter, width in zip("ABCD", (22, 20, 10, 80), strict=True):
        notes.column_dimensions[letter].width = width
    for row in notes.iter_rows(min_row=2):
        row[3].alignment = Alignment(wrap_text=True, vertical="top")
    workbook.save(out)


def write_errors(issues: Iterable[dict[str, Any]], out: IO[bytes] | Path, title: str = "导入错误") -> None:
    """The errors (and warnings) of an import as a sheet the clerk can sort and work through."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    for letter, width in zip("ABCDE", (8, 10, 22, 30, 60), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.append(_header_row(sheet, ["行号", "类别", "列名", "单元格内容", "说明"]))
    for issue in issues:
        level = WriteOnlyCell(sheet, value=issue.get("level", "错误"))
        if level.value == "错误":
            level.fill = _ERROR_FILL
        sheet.append(
            [
                WriteOnlyCell(sheet, value=issue["row"]),
                level,
                _cell(sheet, issue["column"]),
                _cell(sheet, issue["value"]),
                _cell(sheet, issue["message"]),
            ]
        )
    workbook.save(out)
