"""docs/moving-in.md, followed command by command on a fresh database with the sample ledgers
beside this file; the figures at the end are the ones counted by hand from those files."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine

from zhaoluo.approvals.models import Approval
from zhaoluo.enterprises.models import Enterprise
from zhaoluo.ledgers.tests.conftest import stats, zhaoluo
from zhaoluo.orgs.choices import Body, RegionLevel, Role
from zhaoluo.orgs.models import Official, Region, User
from zhaoluo.problems.choices import Status
from zhaoluo.problems.models import Problem
from zhaoluo.projects.models import FundArrival, Project

pytestmark = pytest.mark.django_db(transaction=False)

HERE = Path(__file__).parent
GUIDE = (HERE.parents[1] / "docs" / "moving-in.md").read_text(encoding="utf-8")
# The demo's today: the sample ledgers end in early 2021, as the demo's do.
TODAY = dt.datetime(2021, 3, 31, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
PASSWORD = "Tq8#vLm2!pRw5z"

# The guide's commands in its order; a sample file stands where the guide names a workbook.
STEPS: list[tuple[str, ...]] = [
    ("setup", "--district", "420607"),
    ("createuser", "xz_xitong", "--role", "sysadmin", "--region", "420607"),
    ("createuser", "xz_anquan", "--role", "secadmin", "--region", "420607"),
    ("createuser", "xz_shenji", "--role", "auditadmin", "--region", "420607"),
    ("import", "officials", "干部名册.xlsx"),
    ("import", "enterprises", "企业台账.xlsx"),
    ("import", "projects", "项目台账.xlsx"),
    ("import", "funds", "资金到位台账.xlsx"),
    ("import", "approvals", "审批台账.xlsx"),
    ("import", "problems", "问题台账.xlsx"),
    ("tick",),
]


@pytest.fixture(autouse=True)
def _configured_field_key(settings):
    """Commands run their system checks; a deployment configures its own field key."""
    settings.ZHAOLUO_FIELD_KEYS, settings.ZHAOLUO_FIELD_KEY_ID = "test:bGVkZ2VyLXRlc3RzLWtleQ==", "test"


def guide_commands() -> set[str]:
    """Every `./zl …` line of the guide's code blocks, without its trailing comment."""
    blocks = re.findall(r"```sh\n(.*?)```", GUIDE, flags=re.S)
    lines = (line.split("#", 1)[0].strip() for block in blocks for line in block.splitlines())
    return {line for line in lines if line.startswith("./zl ")}


def run(step: tuple[str, ...]) -> str:
    argv = [str(HERE / a.replace(".xlsx", ".csv")) if a.endswith(".xlsx") else a for a in step]
    if step[0] == "createuser":
        argv += ["--password", PASSWORD]
    result = zhaoluo(*argv)
    assert result.code == 0, f"{' '.join(step)}\n{result.out}\n{result.err}"
    return result.out


def test_every_step_the_test_runs_is_written_in_the_guide():
    written = guide_commands()
    for step in [*STEPS, ("stats", "--year", "2020", "--region", "420607", "--format", "json")]:
        assert "./zl " + " ".join(step) in written


@time_machine.travel(TODAY, tick=False)
def test_following_the_guide_on_a_fresh_database_gives_the_hand_counted_figures():
    assert not Region.objects.exists()
    outputs = [run(step) for step in STEPS]

    assert "湖北省 / 襄阳市 / 襄州区" in outputs[0]
    assert [out.strip().splitlines()[-1] for out in outputs[4:10]] == [
        "已导入：读取 12 行，新增 12，更新 0，未变 0，警告 7，错误 0",
        "已导入：读取 4 行，新增 4，更新 0，未变 0，警告 6，错误 0",
        "已导入：读取 8 行，新增 8，更新 0，未变 0，警告 1，错误 0",
        "已导入：读取 7 行，新增 7，更新 0，未变 0，警告 0，错误 0",
        "已导入：读取 4 行，新增 4，更新 0，未变 0，警告 0，错误 0",
        "已导入：读取 6 行，新增 6，更新 0，未变 0，警告 0，错误 0",
    ]
    district = Region.objects.get(code="420607", level=RegionLevel.DISTRICT, is_home=True)
    assert set(User.objects.values_list("username", "role")) == {
        ("xz_xitong", Role.SYSADMIN),
        ("xz_anquan", Role.SECADMIN),
        ("xz_shenji", Role.AUDITADMIN),
    }
    # Everyone on the roster is the district's, the five unit-less leaders included; two 张伟.
    assert Official.objects.filter(district=district).count() == Official.objects.count() == 12
    assert Official.objects.filter(unit__isnull=True).exclude(body="").count() == 5
    assert Official.objects.get(name="周立新").body == Body.CONGRESS
    assert Official.objects.filter(name="张伟").count() == 2
    assert Enterprise.objects.filter(district=district).count() == 4
    assert Project.objects.filter(district=district).count() == 8
    assert Project.objects.get(code="XZ2020-001").leader == Official.objects.get(name="刘明锋")
    assert FundArrival.objects.count() == 7
    assert Approval.objects.count() == 4
    assert Problem.objects.get(code="WT2020-004").status == Status.PENDING

    figures = stats(2020, "--region", "420607")

    # Counted by hand from the sample ledgers:
    # key_projects_signed: key projects signed in 2020 — XZ2020-001, -002, -003, -006 (terminated later,
    #   still signed in 2020); XZ2020-004 is not key, XZ2020-005 is in talks → 4.
    # key_projects_started: started in 2020 — XZ2019-001 (01-06), XZ2020-001 (05-11), XZ2020-002 (06-22) → 3;
    #   XZ2019-002 started 2019-12-20.
    # key_projects_producing: XZ2019-001 (09-30), XZ2020-001 (11-20) → 2.  at capacity: XZ2019-001 (12-28) → 1.
    # strategic_100m_signed: signed 2020, 战略性新兴产业, ≥ 10000 万元 — XZ2020-001 (50000), XZ2020-004
    #   (1.2亿 = 12000, not key), XZ2020-006 (20000); XZ2020-003 has 8000 → 3.
    # funds_arrived 2020: 10000 + 12000 (1.2亿元) + 6000 + 4000 + 2000.5 = 34000.5; 2019: 5000 + 3000 = 8000;
    #   yoy = (34000.5 / 8000 − 1) × 100 = 325.00625 → 325.01.
    # sign_to_start_days over projects started in 2020: 2020-02-10 → 05-11 = 19+31+30+11 = 91;
    #   2020-03-16 → 06-22 = 15+30+31+22 = 98; 2019-06-03 → 2020-01-06 = 27+31+31+30+31+30+31+6 = 217.
    # problems_raised in 2020: WT2020-001 … -005 → 5 (WT2019-001 was raised in 2019).
    # problems_resolved in 2020: WT2019-001 (01-10), WT2020-001 (04-20), WT2020-002 (08-03) → 3;
    #   on time: only WT2020-001 (04-20 ≤ 04-30) → 1.
    # problems_overdue at the end of 2020: WT2020-003 (due 11-30, open) → 1; WT2020-005 is due 2021-01-29,
    #   WT2020-004 has no deadline yet (待交办).
    # No pairings in the files: the pairing figures have no data (null), never 0.
    assert figures == {
        "key_projects_signed": 4,
        "key_projects_started": 3,
        "key_projects_producing": 2,
        "key_projects_at_capacity": 1,
        "strategic_100m_signed": 3,
        "funds_arrived": Decimal("34000.5"),
        "funds_yoy_pct": Decimal("325.01"),
        "sign_to_start_days": {"min": 91, "median": 98, "max": 217},
        "cadres_paired": None,
        "enterprises_paired": None,
        "pairing_problems_resolved": None,
        "problems_raised": 5,
        "problems_resolved": 3,
        "problems_resolved_on_time": 1,
        "problems_overdue": 1,
    }


@time_machine.travel(TODAY, tick=False)
def test_the_sample_ledgers_export_and_import_back_unchanged_as_the_guide_says_to_check(tmp_path):
    for step in STEPS[:1] + STEPS[4:10]:
        run(step)

    for kind in ("officials", "enterprises", "projects", "funds", "approvals", "problems"):
        exported = tmp_path / f"{kind}.xlsx"
        assert zhaoluo("export", kind, str(exported)).code == 0
        back = zhaoluo("import", kind, str(exported))
        assert back.code == 0, f"{kind}: {back.err}"
        assert "新增 0，更新 0" in back.out, f"{kind}: {back.out}"
