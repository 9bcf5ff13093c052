"""Exports are formula-safe (security checklist G8, CWE-1236): text that a spreadsheet would
read as a formula comes out with a leading apostrophe and as a string; numbers stay numbers."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from openpyxl import load_workbook

from zhaoluo.testing import factories as f

from .conftest import FIXTURES, zhaoluo

pytestmark = pytest.mark.django_db
VECTORS = ["=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1", "\r=1", '=HYPERLINK("http://x")']


def sheet_cells(path: Path) -> list[list[object]]:
    workbook = load_workbook(path)
    try:
        return [list(row) for row in workbook.worksheets[0].iter_rows()]
    finally:
        workbook.close()


def test_formula_vectors_in_names_and_investors_are_exported_as_quoted_text(world, tmp_path):
    for i, vector in enumerate(VECTORS):
        f.ProjectFactory.create(
            district=world.district, code=f"INJ-{i}", name=vector, investor=vector, planned_investment=Decimal("30")
        )
    out = tmp_path / "projects.xlsx"
    assert zhaoluo("export", "projects", str(out)).code == 0
    _header, *rows = sheet_cells(out)
    by_code = {row[0].value: row for row in rows}
    for i, vector in enumerate(VECTORS):
        row = by_code[f"INJ-{i}"]
        for cell in (row[1], row[2]):  # 项目名称, 投资方
            assert cell.data_type == "s"
            # A raw CR comes back as LF from the stdlib XML writer and as CR once lxml is installed (openpyxl
            # uses it when present; python-docx brings it); the quote is what matters.
            assert cell.value.replace("\r", "\n") == "'" + vector.replace("\r", "\n")
        amount = row[8]
        assert amount.data_type == "n" and amount.value == 30
    # Ordinary text is left alone.
    plain = next(row for row in rows if row[1].value == "盼盼食品精深加工基地")
    assert plain[2].value == "福建盼盼食品集团"


def test_negative_numbers_stay_numbers_in_an_export(world, tmp_path):
    assert zhaoluo("import", "indicators", str(FIXTURES / "indicators.csv")).code == 0
    out = tmp_path / "indicators.xlsx"
    assert zhaoluo("export", "indicators", str(out)).code == 0
    values = {row[2].value: row[3] for row in sheet_cells(out)[1:] if row[1].value == "2020"}
    growth = values["工业增加值增速"]
    assert growth.data_type == "n" and growth.value == pytest.approx(-3.2)


@pytest.mark.skipif(connection.vendor == "postgresql", reason="PostgreSQL text cannot hold a NUL byte at all")
def test_a_nul_byte_in_text_cannot_smuggle_a_formula_past_the_quote(world, tmp_path):
    f.ProjectFactory.create(district=world.district, code="INJ-NUL", name="\x00=1+1", investor="某公司")
    out = tmp_path / "projects.xlsx"
    assert zhaoluo("export", "projects", str(out)).code == 0
    row = next(r for r in sheet_cells(out)[1:] if r[0].value == "INJ-NUL")
    assert row[1].value == "'=1+1" and row[1].data_type == "s"


def test_an_export_with_quoted_formula_text_imports_back_to_the_original_values(world, tmp_path):
    for i, vector in enumerate(["=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", '=HYPERLINK("http://x")']):
        f.ProjectFactory.create(district=world.district, code=f"INJ-{i}", name=vector, investor=vector)
    out = tmp_path / "projects.xlsx"
    assert zhaoluo("export", "projects", str(out)).code == 0
    result = zhaoluo("import", "projects", str(out))
    assert result.code == 0, result.err
    assert result.out.strip() == "已导入：读取 7 行，新增 0，更新 0，未变 7，警告 0，错误 0"
