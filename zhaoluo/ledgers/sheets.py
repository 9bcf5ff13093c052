"""Which worksheet of a workbook is the ledger, and which of its cells hold a formula that Excel
never calculated.

A clerk sees the first *visible* sheet when the workbook opens; a hidden sheet in front of it
(a leftover lookup table, an old version) is not what they mean to import, so it is skipped
with a warning. A formula cell carries its last calculated value in the file; a workbook
written by a program (or saved with calculation off) may carry none, and reading such a cell
as blank would silently drop data (or blame a "required" column the clerk did fill). The
reader marks those cells with `UNCALCULATED` so the engine can name them.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CELL_REF = re.compile(r"^([A-Z]{1,3})(\d+)$")
# A formula element, with or without a namespace prefix (<f>, <f t="shared" …>, <x:f>).
_FORMULA_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")
_CHUNK = 1 << 20


class Uncalculated:
    """A formula cell without a cached value. Not blank (the row is not skipped), reads as ''."""

    __slots__ = ()

    def __str__(self) -> str:
        return ""

    def __repr__(self) -> str:
        return "UNCALCULATED"


UNCALCULATED = Uncalculated()


@dataclass
class Choice:
    """The worksheet to read (calamine's name for it) and the hidden worksheets passed over."""

    name: str
    hidden: list[str] = field(default_factory=list)


def choose(metadata: list[Any]) -> Choice | None:
    """The first visible worksheet (chart sheets are not tables), hidden ones listed; None when
    every worksheet is hidden."""
    from python_calamine import SheetTypeEnum, SheetVisibleEnum

    hidden: list[str] = []
    chosen = ""
    for sheet in metadata:
        if sheet.typ != SheetTypeEnum.WorkSheet:
            continue
        if sheet.visible == SheetVisibleEnum.Visible:
            chosen = chosen or sheet.name
        else:
            hidden.append(sheet.name)
    return Choice(chosen, hidden) if chosen else None


def sheet_part(archive: zipfile.ZipFile, name: str) -> str | None:
    """The zip member holding the worksheet called `name` (workbook.xml → its relationship)."""
    try:
        workbook = SafeET.fromstring(archive.read("xl/workbook.xml"))
        rels = SafeET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, SafeET.ParseError, DefusedXmlException):  # calamine opened it; we cannot map it
        # so no formula check; the reader still reads its values.
        return None
    rel_id = None
    for sheet in workbook.iter(f"{{{_MAIN}}}sheet"):
        if sheet.get("name") == name:
            rel_id = sheet.get(f"{{{_REL}}}id")
            break
    for rel in rels.iter(f"{{{_PKG_REL}}}Relationship"):
        if rel.get("Id") == rel_id:
            target = rel.get("Target", "")
            # Targets are relative to xl/ unless absolute within the package.
            return target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
    return None


def uncalculated_cells(path: Path, part: str | None) -> dict[int, list[int]]:
    """Excel row number → 0-based columns of formula cells without a cached value. The sheet is
    parsed only when its bytes contain a formula at all, so a plain ledger costs one scan."""
    if part is None:
        return {}
    with zipfile.ZipFile(path) as archive:
        try:
            member = archive.getinfo(part)
        except KeyError:
            return {}
        with archive.open(member) as stream:
            if not _has_formula(stream):
                return {}
        with archive.open(member) as stream:
            return _scan(stream)


_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s>/]")


def row_count(path: Path, part: str | None) -> int:
    """The worksheet's <row> elements, counted on the streamed bytes without parsing: Excel
    writes one per row holding a value or a format, so this bounds the data rows from above."""
    if part is None:
        return 0
    count = 0
    tail = b""
    with zipfile.ZipFile(path) as archive:
        try:
            member = archive.getinfo(part)
        except KeyError:
            return 0
        with archive.open(member) as stream:
            while chunk := stream.read(_CHUNK):
                window = tail + chunk
                # Tags starting in the last 32 bytes (perhaps cut by the chunk's edge) are
                # counted with the next chunk, the others now: each exactly once.
                cut = max(0, len(window) - 32)
                count += sum(1 for match in _ROW_TAG.finditer(window) if match.start() < cut)
                tail = window[cut:]
        count += len(_ROW_TAG.findall(tail))
    return count


def _has_formula(stream: IO[bytes]) -> bool:
    tail = b""
    while chunk := stream.read(_CHUNK):
        if _FORMULA_TAG.search(tail + chunk):
            return True
        tail = chunk[-32:]
    return False


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1


def _scan(stream: IO[bytes]) -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    row_number = 0
    column = -1
    parent: Any = None
    # DTDs and entities were refused for every part before (files.check_xlsx); defusedxml again.
    for event, element in SafeET.iterparse(stream, events=("start", "end")):
        name = _local(element.tag)
        if event == "start":
            if name == "sheetData":
                parent = element
            elif name == "row":
                row_number = int(element.get("r") or row_number + 1)
                column = -1
            continue
        if name == "c":
            match = _CELL_REF.match(element.get("r") or "")
            column = _column_index(match[1]) if match else column + 1
            if match:
                row_number = int(match[2])
            if _is_uncalculated(element):
                found.setdefault(row_number, []).append(column)
        elif name == "row" and parent is not None:
            # Rows are dropped as they end, so a million-row sheet never sits in memory.
            parent.remove(element)
    return found


def _is_uncalculated(cell: Any) -> bool:
    formula = value = None
    for child in cell:
        name = _local(child.tag)
        if name == "f":
            formula = child
        elif name == "v":
            value = child
    if formula is None:
        return False
    if value is not None and value.text:
        return False
    # A formula whose result is the empty string is written as t="str" with an empty <v>.
    return not (value is not None and cell.get("t") == "str")


def marked_rows(
    rows: Iterator[tuple[int, list[Any]]], uncalculated: dict[int, list[int]], first_column: int
) -> Iterator[tuple[int, list[Any]]]:
    """The reader's rows with UNCALCULATED put into the formula cells. Calamine's rows start at
    the first column holding a value and end at the last row holding one, so a formula-only row
    below them is yielded here too (as the reader would have, had it a value)."""
    last = 0
    for number, cells in rows:
        last = number
        columns = uncalculated.get(number)
        if columns:
            cells = _mark(list(cells), columns, first_column)
        yield number, cells
    for number in sorted(n for n in uncalculated if n > last):
        yield number, _mark([], uncalculated[number], first_column)


def _mark(cells: list[Any], columns: list[int], first_column: int) -> list[Any]:
    for column in columns:
        index = column - first_column
        if index < 0:
            continue  # left of every value in the sheet: under no header
        if index >= len(cells):
            cells.extend([""] * (index + 1 - len(cells)))
        cells[index] = UNCALCULATED
    return cells
