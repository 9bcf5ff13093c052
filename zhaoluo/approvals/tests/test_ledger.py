"""The 审批台账 (`approvals` ledger): a district brings its 一网通办 history."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from zhaoluo.approvals.choices import Status
from zhaoluo.approvals.models import Approval
from zhaoluo.core.models import AuditEvent
from zhaoluo.ledgers.tests.conftest import counts, write_csv, zhaoluo
from zhaoluo.problems.models import Problem
from zhaoluo.testing.fixtures import World

pytestmark = pytest.mark.django_db
TODAY = dt.datetime(2020, 12, 31, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
HEADER = ["项目编号", "项目代码", "审批事项", "审批部门", "申报日期", "办结日期", "结果"]
NATIONAL = "2020-420607-39-03-512345"


@pytest.fixture(autouse=True)
def _configured_field_key(settings):
    settings.ZHAOLUO_FIELD_KEYS, settings.ZHAOLUO_FIELD_KEY_ID = "test:bGVkZ2VyLXRlc3RzLWtleQ==", "test"


@pytest.fixture
def coded(world: World) -> World:
    world.project.code = "XZ2020-001"
    world.project.national_code = NATIONAL
    world.project.save()
    return world


def _import(tmp_path, rows):
    return zhaoluo(
        "import", "approvals", str(write_csv(tmp_path / "审批台账.csv", [HEADER, *rows])), "--district", "420607"
    )


@time_machine.travel(TODAY, tick=False)
def test_the_project_is_found_by_its_code_or_its_national_code_and_results_become_statuses(coded: World, tmp_path):
    result = _import(
        tmp_path,
        [
            ["XZ2020-001", "", "立项备案/核准", "区发改局", "2020-03-02", "2020-03-20", "通过"],
            ["", NATIONAL, "用地预审与选址意见书", "", "2020-04-01", "2020-06-30", "不予许可"],
            ["XZ2020-001", NATIONAL, "建设工程规划许可", "", "2020-12-01", "", ""],
        ],
    )

    assert result.code == 0, result.err
    got = {
        a.item.name: (a.status, a.submitted_on, a.decided_on, a.department.name if a.department else "")
        for a in Approval.objects.filter(project=coded.project)
    }
    assert got["立项备案/核准"] == (Status.APPROVED, dt.date(2020, 3, 2), dt.date(2020, 3, 20), "区发改局")
    assert got["用地预审与选址意见书"][:3] == (Status.REFUSED, dt.date(2020, 4, 1), dt.date(2020, 6, 30))
    assert got["建设工程规划许可"][:3] == (Status.HANDLING, dt.date(2020, 12, 1), None)
    # 20 working days from 2020-04-01 end long before 2020-06-30: late, but history raises no problem.
    assert Approval.objects.get(item__name="用地预审与选址意见书").is_late
    assert not Problem.objects.exists()
    assert AuditEvent.objects.filter(action="approval.imported").count() == 3


@time_machine.travel(TODAY, tick=False)
def test_the_approvals_export_imports_back_unchanged(coded: World, tmp_path):
    _import(
        tmp_path,
        [
            ["XZ2020-001", "", "立项备案/核准", "区发改局", "2020-03-02", "2020-03-20", "通过"],
            ["XZ2020-001", "", "用地预审与选址意见书", "", "2020-04-01", "", "退回"],
        ],
    )
    exported = tmp_path / "导出.xlsx"
    assert zhaoluo("export", "approvals", str(exported), "--district", "420607").code == 0

    back = zhaoluo("import", "approvals", str(exported), "--district", "420607")

    assert back.code == 0, back.err
    assert "新增 0，更新 0，未变 2" in back.out
    assert Approval.objects.get(item__name="用地预审与选址意见书").status == Status.WITHDRAWN


@time_machine.travel(TODAY, tick=False)
def test_bad_approval_rows_are_named_and_nothing_is_written(coded: World, tmp_path):
    before = counts()
    result = _import(
        tmp_path,
        [
            ["", "", "立项备案/核准", "", "2020-03-02", "", ""],
            ["XZ-404", "", "立项备案/核准", "", "2020-03-02", "", ""],
            ["XZ2020-001", "", "不存在的事项", "", "2020-03-02", "", ""],
            ["XZ2020-001", "", "立项备案/核准", "", "2020-03-02", "2020-03-01", "通过"],
            ["XZ2020-001", "", "用地预审与选址意见书", "", "2020-03-02", "", "通过"],
            ["XZ2020-001", "", "建设工程规划许可", "", "2020-03-02", "2020-03-05", ""],
        ],
    )

    assert result.code == 2
    assert result.errors == [
        "第2行 项目编号: 项目编号和项目代码至少填写一项",
        "第3行 项目编号: 本区没有该编号的项目",
        "第4行 审批事项: 审批事项目录中没有该事项（可在“审批事项目录”页面查看或新增）",
        "第5行 办结日期: 办结日期不能早于申报日期",
        "第6行 办结日期: 结果为通过或不予许可时须填写办结日期",
        "第7行 结果: 填写了办结日期时须填写结果（通过 / 不予许可）",
    ]
    assert counts() == before
    assert not Approval.objects.exists()


@time_machine.travel(TODAY, tick=False)
def test_a_project_of_another_district_is_not_found(coded: World, tmp_path):
    result = zhaoluo(
        "import",
        "approvals",
        str(write_csv(tmp_path / "a.csv", [HEADER, ["XZ2020-001", "", "立项备案/核准", "", "2020-03-02", "", ""]])),
        "--district",
        "420602",
    )

    assert result.code == 2
    assert result.errors == ["第2行 项目编号: 本区没有该编号的项目"]


def test_the_same_row_imported_after_the_deadline_passed_changes_nothing(coded: World, tmp_path):
    row = ["XZ2020-001", "", "立项备案/核准", "区发改局", "2020-12-01", "", ""]
    with time_machine.travel(dt.datetime(2020, 12, 2, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        _import(tmp_path, [row])
    approval = Approval.objects.get()
    assert not approval.is_late

    with time_machine.travel(TODAY, tick=False):
        again = _import(tmp_path, [row])

    assert "新增 0，更新 0，未变 1" in again.out
    approval.refresh_from_db()
    assert approval.version == 1
    assert AuditEvent.objects.filter(action="approval.imported").count() == 1
