"""The problems ledger round trips: every state a problem can be in is exported and imported
back unchanged (新增 0，更新 0), as shared/LEDGERS.md `problems` now says it is written."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from openpyxl import load_workbook

from zhaoluo.core.models import AuditEvent
from zhaoluo.ledgers.tests.conftest import write_csv, zhaoluo
from zhaoluo.problems import services
from zhaoluo.problems.choices import Satisfaction, Status
from zhaoluo.problems.models import Problem
from zhaoluo.supervision import services as supervision
from zhaoluo.testing.fixtures import World

pytestmark = pytest.mark.django_db
TODAY = dt.datetime(2020, 9, 30, 10, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def _configured_field_key(settings):
    settings.ZHAOLUO_FIELD_KEYS, settings.ZHAOLUO_FIELD_KEY_ID = "test:bGVkZ2VyLXRlc3RzLWtleQ==", "test"


def _raise(world: World, code: str, on: dt.date) -> Problem:
    return services.problem_raise(
        by=world.investment, description=f"问题{code}", project=world.project, raised_on=on, code=code
    )


def _assigned(world: World, code: str, on: dt.date) -> Problem:
    problem = _raise(world, code, on)
    return services.problem_assign(
        problem=problem,
        by=world.investment,
        unit=world.lead_unit,
        owner=world.lead_member_official,
        due_on=dt.date(2020, 10, 30),
    )


def _resolved(world: World, code: str, on: dt.date) -> Problem:
    problem = services.problem_start(problem=_assigned(world, code, on), by=world.unit)
    return services.problem_resolve(
        problem=problem, by=world.unit, handling_note="已协调解决", resolved_on=dt.date(2020, 9, 20)
    )


def every_state(world: World) -> dict[str, Problem]:
    """One problem per state, each brought there through the services, as people do."""
    on = dt.date(2020, 9, 1)
    states = {
        "pending": _raise(world, "WT-PEND", on),
        "assigned": _assigned(world, "WT-ASGN", on),
        "handling": services.problem_start(problem=_assigned(world, "WT-HAND", on), by=world.unit),
        "resolved": _resolved(world, "WT-RSLV", on),
        "closed": services.problem_close(problem=_resolved(world, "WT-CLOS", on), by=world.investment),
    }
    for code, rating in (
        ("WT-SAT", Satisfaction.SATISFIED),
        ("WT-FAIR", Satisfaction.FAIRLY),
        ("WT-UNSAT", Satisfaction.UNSATISFIED),
    ):
        states[rating] = services.problem_rate(
            problem=_resolved(world, code, on), by=world.investment, satisfaction=rating, note="评价"
        )
    escalated = _assigned(world, "WT-ESC", on)
    supervision.problem_escalate(problem=escalated, by=world.supervision, to_level=2, color="yellow", reason="久拖")
    states["escalated"] = Problem.objects.get(pk=escalated.pk)
    return states


@time_machine.travel(TODAY, tick=False)
def test_every_problem_state_exports_and_imports_back_unchanged(world: World, tmp_path):
    states = every_state(world)
    assert states["pending"].status == Status.PENDING
    assert (states[Satisfaction.UNSATISFIED].status, states[Satisfaction.UNSATISFIED].satisfaction) == (
        Status.HANDLING,
        Satisfaction.UNSATISFIED,
    )
    assert states["escalated"].supervision_level == 2
    before = {
        p.code: (p.status, p.unit_id, p.due_on, p.resolved_on, p.satisfaction, p.version) for p in Problem.objects.all()
    }
    exported = tmp_path / "问题台账.xlsx"
    assert zhaoluo("export", "problems", str(exported), "--district", "420607").code == 0

    result = zhaoluo("import", "problems", str(exported), "--district", "420607")

    assert result.code == 0, result.err
    assert "读取 9 行，新增 0，更新 0，未变 9" in result.out
    after = {
        p.code: (p.status, p.unit_id, p.due_on, p.resolved_on, p.satisfaction, p.version) for p in Problem.objects.all()
    }
    assert after == before
    assert not AuditEvent.objects.filter(action="problem.imported").exists()


@time_machine.travel(TODAY, tick=False)
def test_the_export_writes_an_unassigned_problem_blank_and_a_reopened_one_without_its_rating(world: World, tmp_path):
    every_state(world)
    exported = tmp_path / "问题台账.xlsx"
    zhaoluo("export", "problems", str(exported), "--district", "420607")

    sheet = load_workbook(exported).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    by_code = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    pending, reopened, rated = by_code["WT-PEND"], by_code["WT-UNSAT"], by_code["WT-FAIR"]
    assert (pending["责任单位"], pending["办结时限"]) in {(None, None), ("", "")}
    assert reopened["办结日期"] in (None, "") and reopened["满意度"] in (None, "")
    assert rated["满意度"] == "基本满意"


def test_a_ledger_row_without_unit_and_deadline_is_a_problem_waiting_to_be_assigned(world: World, tmp_path):
    ledger = write_csv(
        tmp_path / "问题台账.csv",
        [["问题描述", "提出日期", "责任单位", "办结时限"], ["厂区道路未通", "2020-05-06", "", ""]],
    )

    result = zhaoluo("import", "problems", str(ledger), "--district", "420607")

    assert result.code == 0, result.err
    problem = Problem.objects.get(description="厂区道路未通")
    assert (problem.status, problem.unit, problem.due_on) == (Status.PENDING, None, None)


def test_unit_without_deadline_or_deadline_without_unit_is_named_and_nothing_written(world: World, tmp_path):
    ledger = write_csv(
        tmp_path / "问题台账.csv",
        [
            ["问题描述", "提出日期", "责任单位", "办结时限", "办结日期"],
            ["甲", "2020-05-06", "区发改局", "", ""],
            ["乙", "2020-05-06", "", "2020-06-01", ""],
            ["丙", "2020-05-06", "", "", "2020-05-20"],
        ],
    )

    result = zhaoluo("import", "problems", str(ledger), "--district", "420607")

    assert result.code == 2
    assert result.errors == [
        "第2行 办结时限: 填写了责任单位时须填写办结时限",
        "第3行 责任单位: 填写了办结时限时须填写责任单位",
        "第4行 责任单位: 已办结的问题须填写责任单位",
    ]
    assert not Problem.objects.exists()


@time_machine.travel(TODAY, tick=False)
def test_an_assigned_problem_cannot_be_unassigned_by_blanking_its_unit_in_the_ledger(world: World, tmp_path):
    _assigned(world, "WT-ASGN", dt.date(2020, 9, 1))
    ledger = write_csv(
        tmp_path / "问题台账.csv",
        [
            ["问题编号", "问题描述", "提出日期", "责任单位", "办结时限"],
            ["WT-ASGN", "问题WT-ASGN", "2020-09-01", "", ""],
        ],
    )

    result = zhaoluo("import", "problems", str(ledger), "--district", "420607")

    assert result.code == 2
    assert result.errors == ["第2行 责任单位: 该问题当前为“已交办”，不能清空责任单位和办结时限"]
    assert Problem.objects.get(code="WT-ASGN").unit == world.lead_unit
