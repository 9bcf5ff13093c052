"""Funds, enterprises and indicators through the same engine, and the export → import round
trip of every kind: export, import the export (nothing changes), export again (same cells)."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from zhaoluo.core.models import AuditEvent
from zhaoluo.enterprises.models import Enterprise
from zhaoluo.indicators.models import IndicatorValue
from zhaoluo.projects.models import FundArrival

from .conftest import FIXTURES, counts, fixture_rows, write_csv, zhaoluo

pytestmark = pytest.mark.django_db


def cells(path: Path) -> list[tuple[object, ...]]:
    workbook = load_workbook(path)
    try:
        return [tuple(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    finally:
        workbook.close()


def load(kind: str, name: str) -> None:
    result = zhaoluo("import", kind, str(FIXTURES / name))
    assert result.code == 0, result.err


@pytest.mark.parametrize(
    ("kind", "fixtures", "rows"),
    [
        ("projects", [("projects", "projects_2020.csv")], 62),  # the world's 2 + the ledger's 60
        ("funds", [("projects", "projects_2020.csv"), ("funds", "funds_2020.csv")], 11),
        ("enterprises", [("enterprises", "enterprises.csv")], 6),  # the world's 1 + 5
        ("indicators", [("indicators", "indicators.csv")], 6),
    ],
)
def test_an_export_imports_back_to_the_same_state_and_exports_the_same_cells(world, tmp_path, kind, fixtures, rows):
    for fixture_kind, name in fixtures:
        load(fixture_kind, name)
    first = tmp_path / "first.xlsx"
    assert zhaoluo("export", kind, str(first)).code == 0
    before = counts()

    again = zhaoluo("import", kind, str(first))
    assert again.code == 0, again.err
    assert again.out.strip() == f"已导入：读取 {rows} 行，新增 0，更新 0，未变 {rows}，警告 0，错误 0"
    # Only the import run and its audit row are new.
    assert counts() == {**before, "ImportRun": before["ImportRun"] + 1, "AuditEvent": before["AuditEvent"] + 1}

    second = tmp_path / "second.xlsx"
    assert zhaoluo("export", kind, str(second)).code == 0
    assert cells(second) == cells(first)
    assert len(cells(first)) == rows + 1


def test_exported_amounts_and_dates_are_numbers_and_dates(world, tmp_path):
    load("projects", "projects_2020.csv")
    out = tmp_path / "projects.xlsx"
    assert zhaoluo("export", "projects", str(out)).code == 0
    header, *data = cells(out)
    assert header[8] == "计划总投资（万元）" and header[15] == "签约日期"
    row = next(r for r in data if r[0] == "XZ2020-001")
    assert row[8] == 15000 and isinstance(row[8], int | float)
    assert row[15] == dt.datetime(2020, 1, 1)


# Funds -------------------------------------------------------------------------------------

FUNDS_HEADER = ["项目编号", "项目名称", "期间", "到位资金（万元）", "资金来源"]


def test_funds_are_keyed_by_project_period_and_origin(world, tmp_path):
    load("projects", "projects_2020.csv")
    load("funds", "funds_2020.csv")
    changed = fixture_rows("funds_2020.csv")
    assert changed[4] == ["XZ2020-013", "", "2020-01", "20000", "省外"]
    changed[4][3] = "2.2亿元"
    last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
    result = zhaoluo("import", "funds", str(write_csv(tmp_path / "funds.csv", changed)))
    assert result.out.strip() == "已导入：读取 11 行，新增 0，更新 1，未变 10，警告 0，错误 0"
    fund = FundArrival.objects.get(project__code="XZ2020-013", period=dt.date(2020, 1, 1), origin="out_of_province")
    assert fund.amount == Decimal("22000")
    assert (
        FundArrival.objects.get(project__code="XZ2020-013", period=dt.date(2020, 1, 1), origin="in_city").amount == 5000
    )
    events = AuditEvent.objects.filter(id__gt=last).exclude(action="ledger.imported")
    assert [(e.action, e.before, e.after) for e in events] == [
        ("funds.updated", {"amount": "20000"}, {"amount": "22000"})
    ]


def test_funds_of_an_unknown_project_or_a_repeated_key_are_row_errors(world, tmp_path):
    load("projects", "projects_2020.csv")
    rows = [
        FUNDS_HEADER,
        ["XZ2020-013", "", "2020-01", "100", "省外"],
        ["XZ2099-001", "", "2020-01", "100", "省外"],
        ["", "没有这个项目", "2020-01", "100", "省外"],
        ["XZ2020-013", "", "2020年1月", "200", ""],  # 省外 by default: the same key as row 2
        ["XZ2020-013", "签约项目01", "2020-02", "100", "境外"],
        ["", "", "2020-02", "100", "境外"],
        ["XZ2020-014", "", "2020-13", "100", "国外"],
    ]
    before = counts()
    result = zhaoluo("import", "funds", str(write_csv(tmp_path / "funds.csv", rows)))
    assert result.code == 2
    assert result.errors == [
        "第3行 项目编号: 系统中没有这个项目",
        "第4行 项目名称: 系统中没有这个项目",
        "第5行 项目编号、期间: 与第2行重复",
        "第6行 项目名称: 与项目编号 XZ2020-013 的项目名称“续建开工项目01”不一致",
        "第7行 项目编号: 项目编号和项目名称至少填写一项",
        "第8行 期间: 月份不存在：2020-13",
        "第8行 资金来源: “国外”应为 境外 / 省外 / 省内市外 / 市内",
    ]
    assert counts() == before


def test_one_project_named_by_code_in_one_row_and_by_name_in_another_is_a_repeated_row(world, tmp_path):
    load("projects", "projects_2020.csv")
    rows = [
        FUNDS_HEADER,
        ["XZ2020-013", "", "2020-01", "100", "省外"],
        ["", "续建开工项目01", "2020-01", "200", "省外"],
        ["", "续建开工项目01", "2020-01", "300", "境外"],
    ]
    before = counts()
    result = zhaoluo("import", "funds", str(write_csv(tmp_path / "funds.csv", rows)))
    assert result.code == 2
    assert result.errors == ["第3行: 与第2行重复（同一项目、期间、资金来源）"]
    assert counts() == before


def test_funds_of_a_month_still_to_come_are_refused(world, tmp_path):
    load("projects", "projects_2020.csv")
    rows = [FUNDS_HEADER, ["XZ2020-013", "", "2050-01", "100", "省外"]]
    result = zhaoluo("import", "funds", str(write_csv(tmp_path / "funds.csv", rows)))
    assert result.code == 2
    assert result.errors == ["第2行 期间: 不能登记未来月份的到位资金"]


# Enterprises -------------------------------------------------------------------------------


def test_enterprises_are_read_with_normalised_codes_and_keyed_by_them(world):
    load("enterprises", "enterprises.csv")
    lower = Enterprise.objects.get(uscc="91420607MA48A0002Y")  # written in lower case
    assert lower.name == "襄阳张湾粮油有限公司" and lower.industry_code == "0111" and lower.phone == "0710-3456789"
    wide = Enterprise.objects.get(uscc="91420607MA48A00032")  # written full-width
    assert (wide.employees, wide.listing, wide.high_tech_since) == (1200, "listed", dt.date(2021, 3, 1))
    assert Enterprise.objects.get(uscc="91420607MA48A00058").high_tech is True
    again = zhaoluo("import", "enterprises", str(FIXTURES / "enterprises.csv"))
    assert again.out.strip() == "已导入：读取 5 行，新增 0，更新 0，未变 5，警告 0，错误 0"


# Indicators --------------------------------------------------------------------------------


def test_indicator_values_carry_their_provenance_and_regions_by_name_or_code(world):
    path = FIXTURES / "indicators.csv"
    result = zhaoluo("import", "indicators", str(path), "--user", world.economy.username)
    assert result.code == 0, result.err
    values = {
        (v.region.code, v.period_label, v.indicator.name): v
        for v in IndicatorValue.objects.select_related("region", "indicator")
    }
    assert {k: v.value for k, v in values.items()} == {
        ("420607", "2020", "规上工业总产值"): Decimal("6215432.5"),
        ("420607", "2020", "工业增加值增速"): Decimal("-3.2"),
        ("420607", "2020", "规上工业企业数"): Decimal("412"),
        ("420607", "2020-03", "工业投资增速"): Decimal("12.5"),
        ("420600", "2020", "高新技术企业数"): Decimal("1032"),
        ("420607", "2019", "规上工业总产值"): Decimal("5987654"),
    }
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    for value in values.values():
        assert (value.source_file, value.source_sha256, value.imported_by) == ("indicators.csv", digest, world.economy)
        assert value.imported_at is not None


def test_indicator_rows_with_a_wrong_unit_a_bad_sign_or_an_unknown_region_are_rejected(world, tmp_path):
    rows = [
        ["地区", "期间", "指标", "数值", "单位"],
        ["襄州区", "2020", "规上工业总产值", "100", "亿元"],
        ["襄州区", "2020", "规上工业企业数", "-5", ""],
        ["襄州区", "2020", "工业投资增速", "-5", "%"],
        ["樊城区", "2020", "工业投资增速", "5", "%"],
        ["襄州区", "2020", "GDP", "5", ""],
        ["襄州区", "2020-3-1", "工业投资增速", "5", "%"],
    ]
    before = counts()
    result = zhaoluo("import", "indicators", str(write_csv(tmp_path / "ind.csv", rows)))
    assert result.code == 2
    assert result.errors[:3] == [
        "第2行 单位: 单位应为万元",
        "第3行 数值: 规上工业企业数不能为负数",
        "第5行 地区: 系统中没有这个地区（或不在本区范围内）",
    ]
    assert result.errors[3].startswith("第6行 指标: 指标目录中没有“GDP”，可用：规上工业总产值、")
    assert result.errors[4] == "第7行 期间: “2020-3-1”应为年份（2020）或月份（2020-03、2020年3月）"
    assert len(result.errors) == 5  # row 4: a growth rate may be negative
    assert counts() == before


def test_a_changed_indicator_value_takes_the_new_files_provenance(world, tmp_path):
    load("indicators", "indicators.csv")
    rows = fixture_rows("indicators.csv")
    rows[2][3] = "-3.5"
    path = write_csv(tmp_path / "修订.csv", rows)
    result = zhaoluo("import", "indicators", str(path))
    assert result.out.strip() == "已导入：读取 6 行，新增 0，更新 1，未变 5，警告 0，错误 0"
    changed = IndicatorValue.objects.get(indicator__name="工业增加值增速")
    assert changed.value == Decimal("-3.5") and changed.source_file == "修订.csv"
    assert changed.source_sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert IndicatorValue.objects.get(indicator__name="规上工业企业数").source_file == "indicators.csv"


def test_one_indicator_written_by_region_name_and_by_code_in_one_file_is_a_repeated_row(world, tmp_path):
    rows = [
        ["地区", "期间", "指标", "数值", "单位"],
        ["襄州区", "2020", "规上工业企业数", "412", "家"],
        ["420607", "2020年", "规上工业企业数", "413", "家"],
    ]
    before = counts()
    result = zhaoluo("import", "indicators", str(write_csv(tmp_path / "twice.csv", rows)))
    assert result.code == 2
    assert result.errors == ["第3行: 与第2行重复（同一地区、期间、指标）"]
    assert counts() == before


def test_a_changed_indicator_value_moves_its_update_time(world, tmp_path):
    load("indicators", "indicators.csv")
    first = IndicatorValue.objects.get(indicator__name="工业增加值增速")
    rows = fixture_rows("indicators.csv")
    rows[2][3] = "-3.5"
    assert zhaoluo("import", "indicators", str(write_csv(tmp_path / "修订.csv", rows))).code == 0
    first_after = IndicatorValue.objects.get(pk=first.pk)
    assert first_after.version == 2
    assert first_after.updated_at > first.updated_at


def test_enterprise_rows_break_the_way_clerks_break_them_and_are_all_named(world, tmp_path):
    header = fixture_rows("enterprises.csv")[0]
    good = fixture_rows("enterprises.csv")[1]
    rows = [
        header,
        good,
        ["91420607MA48A0001X", "错校验位", "", "", "", "", "", "", "", "", "", "", "", ""],
        [good[0], "同码另名", "", "", "", "", "", "", "", "", "", "", "", ""],
        ["91420607MA48A0002Y", "襄阳双沟纺织有限公司", "", "", "", "", "", "", "", "", "", "", "", ""],
        ["91420607MA48A00032", "坏电话", "", "171", "", "", "否", "2020-01-01", "退市", "", "", "-3", "", "12345"],
    ]
    before = counts()
    result = zhaoluo("import", "enterprises", str(write_csv(tmp_path / "ent.csv", rows)))
    assert result.code == 2
    assert result.errors == [
        "第3行 统一社会信用代码: 统一社会信用代码校验位错误",
        "第4行 统一社会信用代码: 与第2行重复",
        "第5行 企业名称: 与第2行重复",
        "第6行 行业代码: 行业代码应为 GB/T 4754-2017 的 4 位小类代码",
        "第6行 上市状态: “退市”应为 无 / 上市后备 / 已上市",
        "第6行 从业人员: 不能为负数",
        "第6行 联系电话: 联系电话应为 11 位手机号（1 开头）或带区号的座机（如 0710-1234567）",
    ]
    assert counts() == before


def test_a_funds_file_without_the_origin_column_records_its_funds_as_out_of_province(world, tmp_path):
    load("projects", "projects_2020.csv")
    rows = [["项目编号", "期间", "到位资金（万元）"], ["XZ2020-013", "2020-01", "3000"]]
    result = zhaoluo("import", "funds", str(write_csv(tmp_path / "funds.csv", rows)))
    assert result.code == 0, result.err
    fund = FundArrival.objects.get(project__code="XZ2020-013", period=dt.date(2020, 1, 1))
    assert (fund.origin, fund.amount) == ("out_of_province", Decimal("3000"))
