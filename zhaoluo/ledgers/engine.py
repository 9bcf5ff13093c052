"""The import engine: one file, one transaction, every error reported, nothing half-written.

Rows stream from the reader in chunks: each chunk is parsed, checked and handed to the kind's
writer inside one transaction (and a savepoint per chunk). Parsing goes on to the end even
after an error, so the clerk gets every broken row at once; any error, or a dry run, rolls the
whole transaction back. Only a committed import leaves an ImportRun and its audit row.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from zhaoluo.core import audit, context
from zhaoluo.core.parsing import ParseError, is_blank, normalise, text
from zhaoluo.orgs.models import Region, User

from .files import FileRejected, Limits, detect_format, open_sheet, too_many_rows
from .models import ImportRun
from .resolve import Resolver
from .sheets import UNCALCULATED
from .spec import Column, Kind, Row, header_key
from .xlsx import FORMULA_STARTS

_HEADER_SCAN_ROWS = 30
_UNIT_SUFFIX = re.compile(r"^(.*)\((.*)\)$")
UNCALCULATED_MESSAGE = "公式没有计算结果，请在 Excel 中重新计算后保存"


@dataclass(frozen=True)
class Issue:
    """An error or a warning about one cell (or one row, or the header)."""

    row: int
    column: str
    value: str
    message: str

    def __str__(self) -> str:
        return f"第{self.row}行 {self.column}: {self.message}" if self.column else f"第{self.row}行: {self.message}"

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "value": self.value, "message": self.message}


@dataclass
class ImportResult:
    kind: str
    file_name: str
    sha256: str = ""
    dry_run: bool = False
    rows_read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    errors_not_listed: int = 0
    file_error: str = ""  # the whole file was refused before reading rows
    run_id: int | None = None
    header_row: int = 0
    not_sampled: int = 0  # rows of a long dry run checked but not run through the writers

    @property
    def ok(self) -> bool:
        return not self.errors and not self.file_error

    @property
    def error_count(self) -> int:
        return len(self.errors) + self.errors_not_listed + (1 if self.file_error else 0)

    def summary(self) -> str:
        verb = "校验（未写入）" if self.dry_run else ("已导入" if self.ok else "已拒绝（未写入）")
        summary = (
            f"{verb}：读取 {self.rows_read} 行，新增 {self.created}，更新 {self.updated}，"
            f"未变 {self.unchanged}，警告 {len(self.warnings)}，错误 {self.error_count}"
        )
        return summary + self.sample_note

    @property
    def sample_note(self) -> str:
        if not self.not_sampled:
            return ""
        return f"（新增、更新、未变及名称提示按前 {self.rows_read - self.not_sampled} 行统计；确认导入时全部重新校验）"

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "file": self.file_name,
            "sha256": self.sha256,
            "dry_run": self.dry_run,
            "imported": self.ok and not self.dry_run,
            "rows_read": self.rows_read,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "warnings": [w.as_dict() for w in self.warnings],
            "errors": [e.as_dict() for e in self.errors],
            "errors_not_listed": self.errors_not_listed,
            "file_error": self.file_error,
        }


class ImportContext:
    """What a kind's writer needs: who, where, how strict, and where to report."""

    def __init__(self, *, kind: Kind, by: User | None, district: Region, strict: bool, result: ImportResult) -> None:
        self.kind = kind
        self.by = by
        self.district = district
        self.strict = strict
        self.result = result
        self.shown: dict[str, str] = {}  # column key → header as written in the file
        self.resolver = Resolver(self)
        # Scratch space a kind's writer keeps across chunks (e.g. record keys it resolved).
        self.memo: dict[str, Any] = {}
        self._max_errors: int = settings.ZHAOLUO_LEDGER_MAX_ERRORS

    def header(self, key: str) -> str:
        if key in self.shown:
            return self.shown[key]
        try:
            return self.kind.column(key).title
        except KeyError:
            return key

    def error(self, row: int, key: str, message: str, value: Any = None) -> None:
        if len(self.result.errors) >= self._max_errors:
            self.result.errors_not_listed += 1
            return
        self.result.errors.append(Issue(row, self.header(key) if key else "", _shown(value), message))

    def warn(self, row: int, key: str, message: str, value: Any = None) -> None:
        self.result.warnings.append(Issue(row, self.header(key) if key else "", _shown(value), message))

    def unknown_name(self, row: int, key: str, message: str, value: Any) -> None:
        """A name the platform does not know: created with a warning, or under --strict an error."""
        if self.strict:
            # The hint after the name is about the record just created ("临时地区代码…"), which
            # under --strict does not exist.
            if "”（" in message:
                message = message.split("”（", 1)[0] + "”"
            self.error(row, key, message.replace("已新建", "未找到", 1) + "（--strict 模式下不自动新建）", value)
        else:
            self.warn(row, key, message, value)

    def validation_errors(self, row: int, exc: ValidationError, field_to_key: dict[str, str]) -> None:
        """A model's ValidationError, reported against the ledger's columns."""
        if hasattr(exc, "error_dict"):
            for name, errors in exc.message_dict.items():
                key = field_to_key.get(name, name if name != "__all__" else "")
                for message in errors:
                    self.error(row, key, message)
        else:
            for message in exc.messages:
                self.error(row, "", message)

    @property
    def has_errors(self) -> bool:
        return bool(self.result.errors) or self.result.errors_not_listed > 0


def _shown(value: Any) -> str:
    return "" if value is None else text(value)[:200]


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def run_import(
    *,
    kind: Kind,
    path: Path,
    file_name: str,
    by: User | None,
    district: Region,
    dry_run: bool = False,
    strict: bool = False,
    chunk_size: int = 2000,
) -> ImportResult:
    """Import one file of one kind. Never raises for bad content: the result says what is wrong."""
    result = ImportResult(kind=kind.name, file_name=file_name, dry_run=dry_run)
    try:
        file_format = detect_format(path, file_name, Limits.from_settings())
        result.sha256 = sha256_of(path)
        sheet = open_sheet(path, file_format)
        ctx = ImportContext(kind=kind, by=by, district=district, strict=strict, result=result)
        for note in sheet.notes:
            ctx.warn(1, "", note)
        header = _read_header(sheet.rows, kind, ctx)
        if header is None or ctx.has_errors:
            return result
        here = context.current()
        if dry_run:
            _dry_run(sheet.rows, header, kind, ctx, chunk_size, here.ip)
            return result
        with context.using(context.RequestContext(ip=here.ip, source="import")), transaction.atomic():
            _import_rows(sheet.rows, header, kind, ctx, chunk_size)
            # Parsing reports as it reads and writers at the end of a chunk; the clerk works
            # down the sheet, so the list follows the rows.
            result.errors.sort(key=lambda issue: issue.row)
            result.warnings.sort(key=lambda issue: issue.row)
            if ctx.has_errors or dry_run:
                transaction.set_rollback(True)
            else:
                result.run_id = _record_run(kind, ctx, result).pk
    except FileRejected as exc:
        result.file_error = exc.message
    return result


@dataclass
class Header:
    number: int
    columns: list[tuple[int, Column]]


def _read_header(rows: Iterator[tuple[int, list[Any]]], kind: Kind, ctx: ImportContext) -> Header | None:
    """The header is the first row that names at least two of the kind's columns (title rows
    above it, often merged, are skipped); failing that, the first non-empty row."""
    names = kind.header_names()
    first: tuple[int, list[Any]] | None = None
    scanned = 0
    for number, cells in rows:
        if all(is_blank(c) for c in cells):
            continue
        first = first or (number, cells)
        if sum(1 for c in cells if header_key(text(c)) in names) >= 2:
            return _map_header(number, cells, kind, ctx)
        scanned += 1
        if scanned >= _HEADER_SCAN_ROWS:
            break
    if first is None:
        ctx.error(1, "", "文件中没有内容")
        return None
    return _map_header(first[0], first[1], kind, ctx)


def _map_header(number: int, cells: list[Any], kind: Kind, ctx: ImportContext) -> Header:
    ctx.result.header_row = number
    names = kind.header_names()
    found: dict[str, int] = {}
    wrong_unit: set[str] = set()
    columns: list[tuple[int, Column]] = []
    for index, cell in enumerate(cells):
        shown = normalise(text(cell)) if not is_blank(cell) else ""
        if not shown:
            continue
        column = names.get(header_key(shown))
        if column is None:
            misread = _unknown_header(number, shown, kind, ctx)
            if misread is not None:
                wrong_unit.add(misread)
            continue
        if column.key in found:
            ctx.error(number, "", f"列“{shown}”重复出现")
            continue
        found[column.key] = index
        ctx.shown[column.key] = text(cell).strip()
        columns.append((index, column))
    for column in kind.columns:
        # A column present in the wrong unit already has its message; "missing" would mislead.
        if column.required and column.key not in found and column.key not in wrong_unit:
            ctx.error(number, "", f"缺少必填列“{column.title}”")
    return Header(number, columns)


def _unknown_header(number: int, shown: str, kind: Kind, ctx: ImportContext) -> str | None:
    """Warn about a column the kind does not have; a known column in another unit is an error.
    Returns the key of that known column."""
    match = _UNIT_SUFFIX.match(shown.replace(" ", ""))
    if match:
        base = header_key(match[1])
        for column in kind.columns:
            if column.unit and base in (header_key(column.header), column.key):
                ctx.error(number, "", f"列“{shown}”的单位应为{column.unit}，请换算后填写")
                return column.key
    ctx.warn(number, "", f"未识别的列“{shown}”，已忽略")
    return None


def _import_rows(
    rows: Iterator[tuple[int, list[Any]]], header: Header, kind: Kind, ctx: ImportContext, chunk_size: int
) -> None:
    chunk: list[Row] = []
    for row in _checked_rows(rows, header, kind, ctx):
        chunk.append(row)
        if len(chunk) >= chunk_size:
            _write(chunk, kind, ctx)
            chunk = []
    if chunk:
        _write(chunk, kind, ctx)


def _checked_rows(
    rows: Iterator[tuple[int, list[Any]]], header: Header, kind: Kind, ctx: ImportContext
) -> Iterator[Row]:
    """Every data row parsed and checked on its own and against the file (no database): the rows
    fit to write. Stops the file at ZHAOLUO_LEDGER_MAX_ROWS data rows."""
    max_rows: int = settings.ZHAOLUO_LEDGER_MAX_ROWS
    seen: dict[str, dict[Any, int]] = {key: {} for key in ("__key__", *kind.unique_in_file)}
    for number, cells in rows:
        if all(is_blank(c) for c in cells):
            continue
        ctx.result.rows_read += 1
        if ctx.result.rows_read > max_rows:
            raise FileRejected(too_many_rows(max_rows))
        row = _parse_row(number, cells, header, kind, ctx)
        if row is not None and _first_in_file(row, kind, seen, ctx):
            yield row


def _dry_run(
    rows: Iterator[tuple[int, list[Any]]],
    header: Header,
    kind: Kind,
    ctx: ImportContext,
    chunk_size: int,
    ip: str | None,
) -> None:
    """Validate without holding the write lock for the file's length. Every row is parsed and
    checked outside any transaction; the writers (names to resolve, records to compare) then
    run, rolled back, on the first ZHAOLUO_LEDGER_PREVIEW_ROWS rows only. SQLite transactions
    begin IMMEDIATE, so the old whole-file dry run locked out every writer, logins included,
    for minutes. A file within the sample is previewed exactly as confirming will do; a longer
    one says its counts are the sample's, and confirming checks everything again."""
    sample_size: int = settings.ZHAOLUO_LEDGER_PREVIEW_ROWS
    sample: list[Row] = []
    for row in _checked_rows(rows, header, kind, ctx):
        if len(sample) < sample_size:
            sample.append(row)
        else:
            ctx.result.not_sampled += 1
    with context.using(context.RequestContext(ip=ip, source="import")), transaction.atomic():
        for start in range(0, len(sample), chunk_size):
            _write(sample[start : start + chunk_size], kind, ctx)
        transaction.set_rollback(True)
    ctx.result.errors.sort(key=lambda issue: issue.row)
    ctx.result.warnings.sort(key=lambda issue: issue.row)


def _unquoted(cell: Any) -> Any:
    """Our exports put `'` before text a spreadsheet would run as a formula (xlsx.safe_text);
    reading such a file back takes exactly that apostrophe off again, so the round trip holds."""
    if isinstance(cell, str) and len(cell) > 1 and cell[0] == "'" and cell[1] in FORMULA_STARTS:
        return cell[1:]
    return cell


def _parse_row(number: int, cells: list[Any], header: Header, kind: Kind, ctx: ImportContext) -> Row | None:
    values: dict[str, Any] = {}
    raw: dict[str, Any] = {}
    ok = True
    for index, column in header.columns:
        cell = _unquoted(cells[index]) if index < len(cells) else None
        raw[column.key] = cell
        if cell is UNCALCULATED:
            ctx.error(number, column.key, UNCALCULATED_MESSAGE)
            ok = False
            continue
        if column.required and is_blank(cell):
            ctx.error(number, column.key, "必填，不能为空", cell)
            ok = False
            continue
        try:
            values[column.key] = column.parse(cell)
        except ParseError as exc:
            ctx.error(number, column.key, exc.message, cell)
            ok = False
    if not ok:
        return None
    problems = kind.check_row(values)
    for key, message in problems:
        ctx.error(number, key, message, raw.get(key))
    return None if problems else Row(number, values, raw)


def _first_in_file(row: Row, kind: Kind, seen: dict[str, dict[Any, int]], ctx: ImportContext) -> bool:
    # Unique columns first: a row keyed by its name repeats both the key and the name, and the
    # clerk should read that once, against the column, not twice.
    checks: list[tuple[str, Any]] = [(key, row.values.get(key)) for key in kind.unique_in_file]
    if kind.row_key is not None:
        checks.append(("__key__", kind.row_key(row.values)))
    ok = True
    reported: set[int] = set()
    for slot, value in checks:
        if value in (None, "", ()):
            continue
        earlier = seen[slot].get(value)
        if earlier is not None:
            if earlier not in reported:
                if slot == "__key__":
                    column, shown = _key_columns(kind, value, row, ctx)
                else:
                    column, shown = slot, row.raw.get(slot)
                ctx.error(row.number, column, f"与第{earlier}行重复", shown)
                reported.add(earlier)
            ok = False
        else:
            seen[slot][value] = row.number
    return ok


def _key_columns(kind: Kind, key: Any, row: Row, ctx: ImportContext) -> tuple[str, Any]:
    """The column(s) a repeated record key is reported against, as the file writes them, and
    the cell value shown: a clerk looks for `第13行 项目编号`, not for a bare row."""
    keys = kind.column_keys()
    if isinstance(key, tuple) and len(key) == 2 and isinstance(key[0], str) and key[0] in keys:
        return key[0], row.raw.get(key[0])
    named = [k for k in kind.key_columns if k in ctx.shown and not is_blank(row.raw.get(k))]
    if len(named) == 1:
        return named[0], row.raw.get(named[0])
    # A composite key (资金: 项目 + 期间 + 来源) names each of its columns; the value is left out.
    return "、".join(ctx.header(k) for k in named), None


def _write(chunk: Sequence[Row], kind: Kind, ctx: ImportContext) -> None:
    """One savepoint per chunk: a database error is reported, and later chunks still get checked."""
    try:
        with transaction.atomic():
            kind.write(chunk, ctx)
    except DatabaseError as exc:
        ctx.error(chunk[0].number, "", f"第{chunk[0].number}–{chunk[-1].number}行写入数据库失败：{exc}")


def _record_run(kind: Kind, ctx: ImportContext, result: ImportResult) -> ImportRun:
    run = ImportRun.objects.create(
        kind=kind.name,
        district=ctx.district,
        file_name=result.file_name[:255],
        sha256=result.sha256,
        by=ctx.by if ctx.by is not None and ctx.by.is_authenticated else None,
        rows_read=result.rows_read,
        created=result.created,
        updated=result.updated,
        unchanged=result.unchanged,
        warnings=len(result.warnings),
    )
    audit.record(
        actor=ctx.by,
        action="ledger.imported",
        obj=run,
        after={
            "kind": kind.name,
            "file": result.file_name,
            "sha256": result.sha256,
            "rows_read": result.rows_read,
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "warnings": len(result.warnings),
        },
    )
    return run
