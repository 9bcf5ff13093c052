"""Figures on small hand-built datasets; every expected value is worked out by hand."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from zhaoluo.orgs.choices import RegionLevel
from zhaoluo.orgs.models import Region
from zhaoluo.projects.choices import Stage
from zhaoluo.projects.models import FundArrival, Project
from zhaoluo.stats.figures import LABELS, figures, median, to_json, yoy_pct

pytestmark = pytest.mark.django_db
D = dt.date
_seq = iter(range(1, 10_000))


@pytest.fixture
def regions() -> dict[str, Region]:
    province = Region.objects.create(code="420000", name="湖北省", level=RegionLevel.PROVINCE)
    city = Region.objects.create(code="420600", name="襄阳市", level=RegionLevel.CITY, parent=province)
    xz = Region.objects.create(code="420607", name="襄州区", level=RegionLevel.DISTRICT, parent=city)
    xc = Region.objects.create(code="420602", name="襄城区", level=RegionLevel.DISTRICT, parent=city)
    sg = Region.objects.create(code="420607103", name="双沟镇", level=RegionLevel.TOWNSHIP, parent=xz)
    zw = Region.objects.create(code="420607001", name="张湾街道", level=RegionLevel.TOWNSHIP, parent=xz)
    return {"xz": xz, "xc": xc, "sg": sg, "zw": zw}


def project(district: Region, *, township: Region | None = None, **kw: Any) -> Project:
    dates = {k: kw.get(k) for k in ("signed_on", "started_on", "producing_on", "at_capacity_on")}
    stage = Stage.NEGOTIATING
    for name, field in (
        (Stage.SIGNED, "signed_on"),
        (Stage.STARTED, "started_on"),
        (Stage.PRODUCING, "producing_on"),
        (Stage.AT_CAPACITY, "at_capacity_on"),
    ):
        if dates[field]:
            stage = name
    kw.setdefault("planned_investment", Decimal("5000"))
    kw.setdefault("investor", "某投资方" if stage != Stage.NEGOTIATING else "")
    p = Project(district=district, township=township, name=f"项目{next(_seq)}", stage=kw.pop("stage", stage), **kw)
    p.full_clean()
    p.save()
    return p


def fund(p: Project, period: dt.date, amount: str) -> FundArrival:
    return FundArrival.objects.create(project=p, period=period, amount=Decimal(amount))


def stats_json(*args: str) -> dict[str, Any]:
    out = StringIO()
    call_command("stats", *args, "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def test_no_data_at_all_is_null_everywhere() -> None:
    result = figures(year=2020)
    assert list(result) == list(LABELS)
    assert all(value is None for value in result.values())


def test_counts_are_zero_not_null_once_projects_exist(regions: dict[str, Region]) -> None:
    project(regions["xz"], is_key=True, signed_on=D(2019, 5, 1))
    result = figures(year=2020)
    assert result["key_projects_signed"] == 0
    assert result["key_projects_started"] == 0
    assert result["strategic_100m_signed"] == 0
    assert result["funds_arrived"] is None
    assert result["funds_yoy_pct"] is None
    assert result["sign_to_start_days"] is None


def test_year_boundaries_1_jan_and_31_dec(regions: dict[str, Region]) -> None:
    xz = regions["xz"]
    project(xz, is_key=True, signed_on=D(2020, 1, 1))  # in
    project(xz, is_key=True, signed_on=D(2020, 12, 31))  # in
    project(xz, is_key=True, signed_on=D(2019, 12, 31))  # out
    project(xz, is_key=True, signed_on=D(2021, 1, 1))  # out
    project(xz, is_key=False, signed_on=D(2020, 6, 1))  # not key
    project(xz, is_key=True, signed_on=D(2019, 3, 1), started_on=D(2020, 1, 1), producing_on=D(2020, 12, 31))
    project(
        xz,
        is_key=True,
        signed_on=D(2018, 3, 1),
        started_on=D(2018, 6, 1),
        producing_on=D(2019, 12, 31),
        at_capacity_on=D(2020, 12, 31),
    )
    project(xz, is_key=True, signed_on=D(2019, 3, 1), started_on=D(2019, 12, 31), producing_on=D(2021, 1, 1))
    result = figures(year=2020)
    assert result["key_projects_signed"] == 2
    assert result["key_projects_started"] == 1
    assert result["key_projects_producing"] == 1
    assert result["key_projects_at_capacity"] == 1


def test_strategic_100m_boundary_is_exactly_10000(regions: dict[str, Region]) -> None:
    xz = regions["xz"]
    on = D(2020, 7, 1)
    project(xz, is_strategic=True, planned_investment=Decimal("10000"), signed_on=on)  # in, not key
    project(xz, is_strategic=True, is_key=True, planned_investment=Decimal("150000"), signed_on=on)  # in
    project(xz, is_strategic=True, planned_investment=Decimal("9999.99"), signed_on=on)  # below 1 亿
    project(xz, is_strategic=False, planned_investment=Decimal("50000"), signed_on=on)  # not strategic
    project(xz, is_strategic=True, planned_investment=Decimal("50000"), signed_on=D(2019, 12, 31))  # 2019
    project(xz, is_strategic=True, planned_investment=Decimal("50000"))  # not signed
    assert figures(year=2020)["strategic_100m_signed"] == 2


def test_funds_sum_and_yoy_round_half_up(regions: dict[str, Region]) -> None:
    p = project(regions["xz"], signed_on=D(2018, 1, 1))
    fund(p, D(2019, 1, 1), "150")
    fund(p, D(2019, 12, 1), "50")  # 2019: 200
    fund(p, D(2020, 1, 1), "1000.5")
    fund(p, D(2020, 12, 1), "0")
    fund(p, D(2020, 6, 1), "234")  # 2020: 1234.5
    fund(p, D(2021, 1, 1), "999")  # not 2020
    result = figures(year=2020)
    assert result["funds_arrived"] == Decimal("1234.5")
    # 1234.5 / 200 = 6.1725 → 517.25 %
    assert result["funds_yoy_pct"] == Decimal("517.25")
    assert stats_json("--year", "2020")["funds_arrived"] == 1234.5


def test_yoy_half_up_not_bankers() -> None:
    # 220.01 / 200 = 1.10005 exactly → 10.005 % → 10.01 (banker's rounding would give 10.00)
    assert yoy_pct(Decimal("220.01"), Decimal("200")) == Decimal("10.01")
    assert yoy_pct(Decimal("3892900"), Decimal("3533560")) == Decimal("10.17")
    assert yoy_pct(Decimal("200"), Decimal("300")) == Decimal("-33.33")
    assert yoy_pct(Decimal("5"), None) is None
    assert yoy_pct(None, Decimal("5")) is None
    assert yoy_pct(Decimal("5"), Decimal("0")) is None


def test_yoy_null_without_previous_year(regions: dict[str, Region]) -> None:
    p = project(regions["xz"], signed_on=D(2020, 1, 1))
    fund(p, D(2020, 3, 1), "800")
    fund(p, D(2018, 3, 1), "800")  # two years back does not count
    result = figures(year=2020)
    assert result["funds_arrived"] == Decimal("800")
    assert result["funds_yoy_pct"] is None


def test_sign_to_start_median_of_even_count(regions: dict[str, Region]) -> None:
    xz = regions["xz"]
    project(xz, signed_on=D(2019, 12, 22), started_on=D(2020, 1, 1))  # 10 days, started 1 Jan
    project(xz, is_key=True, signed_on=D(2020, 3, 1), started_on=D(2020, 3, 21))  # 20
    project(xz, signed_on=D(2020, 12, 1), started_on=D(2021, 1, 1))  # started 2021: out
    project(xz, signed_on=D(2020, 5, 1), started_on=D(2020, 6, 1))  # 31
    project(xz, signed_on=D(2020, 11, 21), started_on=D(2020, 12, 31))  # 40, started 31 Dec
    result = figures(year=2020)
    assert result["sign_to_start_days"] == {"min": 10, "median": Decimal("25.5"), "max": 40}
    assert stats_json("--year", "2020")["sign_to_start_days"] == {"min": 10, "median": 25.5, "max": 40}


def test_median_odd_and_single() -> None:
    assert median([38]) == 38
    assert median([5, 1, 9]) == 5
    assert median([1, 2]) == Decimal("1.5")


def test_region_filter_district_and_township(regions: dict[str, Region]) -> None:
    on = D(2020, 4, 1)
    in_sg = project(regions["xz"], township=regions["sg"], is_key=True, signed_on=on)
    in_zw = project(regions["xz"], township=regions["zw"], is_key=True, signed_on=on)
    project(regions["xz"], is_key=True, signed_on=on)  # district, no township
    other = project(regions["xc"], is_key=True, signed_on=on)
    fund(in_sg, on, "100")
    fund(in_zw, on, "20")
    fund(other, on, "5")
    assert figures(year=2020)["key_projects_signed"] == 4
    assert figures(year=2020)["funds_arrived"] == Decimal("125")
    district = figures(year=2020, region=regions["xz"])
    assert district["key_projects_signed"] == 3
    assert district["funds_arrived"] == Decimal("120")
    township = stats_json("--year", "2020", "--region", "420607103")
    assert township["key_projects_signed"] == 1
    assert township["funds_arrived"] == 100
    assert figures(year=2020, region=regions["xc"])["funds_arrived"] == Decimal("5")


def test_region_without_projects_is_null(regions: dict[str, Region]) -> None:
    project(regions["xz"], is_key=True, signed_on=D(2020, 4, 1))
    assert stats_json("--year", "2020", "--region", "420602")["key_projects_signed"] is None


def test_unknown_region_is_a_clear_chinese_error(regions: dict[str, Region]) -> None:
    with pytest.raises(CommandError, match="未知的地区代码：999999"):
        call_command("stats", "--year", "2020", "--region", "999999")


def test_json_numbers_are_plain() -> None:
    text = to_json({"a": Decimal("3892900.00"), "b": Decimal("1234.50"), "c": None, "d": "襄州"})
    assert text == '{"a": 3892900, "b": 1234.5, "c": null, "d": "襄州"}'


def test_table_has_chinese_labels_and_keys(regions: dict[str, Region]) -> None:
    project(regions["xz"], is_key=True, signed_on=D(2020, 4, 1))
    out = StringIO()
    call_command("stats", "--year", "2020", "--format", "table", stdout=out)
    text = out.getvalue()
    for key, label in LABELS.items():
        line = next(row for row in text.splitlines() if key in row)
        assert line.startswith(label)
    assert "无数据" in text  # funds


@pytest.mark.django_db
def test_the_json_object_has_every_key_of_the_contract_and_unrecorded_ones_are_null():
    result = figures(year=2020)
    assert list(result) == [
        "key_projects_signed",
        "key_projects_started",
        "key_projects_producing",
        "key_projects_at_capacity",
        "strategic_100m_signed",
        "funds_arrived",
        "funds_yoy_pct",
        "sign_to_start_days",
        "cadres_paired",
        "enterprises_paired",
        "problems_raised",
        "problems_resolved",
        "problems_resolved_on_time",
        "problems_overdue",
        "pairing_problems_resolved",
    ]
    assert all(value is None for value in result.values())  # an empty platform has no data at all
