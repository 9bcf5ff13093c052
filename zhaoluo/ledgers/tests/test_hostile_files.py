"""Hostile files (security checklist G1–G3): every one is refused before a reader opens it,
with a Chinese message, exit 1, nothing written, and little memory spent on refusing.

Everything is built here at test time; the bombs are streamed into the zip in chunks, so the
test itself never holds the 200 MiB either.
"""

from __future__ import annotations

import struct
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path
from unittest import mock

import pytest
from openpyxl import Workbook

from zhaoluo.ledgers import engine, spec
from zhaoluo.ledgers.engine import run_import

from .conftest import counts, write_csv, zhaoluo

pytestmark = pytest.mark.django_db
MiB = 1 << 20
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="{main}"/></Types>'
)
MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
MACRO_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
WORKBOOK = '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>'
LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
    + ']><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
    "<si><t>&lol9;</t></si></sst>"
)


def skeleton(archive: zipfile.ZipFile, main: str = MAIN) -> None:
    archive.writestr("[Content_Types].xml", CONTENT_TYPES.format(main=main))
    archive.writestr("xl/workbook.xml", WORKBOOK)


def streamed_member(archive: zipfile.ZipFile, name: str, size: int, chunk: bytes = b"<c><v>0</v></c>" * 4096) -> None:
    """A member of `size` bytes of repeated XML, written chunk by chunk."""
    with archive.open(name, "w", force_zip64=False) as member:
        member.write(b'<?xml version="1.0"?><worksheet><sheetData><row r="1">')
        written = 0
        while written < size:
            member.write(chunk)
            written += len(chunk)


@pytest.fixture(scope="module")
def bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 200 MiB worksheet in a zip of about 200 KiB."""
    path = tmp_path_factory.mktemp("hostile") / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        skeleton(archive)
        streamed_member(archive, "xl/worksheets/sheet1.xml", 200 * MiB)
    return path


def lying_header(path: Path) -> Path:
    """A 40 MiB worksheet whose local and central headers claim 4 KiB: ratio and size checks
    that trust the headers pass, so only counting what really inflates catches it."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        skeleton(archive)
        streamed_member(archive, "xl/worksheets/sheet1.xml", 40 * MiB)
    data = bytearray(path.read_bytes())
    name = b"xl/worksheets/sheet1.xml"
    # Local file header: sizes at +18 (compressed) and +22 (uncompressed).
    local = data.rfind(b"PK\x03\x04", 0, data.index(name) + 1)
    struct.pack_into("<I", data, local + 22, 4096)
    # Central directory entry: uncompressed size at +24.
    central = data.rfind(b"PK\x01\x02", 0, data.rindex(name) + 1)
    struct.pack_into("<I", data, central + 24, 4096)
    path.write_bytes(bytes(data))
    with zipfile.ZipFile(path) as archive:
        assert archive.getinfo("xl/worksheets/sheet1.xml").file_size == 4096
    return path


def real_workbook(path: Path) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["项目名称", "计划总投资（万元）"])
    sheet.append(["双沟纺纱", 5000])
    workbook.save(path)
    return path


def rewritten(source: Path, target: Path, replace: dict[str, bytes], add: dict[str, bytes] | None = None) -> Path:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            new.writestr(item.filename, replace.get(item.filename, old.read(item.filename)))
        for name, data in {**replace, **(add or {})}.items():
            if name not in old.namelist():
                new.writestr(name, data)
    return target


def laughs(tmp: Path) -> Path:
    return rewritten(real_workbook(tmp / "ok.xlsx"), tmp / "laughs.xlsx", {"xl/sharedStrings.xml": LAUGHS.encode()})


def macro_workbook(tmp: Path) -> Path:
    source = real_workbook(tmp / "ok.xlsx")
    with zipfile.ZipFile(source) as archive:
        types = archive.read("[Content_Types].xml").decode()
    types = types.replace(MAIN, MACRO_MAIN)
    return rewritten(
        source, tmp / "宏.xlsx", {"[Content_Types].xml": types.encode()}, {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0"}
    )


def macro_content_type_only(tmp: Path) -> Path:
    source = real_workbook(tmp / "ok.xlsx")
    with zipfile.ZipFile(source) as archive:
        types = archive.read("[Content_Types].xml").decode().replace(MAIN, MACRO_MAIN)
    return rewritten(source, tmp / "宏2.xlsx", {"[Content_Types].xml": types.encode()})


def many_members(tmp: Path) -> Path:
    path = tmp / "many.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        skeleton(archive)
        for i in range(10_000):
            archive.writestr(f"xl/media/m{i}.xml", b"<a/>")
    return path


def evil_path(tmp: Path) -> Path:
    return rewritten(real_workbook(tmp / "ok.xlsx"), tmp / "evil.xlsx", {}, {"../evil": b"owned"})


def absolute_path(tmp: Path) -> Path:
    return rewritten(real_workbook(tmp / "ok.xlsx"), tmp / "abs.xlsx", {}, {"/etc/evil": b"owned"})


def exe(tmp: Path) -> Path:
    path = tmp / "台账.xlsx"
    path.write_bytes(b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + bytes(4096))
    return path


def html(tmp: Path) -> Path:
    path = tmp / "台账.xlsx"
    path.write_bytes("<html><body><script>alert(1)</script><table><tr><td>项目名称</td></tr></table>".encode())
    return path


def ole2(tmp: Path) -> Path:
    path = tmp / "老台账.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096))
    return path


def xlsx_named_csv(tmp: Path) -> Path:
    return Path(real_workbook(tmp / "ok.xlsx").rename(tmp / "台账.csv"))


def nul_early(tmp: Path) -> Path:
    path = tmp / "nul.csv"
    path.write_bytes("项目名称,计划总投资（万元）\n双沟\x00纺纱,5000\n".encode())
    return path


def nul_late(tmp: Path) -> Path:
    rows = [["项目名称", "计划总投资（万元）"]] + [[f"项目{i:05d}", "5000"] for i in range(2000)]
    path = write_csv(tmp / "nul-late.csv", rows)
    path.write_bytes(path.read_bytes() + "末行\x00,5000\n".encode())
    assert path.stat().st_size > 16 * 1024
    return path


def truncated(tmp: Path) -> Path:
    data = real_workbook(tmp / "ok.xlsx").read_bytes()
    path = tmp / "cut.xlsx"
    path.write_bytes(data[: len(data) // 2])
    return path


def empty(tmp: Path) -> Path:
    path = tmp / "empty.csv"
    path.write_bytes(b"")
    return path


HOSTILE: list[tuple[str, Callable[[Path], Path], str]] = [
    ("billion laughs in sharedStrings.xml", laughs, "XML 实体声明"),
    (".xlsm renamed .xlsx", macro_workbook, "不接受带宏的工作簿"),
    ("macro content type without vbaProject.bin", macro_content_type_only, "不接受带宏的工作簿"),
    ("10,000-member zip", many_members, "内部文件数 10002 超过上限 1000"),
    ("../evil member", evil_path, "非法路径"),
    ("absolute member path", absolute_path, "非法路径"),
    (".exe renamed .xlsx", exe, "内容不是 Excel 工作簿"),
    (".html renamed .xlsx", html, "内容不是 Excel 工作簿"),
    ("OLE2 .xls renamed .xlsx", ole2, "不支持 .xls"),
    ("a workbook named .csv", xlsx_named_csv, "扩展名是“.csv”"),
    ("CSV with a NUL byte", nul_early, "不是文本格式的 CSV"),
    ("CSV with a NUL byte after the first 16 KiB", nul_late, "不是文本格式的 CSV"),
    ("truncated workbook", truncated, "工作簿已损坏"),
    ("empty file", empty, "文件是空的"),
]


@pytest.mark.parametrize(("build", "message"), [(b, m) for _, b, m in HOSTILE], ids=[name for name, _, _ in HOSTILE])
def test_a_hostile_file_is_refused_before_parsing_with_exit_1_and_nothing_written(world, tmp_path, build, message):
    path = build(tmp_path)
    before = counts()
    with mock.patch.object(engine, "open_sheet", side_effect=AssertionError("a reader was opened")) as reader:
        result = zhaoluo("import", "projects", str(path))
    assert result.code == 1, result.out + result.err
    assert message in result.err
    assert result.out == ""
    reader.assert_not_called()
    assert counts() == before


def refusing_costs(path: Path, district) -> tuple[str, int]:  # type: ignore[no-untyped-def]
    tracemalloc.start()
    try:
        result = run_import(kind=spec.get("projects"), path=path, file_name=path.name, by=None, district=district)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result.file_error, peak


def test_a_200_mib_worksheet_zipped_small_is_refused_as_a_bomb_cheaply(world, bomb):
    assert bomb.stat().st_size < 1 * MiB
    before = counts()
    message, peak = refusing_costs(bomb, world.district)
    assert "疑似压缩炸弹" in message
    assert peak < 50 * MiB
    assert counts() == before
    result = zhaoluo("import", "projects", str(bomb))
    assert result.code == 1 and "疑似压缩炸弹" in result.err


def test_a_zip_whose_headers_understate_the_size_is_caught_while_inflating(world, tmp_path):
    path = lying_header(tmp_path / "liar.xlsx")
    before = counts()
    message, peak = refusing_costs(path, world.district)
    assert message == "工作簿已损坏，无法打开"  # zipfile stops at the claimed size and the CRC fails
    assert peak < 50 * MiB
    assert counts() == before


def test_a_file_over_the_size_limit_is_refused_by_its_size(world, tmp_path, settings):
    settings.ZHAOLUO_LEDGER_MAX_BYTES = 1024
    rows = [["项目名称", "计划总投资（万元）"]] + [[f"项目{i:04d}", "5000"] for i in range(200)]
    path = write_csv(tmp_path / "big.csv", rows)
    result = zhaoluo("import", "projects", str(path))
    assert result.code == 1
    assert "文件大小" in result.err and "超过上限" in result.err


def test_inflated_size_above_the_limit_is_refused_even_at_an_innocent_ratio(world, tmp_path, settings):
    settings.ZHAOLUO_LEDGER_MAX_UNZIPPED_BYTES = 2 * MiB
    path = tmp_path / "large.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:  # stored: ratio 1:1
        skeleton(archive)
        streamed_member(archive, "xl/worksheets/sheet1.xml", 3 * MiB)
    result = zhaoluo("import", "projects", str(path))
    assert result.code == 1 and "解压后" in result.err and "超过上限 2 MiB" in result.err


def test_a_genuine_workbook_still_imports(world, tmp_path):
    result = zhaoluo("import", "projects", str(real_workbook(tmp_path / "ok.xlsx")))
    assert result.code == 0, result.err
