"""The `pairings` ledger (shared/LEDGERS.md) and the figures it feeds, counted by hand.

Held-out ledgers (2020). Pairings, one line per row of the file (row 2 is the first data row):
  2 张三 → E1 from 2020-03-01, open            active in 2020
  3 李四 → E2 2019-01-01 … 2019-12-31          not active in 2020
  4 张三 → E2 from 2020-12-31                  active (the year's last day)
  5 王五 → E3 from 2021-01-01                  not active in 2020
  6 李四 → E4 2019-06-01 … 2020-01-01          active (the year's first day)
  cadres_paired = 张三, 李四 = 2; enterprises_paired = E1, E2, E4 = 3.
Problems (all 区发改局), resolved in 2020 and paired on their 提出日期:
  P1 E1 raised 2020-03-01 (the pairing's first day), resolved 2020-04-01   counts
  P2 E1 raised 2020-02-28, before the pairing                              no
  P3 E2 raised 2019-05-01 (李四's 2019 pairing), resolved 2020-02-01        counts
  P4 E4 raised 2020-01-02, a day after its pairing ended                   no
  P5 E3 raised 2020-06-01, its pairing starts 2021                         no
  P6 E1 raised 2020-10-01, resolved 2021-01-10                             not in 2020
  P7 no enterprise, resolved 2020-06-01                                    no
  pairing_problems_resolved = 2; problems_resolved = P1 P2 P3 P4 P5 P7 = 6.
"""

from __future__ import annotations

import datetime as dt

import pytest

from zhaoluo.core.models import AuditEvent
from zhaoluo.ledgers.tests.conftest import stats, write_csv, zhaoluo
from zhaoluo.orgs.models import Official
from zhaoluo.service.models import Pairing, Visit, VisitNeed
from zhaoluo.testing import factories as f

pytestmark = pytest.mark.django_db
D = dt.date
HEADER = ["干部姓名", "职务", "职级", "所在单位", "企业信用代码", "企业名称", "起始日期", "结束日期"]


@pytest.fixture(autouse=True)
def _configured_field_key(settings):
    settings.ZHAOLUO_FIELD_KEYS, settings.ZHAOLUO_FIELD_KEY_ID = "test:bGVkZ2VyLXRlc3RzLWtleQ==", "test"


@pytest.fixture
def firms(world):
    return [f.EnterpriseFactory.create(district=world.district, name=f"襄阳样本企业{i}有限公司") for i in range(1, 5)]


def pairing_rows(e):
    return [
        HEADER,
        ["张三", "科员", "科员", "区发改局", e[0].uscc, "", "2020-03-01", ""],
        ["李四", "", "", "区发改局", "", e[1].name, "2019/1/1", "2019年12月31日"],
        ["张三", "", "", "区发改局", e[1].uscc, "", "2020.12.31", ""],
        ["王五", "", "", "双沟镇人民政府", e[2].uscc, "", "2021-01-01", ""],
        ["李四", "", "", "区发改局", e[3].uscc, "", "2019-06-01", "2020-01-01"],
    ]


def problem_rows(e):
    header = ["问题编号", "企业信用代码", "问题描述", "责任单位", "提出日期", "办结时限", "办结日期"]
    return [
        header,
        ["P1", e[0].uscc, "P1", "区发改局", "2020-03-01", "2020-04-30", "2020-04-01"],
        ["P2", e[0].uscc, "P2", "区发改局", "2020-02-28", "2020-04-30", "2020-03-10"],
        ["P3", e[1].uscc, "P3", "区发改局", "2019-05-01", "2020-03-01", "2020-02-01"],
        ["P4", e[3].uscc, "P4", "区发改局", "2020-01-02", "2020-06-01", "2020-05-01"],
        ["P5", e[2].uscc, "P5", "区发改局", "2020-06-01", "2020-08-01", "2020-07-01"],
        ["P6", e[0].uscc, "P6", "区发改局", "2020-10-01", "2021-02-01", "2021-01-10"],
        ["P7", "", "P7", "区发改局", "2020-05-01", "2020-06-30", "2020-06-01"],
    ]


def test_held_out_pairing_and_problem_ledgers_give_the_figures_counted_by_hand(world, firms, tmp_path):
    pairings = zhaoluo("import", "pairings", str(write_csv(tmp_path / "包联台账.csv", pairing_rows(firms))))
    assert pairings.code == 0, pairings.err
    assert "新增 5" in pairings.out
    problems = zhaoluo("import", "problems", str(write_csv(tmp_path / "问题台账.csv", problem_rows(firms))))
    assert problems.code == 0, problems.err
    result = stats(2020)
    assert result["cadres_paired"] == 2
    assert result["enterprises_paired"] == 3
    assert result["pairing_problems_resolved"] == 2
    assert result["problems_resolved"] == 6
    # 王五 was unknown: created with a warning, in the unit the row names.
    assert Official.objects.get(name="王五").unit.name == "双沟镇人民政府"
    assert "已新建干部“王五”" in pairings.out + pairings.err


def test_the_same_pairings_file_twice_changes_nothing_and_the_export_imports_back(world, firms, tmp_path):
    path = write_csv(tmp_path / "包联台账.csv", pairing_rows(firms))
    assert zhaoluo("import", "pairings", str(path)).code == 0
    before = list(Pairing.objects.order_by("pk").values_list("cadre__name", "enterprise__name", "since", "until"))
    audit_rows = AuditEvent.objects.filter(action="pairing.imported").count()
    again = zhaoluo("import", "pairings", str(path))
    assert again.code == 0 and "新增 0，更新 0，未变 5" in again.out
    assert AuditEvent.objects.filter(action="pairing.imported").count() == audit_rows
    exported = tmp_path / "导出.xlsx"
    assert zhaoluo("export", "pairings", str(exported)).code == 0
    back = zhaoluo("import", "pairings", str(exported))
    assert back.code == 0 and "未变 5" in back.out, back.out + back.err
    assert (
        list(Pairing.objects.order_by("pk").values_list("cadre__name", "enterprise__name", "since", "until")) == before
    )


def test_an_unknown_enterprise_or_an_end_before_the_start_rejects_the_file_naming_each_row(world, firms, tmp_path):
    rows = [
        HEADER,
        ["张三", "", "", "区发改局", "", "不存在的企业", "2020-03-01", ""],
        ["李四", "", "", "区发改局", firms[0].uscc, "", "2020-03-01", "2020-02-01"],
        ["王五", "", "", "区发改局", "", "", "2020-03-01", ""],
    ]
    outcome = zhaoluo("import", "pairings", str(write_csv(tmp_path / "bad.csv", rows)))
    assert outcome.code == 2
    text = outcome.out + outcome.err
    assert "第2行 企业名称" in text and "本区没有该名称的企业" in text
    assert "第3行 结束日期: 结束日期不能早于起始日期" in text
    assert "第4行 企业信用代码" in text
    assert not Pairing.objects.exists() and not Official.objects.filter(name__in=["张三", "李四", "王五"]).exists()


VISIT_HEADER = ["干部姓名", "所在单位", "企业名称", "走访日期", "走访方式", "订单同比（%）", "计划裁员", "企业需求"]


def test_a_visits_ledger_brings_visits_with_their_flags_and_imports_twice_to_the_same_state(service, tmp_path):
    rows = [
        VISIT_HEADER,
        [
            "沈耀",
            "区科经局",
            "襄阳盼盼食品有限公司",
            "2020/6/5",
            "电话",
            "-25",
            "否",
            "需要招工30人；希望对接包装供应商",
        ],
        ["沈耀", "", "襄阳盼盼食品有限公司", "2020年9月8日", "", "5", "是", ""],
    ]
    path = write_csv(tmp_path / "走访台账.csv", rows)
    first = zhaoluo("import", "visits", str(path))
    assert first.code == 0, first.out + first.err
    june, september = Visit.objects.order_by("visited_on")
    assert (june.mode, september.mode) == ("phone", "on_site")
    assert [f.rule.code for f in june.flags.all()] == ["orders-down-20"]
    assert [f.rule.code for f in september.flags.all()] == ["layoffs-planned"]
    assert list(june.needs.values_list("description", flat=True)) == ["需要招工30人", "希望对接包装供应商"]
    again = zhaoluo("import", "visits", str(path))
    assert again.code == 0 and "新增 0，更新 0，未变 2" in again.out
    assert VisitNeed.objects.count() == 2


def test_a_visit_by_an_unpaired_cadre_or_in_the_future_rejects_the_file(service, tmp_path):
    rows = [
        VISIT_HEADER,
        ["周平", "", "襄阳盼盼食品有限公司", "2020-06-05", "", "", "", ""],
        ["沈耀", "", "襄阳盼盼食品有限公司", "2021-04-01", "", "", "", ""],
        ["沈耀", "", "襄阳盼盼食品有限公司", "2020-06-05", "", "", "也许", ""],
    ]
    outcome = zhaoluo("import", "visits", str(write_csv(tmp_path / "bad.csv", rows)))
    text = outcome.out + outcome.err
    assert outcome.code == 2
    assert "第2行 干部姓名: 该干部在走访日期没有包联该企业" in text
    assert "第3行 走访日期: 走访日期不能晚于今天" in text
    assert "第4行 计划裁员" in text
    assert not Visit.objects.exists()
