"""Workbooks that look right in Excel but read wrong (security issue #11): a hidden sheet in
front of the visible one, formulas saved without a calculated value, a repeated 项目编号."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from zhaoluo.projects.models import Project

from .conftest import counts, write_csv, write_xlsx, zhaoluo

pytestmark = pytest.mark.django_db
HEADER = ["项目编号", "项目名称", "计划总投资（万元）"]


def _workbook(path: Path, sheets: list[tuple[str, str, list[list[object]]]]) -> Path:
    """Sheets as (title, state, rows); the first one replaces openpyxl's default sheet."""
    workbook = Workbook()
    default = workbook.active
    assert default is not None
    workbook.remove(default)
    for title, state, rows in sheets:
        sheet = workbook.create_sheet(title)
        sheet.sheet_state = state
        for row in rows:
            sheet.append(row)
    # At least one visible sheet must be active, or Excel (and openpyxl) call the file broken.
    workbook.active = next(i for i, (_, state, _) in enumerate(sheets) if state == "visible")
    workbook.save(path)
    return path


def test_a_hidden_first_sheet_is_passed_over_for_the_first_visible_one_with_a_warning(world, tmp_path):
    path = _workbook(
        tmp_path / "hidden.xlsx",
        [
            ("旧版", "hidden", [HEADER, ["OLD-1", "旧表里的项目", 100]]),
            ("对照表", "veryHidden", [["代码", "名称"]]),
            ("项目台账", "visible", [HEADER, ["XZ-1", "看得见的项目", 200]]),
        ],
    )
    result = zhaoluo("import", "projects", str(path))
    assert result.code == 0, result.err
    assert Project.objects.get(code="XZ-1").name == "看得见的项目"
    assert not Project.objects.filter(name="旧表里的项目").exists()
    assert result.warnings == [
        "第1行: 工作簿中有隐藏的工作表“旧版”、“对照表”，未导入；导入的是第一个可见的工作表“项目台账”"
    ]


def test_a_workbook_whose_sheets_are_all_hidden_is_refused_as_a_whole(world, tmp_path):
    path = tmp_path / "all_hidden.xlsx"
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(HEADER)
    sheet.append(["XZ-1", "藏起来的项目", 200])
    workbook.save(path)
    # openpyxl refuses to save a workbook without a visible sheet; Excel files can still say so.
    _rewrite(path, "xl/workbook.xml", b'state="visible"', b'state="hidden"')
    before = counts()
    result = zhaoluo("import", "projects", str(path))
    assert result.code == 1
    assert "工作簿中没有可见的工作表" in result.err
    assert counts() == before


def _rewrite(path: Path, member: str, old: bytes, new: bytes) -> None:
    import zipfile

    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    assert old in parts[member]
    parts[member] = parts[member].replace(old, new)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def test_formulas_without_a_calculated_value_are_named_and_nothing_is_written(world, tmp_path):
    # openpyxl writes formulas as Excel would with calculation off: no cached value.
    rows: list[list[object]] = [
        HEADER,
        ["XZ-1", "双沟纺纱", "=100*150"],
        ["XZ-2", '=CONCAT("黄集","粮油")', 12000],
        ["XZ-3", "=B2", "=C2"],  # a row of formulas only: it must not be skipped as blank
    ]
    path = write_xlsx(tmp_path / "formulas.xlsx", rows, cells=lambda v: v)
    before = counts()
    result = zhaoluo("import", "projects", str(path))
    assert result.code == 2
    assert result.errors == [
        "第2行 计划总投资（万元）: 公式没有计算结果，请在 Excel 中重新计算后保存",
        "第3行 项目名称: 公式没有计算结果，请在 Excel 中重新计算后保存",
        "第4行 项目名称: 公式没有计算结果，请在 Excel 中重新计算后保存",
        "第4行 计划总投资（万元）: 公式没有计算结果，请在 Excel 中重新计算后保存",
    ]
    assert counts() == before


def test_formulas_saved_with_their_values_import_as_those_values(world, tmp_path):
    path = write_xlsx(tmp_path / "calculated.xlsx", [HEADER, ["XZ-1", "双沟纺纱", "=100*150"]], cells=lambda v: v)
    # What Excel writes after calculating: the formula and its cached result side by side.
    _rewrite(path, "xl/worksheets/sheet1.xml", b"<f>100*150</f><v></v>", b"<f>100*150</f><v>15000</v>")
    result = zhaoluo("import", "projects", str(path))
    assert result.code == 0, result.err
    assert Project.objects.get(code="XZ-1").planned_investment == 15000


def test_a_repeated_project_code_is_reported_against_its_column(world, tmp_path):
    path = write_csv(
        tmp_path / "repeated.csv",
        [HEADER, ["XZ-1", "双沟纺纱", "100"], ["XZ-2", "黄集粮油", "200"], ["XZ-1", "张集物流", "300"]],
    )
    before = counts()
    result = zhaoluo("import", "projects", str(path))
    assert result.code == 2
    assert result.errors == ["第4行 项目编号: 与第2行重复"]
    assert counts() == before


def test_a_repeated_credit_code_is_reported_against_its_column(world, tmp_path):
    path = write_csv(
        tmp_path / "repeated.csv",
        [
            ["统一社会信用代码", "企业名称"],
            ["91420600MA4KXHFN20", "襄阳华中纺织有限公司"],
            ["91420600MA4KXHFN20", "另一个名字有限公司"],
        ],
    )
    result = zhaoluo("import", "enterprises", str(path))
    assert result.code == 2
    assert result.errors == ["第3行 统一社会信用代码: 与第2行重复"]


def test_a_repeated_fund_row_names_the_columns_of_its_key(world, tmp_path):
    header = ["项目名称", "期间", "到位资金（万元）", "资金来源"]
    row = [world.project.name, "2020-03", "100", "省外"]
    path = write_csv(tmp_path / "funds.csv", [header, row, row])
    result = zhaoluo("import", "funds", str(path))
    assert result.code == 2
    assert result.errors == ["第3行 项目名称、期间、资金来源: 与第2行重复"]
