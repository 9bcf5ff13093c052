"""Opening a ledger file safely and reading its rows as a stream.

Everything hostile is refused before a parser sees it: oversized files, zip bombs (declared and
actual sizes, ratio, member count, paths), macro workbooks renamed .xlsx, old .xls, XML with
DTDs or entities, and content that does not match the name. Then .xlsx is read with
python-calamine (Rust; the rows reach Python one at a time) and .csv with the csv module over
an incrementally decoded stream in UTF-8 (with or without BOM) or GB18030, detected.
"""

from __future__ import annotations

import codecs
import csv
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

from defusedxml import ElementTree as SafeET
from django.conf import settings

from . import sheets

XLSX, CSV = "xlsx", "csv"
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and password-protected .xlsx
_MACRO_TYPES = ("macroEnabled", "vbaProject")
_CHUNK = 1 << 20
# Small members (styles, rels) compress far better than 100:1 without being bombs.
_RATIO_FLOOR = 1 << 20
# Rows above the data that a row count before reading may include: title rows and the header
# (the engine looks for the header in the first 30 rows); the engine then counts data rows exactly.
_HEADER_ALLOWANCE = 31


class FileRejected(Exception):
    """The file as a whole is refused; the message is for the user, in Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_unzipped_bytes: int
    max_ratio: int
    max_members: int

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(
            max_bytes=settings.ZHAOLUO_LEDGER_MAX_BYTES,
            max_unzipped_bytes=settings.ZHAOLUO_LEDGER_MAX_UNZIPPED_BYTES,
            max_ratio=settings.ZHAOLUO_LEDGER_MAX_RATIO,
            max_members=settings.ZHAOLUO_LEDGER_MAX_MEMBERS,
        )


def _mib(n: int) -> str:
    return f"{n / (1 << 20):g} MiB"


def detect_format(path: Path, name: str, limits: Limits) -> str:
    """The file's format by its content, which must agree with its name's extension."""
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise FileRejected(f"文件大小 {_mib(size)} 超过上限 {_mib(limits.max_bytes)}")
    if size == 0:
        raise FileRejected("文件是空的")
    suffix = PurePosixPath(name.lower()).suffix
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(_OLE_MAGIC):
        raise FileRejected("不支持 .xls 或加密的工作簿，请在 Excel 中另存为 .xlsx（不加密码）")
    if head.startswith(_ZIP_MAGIC):
        if suffix in {".xlsm", ".xltm", ".xlam"}:
            raise FileRejected("不接受带宏的工作簿（.xlsm），请另存为 .xlsx")
        if suffix != ".xlsx":
            raise FileRejected(f"文件内容是 Excel 工作簿，但扩展名是“{suffix or '无'}”，请使用 .xlsx")
        check_xlsx(path, limits)
        return XLSX
    if suffix == ".csv":
        check_csv(path)
        return CSV
    if suffix == ".xlsx":
        raise FileRejected("文件扩展名是 .xlsx，但内容不是 Excel 工作簿")
    raise FileRejected(f"只接受 .xlsx 或 .csv 文件，收到的是“{suffix or '无扩展名'}”")


def check_xlsx(path: Path, limits: Limits) -> None:
    """Zip structure first (what the central directory declares), then what actually inflates."""
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise FileRejected("工作簿已损坏，无法打开") from exc
    with archive:
        members = archive.infolist()
        if len(members) > limits.max_members:
            raise FileRejected(f"工作簿内部文件数 {len(members)} 超过上限 {limits.max_members}")
        declared = 0
        names = set()
        for member in members:
            member_path = PurePosixPath(member.filename)
            if member_path.is_absolute() or ".." in member_path.parts or "\\" in member.filename:
                raise FileRejected("工作簿内部包含非法路径，已拒绝")
            names.add(member.filename)
            declared += member.file_size
            _check_ratio(member.file_size, member.compress_size, limits)
        if declared > limits.max_unzipped_bytes:
            raise FileRejected(f"工作簿解压后 {_mib(declared)}，超过上限 {_mib(limits.max_unzipped_bytes)}")
        if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
            raise FileRejected("文件不是有效的 .xlsx 工作簿")
        if any(name.lower().endswith("vbaproject.bin") for name in names):
            raise FileRejected("不接受带宏的工作簿（.xlsm），请另存为 .xlsx")
        _check_content_types(archive.read("[Content_Types].xml"))
        actual = 0
        for member in members:
            actual += _inflate_checked(archive, member, limits, limits.max_unzipped_bytes - actual)


def _check_ratio(size: int, compressed: int, limits: Limits) -> None:
    if size > _RATIO_FLOOR and size > limits.max_ratio * max(compressed, 1):
        raise FileRejected(f"工作簿压缩比异常（超过 {limits.max_ratio}:1），疑似压缩炸弹，已拒绝")


def _check_content_types(data: bytes) -> None:
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise FileRejected("工作簿包含不允许的 XML 实体声明，已拒绝")
    try:
        root = SafeET.fromstring(data)
    except Exception as exc:  # defusedxml raises its own errors for entities and DTDs
        raise FileRejected("工作簿结构无效，无法读取") from exc
    for element in root:
        content_type = element.get("ContentType", "")
        if any(marker in content_type for marker in _MACRO_TYPES):
            raise FileRejected("不接受带宏的工作簿（.xlsm），请另存为 .xlsx")


def _inflate_checked(archive: zipfile.ZipFile, member: zipfile.ZipInfo, limits: Limits, budget: int) -> int:
    """Inflate one member without keeping it, counting the bytes that really come out (a
    lying header is caught here) and looking for DTDs, which no genuine workbook has."""
    total = 0
    tail = b""
    is_xml = member.filename.endswith((".xml", ".rels"))
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(_CHUNK):
                total += len(chunk)
                if total > budget:
                    raise FileRejected(f"工作簿解压后超过上限 {_mib(limits.max_unzipped_bytes)}，已拒绝")
                _check_ratio(total, member.compress_size, limits)
                if is_xml:
                    window = tail + chunk
                    if b"<!DOCTYPE" in window or b"<!ENTITY" in window:
                        raise FileRejected("工作簿包含不允许的 XML 实体声明，已拒绝")
                    tail = chunk[-16:]
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
        raise FileRejected("工作簿已损坏，无法打开") from exc
    return total


def check_csv(path: Path) -> None:
    """No text file has a NUL byte; the csv module would pass one through into the cells (and
    PostgreSQL refuses it in text), so the whole file is looked at, not only its head."""
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            if b"\x00" in chunk:
                raise FileRejected("文件不是文本格式的 CSV")


def detect_encoding(path: Path) -> str:
    """UTF-8 (a BOM is dropped) when the whole file decodes as UTF-8, else GB18030 (GBK's
    superset, what Chinese Excel writes). GB18030 decodes every byte string, so a file that is
    neither still opens; its values then fail their own checks, row by row."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as handle:
        try:
            while chunk := handle.read(_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "gb18030"
    return "utf-8-sig"


@dataclass
class Sheet:
    """Rows as (Excel row number, cells); `rows` is a one-pass iterator. `notes` are warnings
    about the workbook as a whole (hidden sheets passed over)."""

    rows: Iterator[tuple[int, list[Any]]]
    encoding: str = ""
    notes: list[str] = field(default_factory=list)


def open_sheet(path: Path, file_format: str) -> Sheet:
    """An .xlsx's first visible sheet, with sheets.UNCALCULATED in formula cells that have no
    value (one more pass over the sheet's XML, made only when it holds formulas)."""
    if file_format == XLSX:
        return _open_xlsx(path)
    encoding = detect_encoding(path)
    if _csv_records_over(path, encoding, settings.ZHAOLUO_LEDGER_MAX_ROWS + _HEADER_ALLOWANCE):
        raise FileRejected(_too_many_rows())
    return Sheet(_csv_rows(path, encoding), encoding=encoding)


def too_many_rows(max_rows: int) -> str:
    return f"文件超过每次导入 {max_rows} 行数据的上限，请拆分为几个文件分别导入"


def _too_many_rows() -> str:
    return too_many_rows(settings.ZHAOLUO_LEDGER_MAX_ROWS)


def _csv_records_over(path: Path, encoding: str, limit: int) -> bool:
    """Whether the CSV has more than `limit` records. Line breaks bound the count from above
    (a quoted cell may span lines), so only a file with that many lines is read as CSV."""
    lines = 0
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            lines += chunk.count(b"\n")
    if lines <= limit:
        return False
    with path.open("r", encoding=encoding, newline="") as handle:
        try:
            return sum(1 for _ in csv.reader(handle)) > limit
        except csv.Error:
            return False  # the reader names the broken row


def _open_xlsx(path: Path) -> Sheet:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        choice = sheets.choose(workbook.sheets_metadata)
        if choice is None:
            workbook.close()
            raise FileRejected("工作簿中没有可见的工作表，请在 Excel 中取消隐藏要导入的工作表")
        with zipfile.ZipFile(path) as archive:
            part = sheets.sheet_part(archive, choice.name)
        # Before calamine loads the sheet (all of it, in memory): a million-row sheet is refused
        # in the time it takes to inflate it once.
        if sheets.row_count(path, part) > settings.ZHAOLUO_LEDGER_MAX_ROWS + _HEADER_ALLOWANCE:
            workbook.close()
            raise FileRejected(_too_many_rows())
        sheet = workbook.get_sheet_by_name(choice.name)
    except FileRejected:
        raise
    except Exception as exc:  # calamine reports every parse failure as its own error types
        raise FileRejected("工作簿无法读取，请确认是 Excel 保存的 .xlsx 文件") from exc
    notes = []
    if choice.hidden:
        names = "、".join(f"“{name}”" for name in choice.hidden)
        notes.append(f"工作簿中有隐藏的工作表{names}，未导入；导入的是第一个可见的工作表“{choice.name}”")
    rows = _xlsx_rows(workbook, sheet)
    uncalculated = sheets.uncalculated_cells(path, part)
    if uncalculated:
        rows = sheets.marked_rows(rows, uncalculated, first_column=sheet.start[1] if sheet.start else 0)
    return Sheet(rows, notes=notes)


def _xlsx_rows(workbook: Any, sheet: Any) -> Iterator[tuple[int, list[Any]]]:
    # calamine (0.9) trims the columns before the first used cell, but iter_rows still yields
    # every row from the top of the sheet, empty ones included: its position is Excel's row
    # number minus one. (Adding sheet.start counted the empty rows above a table twice.)
    try:
        for offset, cells in enumerate(sheet.iter_rows()):
            yield offset + 1, cells
    finally:
        workbook.close()


def _csv_rows(path: Path, encoding: str) -> Iterator[tuple[int, list[Any]]]:
    with path.open("r", encoding=encoding, newline="") as handle:
        reader = csv.reader(handle)
        number = 0
        try:
            # Excel shows one row per record, even when a quoted cell spans lines.
            for number, cells in enumerate(reader, start=1):
                yield number, cells
        except csv.Error as exc:
            raise FileRejected(f"CSV 第{number + 1}行格式错误：{exc}") from exc


def spool(upload: IO[bytes] | Any, directory: Path, name: str) -> Path:
    """Copy an upload to a file of ours (readers need a path) without holding it in memory."""
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / name
    with target.open("wb") as out:
        if hasattr(upload, "chunks"):
            for chunk in upload.chunks():
                out.write(chunk)
        else:
            while chunk := upload.read(_CHUNK):
                out.write(chunk)
    return target
