"""The 问题台账 through the ledger engine: key 问题编号, known project/enterprise, new names warned."""

from __future__ import annotations

import csv
import datetime as dt

import pytest

from zhaoluo.core.models import AuditEvent
from zhaoluo.ledgers import spec
from zhaoluo.ledgers.engine import run_import
from zhaoluo.orgs.models import Official, Unit
from zhaoluo.problems.choices import Category, Origin, Satisfaction, Status
from zhaoluo.problems.models import Problem

pytestmark = pytest.mark.django_db
HEADER = [
    "问题编号",
    "来源",
    "项目编号",
    "企业信用代码",
    "问题描述",
    "类别",
    "责任单位",
    "责任人",
    "提出日期",
    "办结时限",
    "办结日期",
    "满意度",
]


def _import(world, tmp_path, rows, name="problems.csv"):
    path = tmp_path / name
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([HEADER, *rows])
    return run_import(
        kind=spec.get("problems"), path=path, file_name=name, by=world.investment, district=world.district
    )


def test_a_ledger_row_becomes_an_assigned_problem_and_a_resolved_one_stays_resolved_not_closed(world, tmp_path):
    world.project.code = "XZ-1"
    world.project.save()
    result = _import(
        world,
        tmp_path,
        [
            ["WT-A", "", "XZ-1", "", "用地指标", "用地", "区发改局", "赵牵头", "2020-03-01", "2020-03-20", "", ""],
            [
                "WT-B",
                "会议",
                "",
                "",
                "道路配套",
                "基础设施",
                "区发改局",
                "",
                "2020-04-01",
                "2020-04-30",
                "2020-04-28",
                "满意",
            ],
        ],
    )
    assert not result.errors, result.errors
    a, b = Problem.objects.get(code="WT-A"), Problem.objects.get(code="WT-B")
    assert (a.status, a.origin, a.project, a.category) == (
        Status.ASSIGNED,
        Origin.PROJECT,
        world.project,
        Category.LAND,
    )
    assert a.owner == world.lead_member_official and a.due_on == dt.date(2020, 3, 20)
    assert (b.status, b.resolved_on, b.satisfaction) == (Status.RESOLVED, dt.date(2020, 4, 28), Satisfaction.SATISFIED)
    assert AuditEvent.objects.filter(action="problem.imported", parent_type="problems.problem").count() == 2


def test_a_reimport_by_code_updates_in_place_and_an_unchanged_row_writes_nothing(world, tmp_path):
    row = ["WT-A", "其他", "", "", "用地指标", "用地", "区发改局", "", "2020-03-01", "2020-03-20", "", ""]
    _import(world, tmp_path, [row])
    problem_events = AuditEvent.objects.filter(parent_type="problems.problem")
    before = problem_events.count()
    again = _import(world, tmp_path, [row], "again.csv")
    assert again.unchanged == 1 and problem_events.count() == before
    changed = _import(world, tmp_path, [[*row[:10], "2020-03-18", ""]], "third.csv")
    assert changed.updated == 1
    assert Problem.objects.get(code="WT-A").status == Status.RESOLVED
    assert Problem.objects.count() == 1


def test_unknown_unit_and_official_are_created_with_a_warning(world, tmp_path):
    result = _import(
        world, tmp_path, [["", "其他", "", "", "水源不足", "", "区水务局", "钱新", "2020-05-01", "2020-05-15", "", ""]]
    )
    assert not result.errors
    assert {w.message for w in result.warnings} >= {"已新建单位“区水务局”", "已新建干部“钱新”"}
    problem = Problem.objects.get()
    assert problem.unit == Unit.objects.get(name="区水务局") and problem.owner == Official.objects.get(name="钱新")
    assert problem.code == "WT2020-0001" and problem.category == Category.OTHER


def test_bad_rows_are_reported_by_row_and_nothing_is_written(world, tmp_path):
    result = _import(
        world,
        tmp_path,
        [
            ["WT-A", "", "NO-SUCH", "", "x", "", "区发改局", "", "2020-03-01", "2020-02-01", "", ""],
            ["WT-B", "", "", "", "y", "", "区发改局", "", "2020-03-01", "2020-03-10", "", "满意"],
        ],
    )
    messages = {(e.row, e.message) for e in result.errors}
    assert (2, "办结时限不能早于提出日期") in messages
    assert (3, "未办结的问题不能评价满意度") in messages
    assert not Problem.objects.exists()
