"""What the import page shows before the clerk confirms: the file's first rows and every row
with an error, the broken cells marked, read straight from the uploaded file."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zhaoluo.core.parsing import is_blank, text

from .engine import ImportResult
from .files import CSV, XLSX, FileRejected, open_sheet

FIRST_ROWS = 10
MAX_ERROR_ROWS = 200


@dataclass
class PreviewRow:
    number: int
    cells: list[dict[str, Any]] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    has_error: bool = False


@dataclass
class Preview:
    header: list[str]
    rows: list[PreviewRow]
    more_error_rows: int = 0


def build(path: Path, file_name: str, result: ImportResult) -> Preview | None:
    if result.file_error or not result.header_row:
        return None
    file_format = XLSX if file_name.lower().endswith(".xlsx") else CSV
    by_row: dict[int, list[Any]] = {}
    for issue in result.errors:
        by_row.setdefault(issue.row, []).append(issue)
    wanted_errors = sorted(by_row)[:MAX_ERROR_ROWS]
    wanted = set(wanted_errors)
    header: list[str] = []
    rows: list[PreviewRow] = []
    seen_data = 0
    try:
        for number, cells in open_sheet(path, file_format).rows:
            if number == result.header_row:
                header = [text(c) for c in cells]
                continue
            if number < result.header_row or all(is_blank(c) for c in cells):
                continue
            seen_data += 1
            if seen_data > FIRST_ROWS and number not in wanted:
                if number > max(wanted, default=0):
                    break
                continue
            rows.append(_row(number, cells, header, by_row.get(number, [])))
    except FileRejected:
        return None
    return Preview(header=header, rows=rows, more_error_rows=max(0, len(by_row) - len(wanted_errors)))


def _row(number: int, cells: list[Any], header: list[str], issues: list[Any]) -> PreviewRow:
    bad_columns = {issue.column for issue in issues}
    messages = [f"{i.column}: {i.message}" if i.column else i.message for i in issues]
    row = PreviewRow(number=number, has_error=bool(issues), messages=messages)
    for index, cell in enumerate(cells[: max(len(header), 1)]):
        column = header[index].strip() if index < len(header) else ""
        row.cells.append({"value": text(cell), "bad": column in bad_columns})
    return row
