"""The issue's "Done when": realistic ledgers import with exit 0 and `zhaoluo stats` gives the
figures counted by hand from the files.

The fixtures are plain CSV text in fixtures/, written in groups so that they can be counted by
reading them (the world's own two projects have no dates and count for nothing):

projects_2020.csv (60 rows, UTF-8, mixed date and amount forms, blank stages, 六个一 columns)
  rows  1–12 key, 签约 2020, not started        → 12 key signed
                 strategic ≥ 10000: rows 1 (1.5亿元), 2 (12,000), 5 (20000万元), 6 (10000),
                 11 (2亿元) = 5; rows 3 (8000), 7 (9999.99), 10 (0.8亿元) are below 1 亿
  rows 13–24 key, 签约 2019-12-01, 开工 2020-01-01…01-12 → 12 key started; 31…42 days
  rows 25–30 key, 签约 2020-03-01, 开工 03-06…03-31 (5,10,…,30 days) → 6 signed, 6 started;
                 rows 29, 30 投产 2020-06-30 → 2 producing; row 30 达产 2020-12-31 → 1;
                 row 25 strategic 100000 → 1
  rows 31–36 key, 签约 2018, 开工 2019, 投产 2020 → 6 producing; 达产 2020 rows 35, 36 → 2
                 (row 33 达产 2021-01-01 does not count)
  rows 37–44 not key, 签约 2020; strategic ≥ 1 亿: 37, 38, 39 (1亿 = 10000), 42, 44 → 5;
                 started 2020: 37 (1 day), 38 (2020-06-01→12-31: 213 days), 39 (0 days)
  rows 45–50 no dates (在谈/线索/blank)               → nothing
  rows 51–54 key, 终止 2020: 51, 52 signed 2020 → 2 key signed, 51 strategic 20000 → 1
  rows 55–60 dates outside 2020                     → nothing
  key_projects_signed 12+6+2 = 20, started 12+6 = 18, producing 2+6 = 8, at capacity 1+2 = 3,
  strategic_100m_signed 5+1+5+1 = 12; sign_to_start over 21 projects:
  0 1 5 10 15 20 25 30 31 32 [33] 34 … 42 213 → min 0, median 33, max 213.

funds_2020.csv: 2019 = 40000 + 2.5亿元 + 35,000 = 100000;
  2020 = 20000 + 5000 + 1.2亿元 + 8,000.5 + 30000万元 + 15170 + 20000 = 110170.5;
  yoy = (110170.5 / 100000 − 1) × 100 = 10.1705 → 10.17; the 2021 row counts for neither.

projects_2021_titled.csv becomes an .xlsx with a merged title row and a note row above the
header (row 3), ISO dates as date cells and whole amounts as number cells:
  rows 1–6 key 签约 2021 (strategic ≥ 1 亿: 1 (15000), 2 (1.2亿元); 3 is 9000) → 6 signed
  rows 7–12 key 签约 2020, 开工 2021: 31, 61, 92, 1, 11, 365 days → 6 started
  rows 13–16 not key 签约 2021; 13, 14, 15 开工 after 10, 20, 30 days; strategic ≥ 1 亿: 13, 16
  rows 17–20 key 投产 2021: 17, 18, 19 → 3 (20 投产 2020); 达产 2021: 19, 20 → 2
  rows 21–24: 在谈, 线索, 23 key 签约 2021 then 终止 → 1 signed, 24 签约 2022
  → signed 6+1 = 7, started 6, producing 3, at capacity 2, strategic 2+2 = 4,
    days 1 10 11 20 [30] 31 61 92 365 → min 1, median 30, max 365; no funds → null.

projects_2022_gbk.csv is saved as GB18030 with CRLF, as Chinese Excel writes CSV:
  key signed 2022: rows 1–5, 6–9, 18 (终止) = 10; key started 2022: rows 6–9 = 4;
  key producing 2022: 8, 9, 17 = 3; key at capacity 2022: 9 = 1;
  strategic ≥ 1 亿 signed 2022: 1 (10000), 2 (1亿元), 10 (3亿), 14 (２００００) = 4 (4 is 5000,
  15 has no 签约, 16 and 19 are other years); started 2022: 6 (10 days), 7 (2022-02-01→03-01:
  28), 8 (31), 9 (0), 11 (2021-12-25→2022-01-04: 10) → min 0, median 10, max 31.
funds_2022.csv: 1234.56 + 2,000 + 0.0222亿元 (222) = 3456.56; no 2021 rows → yoy null.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from zhaoluo.projects.choices import Light, Stage
from zhaoluo.projects.models import FundArrival, Project

from .conftest import FIXTURES, fixture_rows, stats, write_csv, write_xlsx, zhaoluo

pytestmark = pytest.mark.django_db
NOT_YET_RECORDED = {
    "cadres_paired": None,
    "enterprises_paired": None,
    "pairing_problems_resolved": None,
    "problems_raised": None,
    "problems_resolved": None,
    "problems_resolved_on_time": None,
    "problems_overdue": None,
}


def test_the_2020_ledgers_of_60_projects_and_their_funds_give_the_figures_counted_by_hand(world):
    projects = zhaoluo("import", "projects", str(FIXTURES / "projects_2020.csv"))
    assert projects.code == 0, projects.err
    assert projects.out.strip().endswith("读取 60 行，新增 60，更新 0，未变 0，警告 8，错误 0")
    funds = zhaoluo("import", "funds", str(FIXTURES / "funds_2020.csv"))
    assert funds.code == 0, funds.err
    assert "读取 11 行，新增 11" in funds.out

    assert stats(2020) == {
        "key_projects_signed": 20,
        "key_projects_started": 18,
        "key_projects_producing": 8,
        "key_projects_at_capacity": 3,
        "strategic_100m_signed": 12,
        "funds_arrived": Decimal("110170.5"),
        "funds_yoy_pct": Decimal("10.17"),
        "sign_to_start_days": {"min": 0, "median": 33, "max": 213},
        **NOT_YET_RECORDED,
    }
    # Funds of one project in one month from two origins are two records.
    assert FundArrival.objects.filter(project__code="XZ2020-013", period=dt.date(2020, 1, 1)).count() == 2
    # The district's own code gives the same figures: every project is in 襄州区.
    assert stats(2020, "--region", "420607") == stats(2020)


def test_the_2020_figures_of_one_township_are_counted_from_its_rows_only(world):
    """双沟镇 (420607103) holds rows 1–12, 31–60; 张湾街道 has 13–24 and 黄集镇 25–30.
    key signed 2020: rows 1–12 + 51, 52 = 14; key started 2020: none (13–30 are elsewhere);
    producing: 31–36 = 6; at capacity: 35, 36 = 2; strategic ≥ 1 亿: 1, 2, 5, 6, 11 + 37, 38,
    39, 42, 44 + 51 = 11; started 2020: 37 (1), 38 (213), 39 (0) → min 0, median 1, max 213.
    Funds of its projects: 2020 = XZ2020-031 30000万元 + XZ2020-037 15170 = 45170;
    2019 = XZ2020-031 2.5亿元 + XZ2020-032 35,000 = 60000; (45170 / 60000 − 1) × 100 =
    −24.7166… → −24.72."""
    assert zhaoluo("import", "projects", str(FIXTURES / "projects_2020.csv")).code == 0
    assert zhaoluo("import", "funds", str(FIXTURES / "funds_2020.csv")).code == 0
    assert stats(2020, "--region", "420607103") == {
        "key_projects_signed": 14,
        "key_projects_started": 0,
        "key_projects_producing": 6,
        "key_projects_at_capacity": 2,
        "strategic_100m_signed": 11,
        "funds_arrived": Decimal("45170"),
        "funds_yoy_pct": Decimal("-24.72"),
        "sign_to_start_days": {"min": 0, "median": 1, "max": 213},
        **NOT_YET_RECORDED,
    }


def test_the_2020_ledger_is_read_the_way_the_clerk_wrote_it(world):
    assert zhaoluo("import", "projects", str(FIXTURES / "projects_2020.csv")).code == 0
    first = Project.objects.get(code="XZ2020-001")
    assert (first.planned_investment, first.signed_on, first.stage) == (Decimal("15000"), dt.date(2020, 1, 1), "signed")
    assert first.investor_uscc == "91110000600037341L"
    assert first.chain_link is not None and str(first.chain_link.chain.name) == "纺织服装"
    assert [m.official.name for m in first.task_force.order_by("-is_lead", "id")] == ["赵牵头", "李专"]
    assert first.task_force.get(official__name="赵牵头").is_lead
    amounts = dict(
        Project.objects.filter(code__in=["XZ2020-002", "XZ2020-009", "XZ2020-024"]).values_list(
            "code", "planned_investment"
        )
    )
    assert amounts == {"XZ2020-002": Decimal("12000"), "XZ2020-009": Decimal("5000"), "XZ2020-024": Decimal("5000")}
    # Blank 当前阶段: derived from the latest date, 在谈 without any, 终止 with a 终止日期.
    assert Project.objects.get(code="XZ2020-013").stage == Stage.STARTED
    assert Project.objects.get(code="XZ2020-036").stage == Stage.AT_CAPACITY
    assert Project.objects.get(name="在谈项目02").stage == Stage.NEGOTIATING
    assert Project.objects.get(code="XZ2020-052").stage == Stage.TERMINATED
    assert Project.objects.get(name="在谈项目04").stage == Stage.LEAD
    assert Project.objects.get(name="在谈项目04").code is None


def test_a_key_project_without_its_six_ones_is_imported_and_red(world):
    assert zhaoluo("import", "projects", str(FIXTURES / "projects_2020.csv")).code == 0
    bare = Project.objects.get(code="XZ2020-045")  # key, no 包保领导, 牵头单位 or 专班
    assert bare.light == Light.RED
    reasons = [r["message"] for r in bare.light_reasons]
    assert "六个一未落实：缺包保领导、牵头单位、专班、方案" in reasons
    partly = Project.objects.get(code="XZ2020-049")  # key with a unit and a 专班, no leader
    assert partly.light == Light.RED
    assert "六个一未落实：缺包保领导、方案" in [r["message"] for r in partly.light_reasons]
    ordinary = Project.objects.get(name="在谈项目02")  # not key: the rule does not apply
    assert all("六个一" not in r["message"] for r in ordinary.light_reasons)


def test_the_2021_workbook_with_a_merged_title_row_gives_the_figures_counted_by_hand(world, tmp_path):
    path = write_xlsx(
        tmp_path / "襄州区2021年项目台账.xlsx",
        fixture_rows("projects_2021_titled.csv"),
        title="襄州区2021年招商引资项目台账",
        note="填报单位：区招商服务中心",
    )
    result = zhaoluo("import", "projects", str(path))
    assert result.code == 0, result.err
    assert "读取 24 行，新增 24" in result.out
    assert stats(2021) == {
        "key_projects_signed": 7,
        "key_projects_started": 6,
        "key_projects_producing": 3,
        "key_projects_at_capacity": 2,
        "strategic_100m_signed": 4,
        "funds_arrived": None,
        "funds_yoy_pct": None,
        "sign_to_start_days": {"min": 1, "median": 30, "max": 365},
        **NOT_YET_RECORDED,
    }


def test_the_2022_gbk_csv_from_chinese_excel_gives_the_figures_counted_by_hand(world, tmp_path):
    projects = write_csv(
        tmp_path / "项目台账.csv", fixture_rows("projects_2022_gbk.csv"), encoding="gb18030", newline="\r\n"
    )
    assert b"\r\n" in projects.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        projects.read_bytes().decode("utf-8")
    funds = write_csv(tmp_path / "资金.csv", fixture_rows("funds_2022.csv"), encoding="gbk", newline="\r\n")

    result = zhaoluo("import", "projects", str(projects))
    assert result.code == 0, result.err
    assert "读取 20 行，新增 20" in result.out
    assert zhaoluo("import", "funds", str(funds)).code == 0
    assert Project.objects.get(code="XZ2022-01").investor == "鑫犇堃投资有限公司"
    assert stats(2022) == {
        "key_projects_signed": 10,
        "key_projects_started": 4,
        "key_projects_producing": 3,
        "key_projects_at_capacity": 1,
        "strategic_100m_signed": 4,
        "funds_arrived": Decimal("3456.56"),
        "funds_yoy_pct": None,
        "sign_to_start_days": {"min": 0, "median": 10, "max": 31},
        **NOT_YET_RECORDED,
    }
