"""The projects ledger export: exactly the filtered rows, the ledger's columns, safe cells."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from zhaoluo.ledgers import xlsx
from zhaoluo.projects import services
from zhaoluo.projects.choices import Stage
from zhaoluo.projects.ledgers import PROJECTS
from zhaoluo.testing import factories as f

pytestmark = pytest.mark.django_db

LEDGER_HEADERS = [
    "项目编号",
    "项目名称",
    "投资方",
    "投资方信用代码",
    "所属镇街",
    "产业集群",
    "产业链环节",
    "项目类型",
    "计划总投资（万元）",
    "重点项目",
    "战略性新兴产业",
    "招商方式",
    "包保领导",
    "牵头单位",
    "专班成员",
    "签约日期",
    "开工日期",
    "投产日期",
    "达产日期",
    "终止日期",
    "终止原因",
    "当前阶段",
]


def workbook(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response["Content-Disposition"]
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active


def rows(sheet) -> list[dict[str, object]]:
    values = list(sheet.iter_rows(values_only=True))
    header = list(values[0])
    return [dict(zip(header, row, strict=True)) for row in values[1:]]


def test_the_export_has_the_ledger_columns_in_order_and_typed_cells(world):
    p = world.project
    services.project_update(
        project=p, by=world.investment, data={"code": "XZ-001", "is_strategic": True}, expected_version=p.version
    )
    services.project_advance_stage(project=p, to=Stage.SIGNED, on=dt.date(2020, 5, 20), by=world.investment)
    sheet = workbook(world.client_for(world.investment).get(reverse("projects:export"), {"q": "盼盼"}))
    assert [c.value for c in sheet[1]] == LEDGER_HEADERS == [c.title for c in PROJECTS.columns]
    [row] = rows(sheet)
    assert row["项目编号"] == "XZ-001" and row["项目名称"] == "盼盼食品精深加工基地"
    assert row["投资方"] == "福建盼盼食品集团" and row["所属镇街"] == "双沟镇"
    assert row["计划总投资（万元）"] == 200000 and isinstance(row["计划总投资（万元）"], int | float)
    assert row["重点项目"] == "是" and row["战略性新兴产业"] == "是"
    assert row["包保领导"] == "王海" and row["牵头单位"] == "区发改局"
    assert row["专班成员"] == "赵牵头、李专"  # the lead first, joined with 、
    assert row["签约日期"] == dt.datetime(2020, 5, 20) and row["开工日期"] is None
    assert sheet.cell(row=2, column=16).is_date
    assert row["项目类型"] == "新建" and row["当前阶段"] == "签约"


def test_the_export_holds_exactly_the_filtered_rows(world):
    for n in range(5):
        f.ProjectFactory.create(district=world.district, name=f"重点{n}", is_key=True, township=world.other_township)
    f.ProjectFactory.create(district=world.other_district, name="外区重点", is_key=True)
    client = world.client_for(world.investment)
    listed = client.get(reverse("projects:list"), {"is_key": "true", "township": world.other_township.pk})
    expected = sorted(p.name for p in listed.context["page"].object_list)
    exported = rows(
        workbook(client.get(reverse("projects:export"), {"is_key": "true", "township": world.other_township.pk}))
    )
    assert sorted(r["项目名称"] for r in exported) == expected == [f"重点{n}" for n in range(5)]
    everything = rows(workbook(client.get(reverse("projects:export"))))
    assert sorted(r["项目名称"] for r in everything) == sorted(["盼盼食品精深加工基地", "张湾物流园", *expected])


def test_outsiders_export_nothing_and_a_township_its_own(world):
    assert rows(workbook(world.client_for(world.outsider).get(reverse("projects:export")))) == []
    assert world.client_for(world.nobody).get(reverse("projects:export")).status_code == 403
    township_rows = rows(workbook(world.client_for(world.township_user).get(reverse("projects:export"))))
    assert [r["项目名称"] for r in township_rows] == ["盼盼食品精深加工基地"]


@pytest.mark.parametrize("evil", ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"])
def test_text_that_a_spreadsheet_would_run_as_a_formula_is_escaped(world, evil):
    f.ProjectFactory.create(district=world.district, name=f"项目{len(evil)}", investor=evil, source=evil)
    sheet = workbook(world.client_for(world.investment).get(reverse("projects:export"), {"q": f"项目{len(evil)}"}))
    [row] = rows(sheet)
    # A stored CR reads back as LF without lxml and as CR with it (openpyxl uses lxml when installed);
    # the leading apostrophe is what matters.
    expected = "'" + evil.replace("\r", "\n")
    assert row["投资方"].replace("\r", "\n") == expected and row["招商方式"].replace("\r", "\n") == expected
    assert all(cell.data_type != "f" for cell in sheet[2])


def test_a_name_starting_with_a_formula_character_is_escaped_too(world):
    f.ProjectFactory.create(district=world.district, name="=1+1项目")
    [row] = rows(workbook(world.client_for(world.investment).get(reverse("projects:export"), {"q": "1+1"})))
    assert row["项目名称"] == "'=1+1项目"


def test_safe_text_leaves_ordinary_text_alone():
    assert xlsx.safe_text("盼盼食品") == "盼盼食品"
    assert xlsx.safe_text("") == ""
    assert xlsx.safe_text("a\x01b") == "ab"


def test_the_export_makes_a_bounded_number_of_queries(world, django_assert_max_num_queries):
    cluster = f.ClusterFactory.create()
    for n in range(30):
        project = f.ProjectFactory.create(
            district=world.district,
            name=f"批量项目{n}",
            township=world.township,
            cluster=cluster,
            leader=world.leader_official,
            lead_unit=world.lead_unit,
            planned_investment=Decimal(n + 1),
        )
        f.TaskForceMemberFactory.create(project=project, official=world.member_official, is_lead=True)
    client = world.client_for(world.investment)
    # A fixed number however many rows: the page's own reads, then the export's audit row
    # (its chain head is locked and moved in the same transaction).
    with django_assert_max_num_queries(13):
        response = client.get(reverse("projects:export"))
    assert len(rows(workbook(response))) == 32
