"""A file with broken rows is rejected whole: exit 2, every broken row named as
`第N行 列名: 说明` with N the row Excel shows, one per line on stderr, and nothing written."""

from __future__ import annotations

import zipfile
from unittest import mock

import pytest
from django.db import DatabaseError
from openpyxl import Workbook

from zhaoluo.ledgers import engine
from zhaoluo.projects.services import ledger as ledger_services

from .conftest import counts, write_csv, write_xlsx, zhaoluo

pytestmark = pytest.mark.django_db

HEADER = [
    "项目编号",
    "项目名称",
    "投资方",
    "投资方信用代码",
    "计划总投资（万元）",
    "重点项目",
    "签约日期",
    "开工日期",
    "终止日期",
    "终止原因",
    "当前阶段",
]
# Each broken row breaks one rule, and each rule a different way; rows 1 and 7 are fine.
ROWS = [
    ["XZ-01", "好项目一", "甲公司", "", "5000", "是", "2020-01-01", "", "", "", "签约"],
    ["XZ-02", "坏金额", "乙公司", "", "一亿", "是", "2020-01-01", "", "", "", ""],
    ["XZ-03", "坏日期", "丙公司", "", "5000", "是", "2020-02-30", "", "", "", ""],
    ["XZ-04", "坏代码", "丁公司", "91110000600037341X", "5000", "否", "2020-01-01", "", "", "", ""],
    ["XZ-05", "阶段不符", "戊公司", "", "5000", "是", "2020-01-01", "", "", "", "开工"],
    ["XZ-06", "", "己公司", "", "5000", "否", "", "", "", "", ""],
    ["XZ-07", "好项目二", "庚公司", "", "1.5亿元", "否", "2020-03-01", "2020-04-01", "", "", ""],
    ["XZ-08", "好项目一", "辛公司", "", "5000", "否", "", "", "", "", ""],
    ["XZ-09", "倒序", "壬公司", "", "5000", "是", "2020-05-01", "2020-04-01", "", "", ""],
    ["XZ-10", "是否不明", "癸公司", "", "5000", "对", "", "", "", "", ""],
    ["XZ-11", "终止无因", "子公司", "", "5000", "否", "2020-01-01", "", "2020-06-01", "", ""],
    ["XZ-12", "无投资方", "", "", "5000", "否", "2020-01-01", "", "", "", ""],
]


def expected(first: int) -> list[str]:
    """The messages, with `first` the Excel row of the first data row."""
    n = [first + i for i in range(len(ROWS))]
    return [
        f"第{n[1]}行 计划总投资（万元）: “一亿”不是金额，应为万元数字，如 15000、15,000、1.5亿元",
        f"第{n[2]}行 签约日期: 日期不存在：2020-02-30",
        f"第{n[3]}行 投资方信用代码: 统一社会信用代码校验位错误",
        f"第{n[4]}行 当前阶段: 当前阶段为开工，但日期显示为签约",
        f"第{n[5]}行 项目名称: 必填，不能为空",
        f"第{n[7]}行 项目名称: 与第{n[0]}行重复",
        f"第{n[8]}行 开工日期: 开工日期不能早于签约日期（2020-05-01）",
        f"第{n[9]}行 重点项目: “对”应为 是 或 否",
        f"第{n[10]}行 终止原因: 终止的项目必须填写终止原因",
        f"第{n[11]}行 投资方: 签约及以后阶段的项目必须填写投资方",
    ]


def test_a_csv_with_ten_broken_rows_is_rejected_naming_each_and_writes_nothing(world, tmp_path):
    path = write_csv(tmp_path / "broken.csv", [HEADER, *ROWS])
    before = counts()
    result = zhaoluo("import", "projects", str(path))
    assert result.code == 2
    assert result.errors == expected(first=2)
    assert result.out.splitlines() == ["已拒绝（未写入）：读取 12 行，新增 0，更新 0，未变 0，警告 0，错误 10"]
    assert counts() == before


def test_row_numbers_count_the_title_rows_above_the_header_as_excel_shows_them(world, tmp_path):
    path = write_xlsx(tmp_path / "broken.xlsx", [HEADER, *ROWS], title="襄州区2020年项目台账", note="单位：万元")
    before = counts()
    result = zhaoluo("import", "projects", str(path))
    assert result.code == 2
    assert result.errors == expected(first=4)
    assert counts() == before


def test_a_dry_run_of_a_broken_file_reports_the_same_errors(world, tmp_path):
    path = write_csv(tmp_path / "broken.csv", [HEADER, *ROWS])
    before = counts()
    result = zhaoluo("import", "projects", str(path), "--dry-run")
    assert result.code == 2
    assert result.errors == expected(first=2)
    assert counts() == before


def test_a_broken_row_after_many_good_ones_still_rolls_back_the_rows_already_written(world, tmp_path, settings):
    good = [
        [f"G-{i:03d}", f"好项目{i:03d}", "某公司", "", "5000", "否", "2020-01-01", "", "", "", ""] for i in range(30)
    ]
    bad = ["G-999", "最后一行", "某公司", "", "5000", "否", "2020-13-01", "", "", "", ""]
    path = write_csv(tmp_path / "late.csv", [HEADER, *good, bad])
    before = counts()
    original = engine.run_import

    def small_chunks(**kw):  # type: ignore[no-untyped-def]
        return original(**{**kw, "chunk_size": 7})  # several chunks are written before the bad row

    with mock.patch("zhaoluo.ledgers.services.run_import", small_chunks):
        result = zhaoluo("import", "projects", str(path))
    assert result.code == 2
    assert result.errors == ["第32行 签约日期: 日期不存在：2020-13-01"]
    assert counts() == before


def test_a_name_repeated_without_a_code_is_reported_once(world, tmp_path):
    rows = [
        ["", "同名项目", "", "", "5000", "否", "", "", "", "", ""],
        ["", "同名项目", "", "", "6000", "否", "", "", "", "", ""],
    ]
    result = zhaoluo("import", "projects", str(write_csv(tmp_path / "dup.csv", [HEADER, *rows])))
    assert result.code == 2
    assert result.errors == ["第3行 项目名称: 与第2行重复"]


def test_row_numbers_count_empty_rows_above_the_header(world, tmp_path):
    path = tmp_path / "low.xlsx"
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.cell(row=5, column=2, value="项目名称")  # the table starts at B5, as some offices lay it out
    sheet.cell(row=5, column=3, value="计划总投资（万元）")
    sheet.cell(row=6, column=2, value="好项目")
    sheet.cell(row=6, column=3, value=5000)
    sheet.cell(row=8, column=2, value="坏项目")  # row 7 left empty
    sheet.cell(row=8, column=3, value="五千")
    workbook.save(path)
    result = zhaoluo("import", "projects", str(path))
    assert result.code == 2
    assert result.errors == ["第8行 计划总投资（万元）: “五千”不是金额，应为万元数字，如 15000、15,000、1.5亿元"]


def test_a_workbook_whose_sheet_cannot_be_read_is_refused_with_exit_1(world, tmp_path):
    good = tmp_path / "good.xlsx"
    workbook = Workbook()
    workbook.save(good)
    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(good) as old, zipfile.ZipFile(broken, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            data = b"<worksheet><sheetData><row r=" if item.filename.endswith("sheet1.xml") else old.read(item)
            new.writestr(item.filename, data)
    before = counts()
    result = zhaoluo("import", "projects", str(broken))
    assert result.code == 1
    assert "工作簿无法读取" in result.err
    assert counts() == before


def test_a_database_failure_in_a_late_chunk_leaves_no_partial_import(world, tmp_path):
    """Checklist G4: a fault injected while writing the third chunk; the first two chunks were
    already written in the same transaction and must be gone too."""
    rows = [
        [f"G-{i:03d}", f"好项目{i:03d}", "某公司", "", "5000", "否", "2020-01-01", "", "", "", ""] for i in range(21)
    ]
    path = write_csv(tmp_path / "fault.csv", [HEADER, *rows])
    before = counts()
    original = engine.run_import
    calls = {"n": 0}
    real_insert = ledger_services._insert

    def failing_third_time(created, ctx):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        real_insert(created, ctx)
        if calls["n"] == 3:
            raise DatabaseError("disk I/O error")

    with (
        mock.patch("zhaoluo.ledgers.services.run_import", lambda **kw: original(**{**kw, "chunk_size": 7})),
        mock.patch.object(ledger_services, "_insert", failing_third_time),
    ):
        result = zhaoluo("import", "projects", str(path))
    assert calls["n"] == 3
    assert result.code == 2
    assert result.errors == ["第16行: 第16–22行写入数据库失败：disk I/O error"]
    assert counts() == before
