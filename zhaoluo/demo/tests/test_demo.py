"""The demo district: loaded once for the module through `zhaoluo demo --no-serve`."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from stdnum.cn import uscc

from zhaoluo.core.models import AuditEvent, TickStep
from zhaoluo.enterprises.choices import Listing
from zhaoluo.enterprises.models import Enterprise
from zhaoluo.orgs.choices import Role
from zhaoluo.orgs.models import User
from zhaoluo.problems.choices import Origin, Status
from zhaoluo.problems.models import Problem
from zhaoluo.projects.choices import Light, Stage
from zhaoluo.projects.models import FundArrival, Project, stage_date_errors
from zhaoluo.projects.services import with_light_inputs
from zhaoluo.stats.figures import figures

pytestmark = pytest.mark.django_db
TARGETS_2020 = {
    "key_projects_signed": 112,
    "funds_arrived": Decimal("3892900"),
    "funds_yoy_pct": Decimal("10.17"),
    "key_projects_started": 86,
    "key_projects_producing": 58,
    "strategic_100m_signed": 23,
    # 173名干部对接146家企业，帮助解决问题521个: the problems solved are those of paired enterprises
    # (shared/LEDGERS.md pairing_problems_resolved); problems of other origins add to problems_resolved.
    "cadres_paired": 173,
    "enterprises_paired": 146,
    "pairing_problems_resolved": 521,
}


@pytest.fixture(scope="module")
def demo_output(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    out = StringIO()
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        transaction.atomic(),
    ):
        call_command("demo", "--no-serve", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


def _digest(rows: list[tuple[Any, ...]]) -> str:
    text = "\n".join("|".join(str(v) for v in row) for row in sorted(rows))
    return hashlib.sha256(text.encode()).hexdigest()


def db_digest() -> str:
    fields = ("code", "name", "planned_investment", "stage", "signed_on", "started_on", "producing_on")
    rows = [(*row[:2], Decimal(row[2]).normalize(), *row[3:]) for row in Project.objects.values_list(*fields)]
    return _digest(rows)


def plan_digest() -> str:
    from zhaoluo.demo.plan import build_plan

    rows = [
        (s.code, s.name, s.planned.normalize(), s.stage, s.signed_on, s.started_on, s.producing_on)
        for s in build_plan()
    ]
    return _digest(rows)


def test_the_article_figures_for_2020(demo_output: str) -> None:
    result = figures(year=2020)
    assert {k: result[k] for k in TARGETS_2020} == TARGETS_2020
    out = StringIO()
    call_command("stats", "--year", "2020", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert {k: data[k] for k in TARGETS_2020} == {
        k: (int(v) if k != "funds_yoy_pct" else float(v)) for k, v in TARGETS_2020.items()
    }
    assert '"funds_arrived": 3892900,' in out.getvalue()
    assert '"funds_yoy_pct": 10.17,' in out.getvalue()
    assert figures(year=2020, region=None) == figures(year=2020, region=Project.objects.first().district)


def test_every_project_has_ordered_dates_and_a_consistent_stage(demo_output: str) -> None:
    projects = list(Project.objects.all())
    assert 300 <= len(projects) <= 400
    assert {p.name: stage_date_errors(p) for p in projects if stage_date_errors(p)} == {}
    for p in projects:
        dates = [d for d in (p.signed_on, p.started_on, p.producing_on, p.at_capacity_on) if d]
        assert dates == sorted(dates), p.name
    stages = {p.stage for p in projects}
    assert {Stage.LEAD, Stage.NEGOTIATING, Stage.SIGNED, Stage.TERMINATED, Stage.AT_CAPACITY} <= stages
    assert all(p.termination_reason for p in projects if p.stage == Stage.TERMINATED)
    assert Project.objects.filter(signed_on__year=2021).exists()  # early-2021 activity
    assert FundArrival.objects.filter(period__year=2021, period__month__lte=3).exists()
    assert not FundArrival.objects.filter(period__gt="2021-03-31").exists()


def test_named_projects(demo_output: str) -> None:
    panpan = Project.objects.get(name="盼盼食品全系列产品精深加工生产基地项目")
    assert panpan.planned_investment == 200000 and panpan.is_key
    assert panpan.signed_on.year == 2020 and (panpan.started_on - panpan.signed_on).days == 38
    assert panpan.cluster.name == "农产品加工"
    sinopharm = Project.objects.get(name="国药集团医用防疫物资生产储备基地项目")
    assert sinopharm.planned_investment == 150000 and sinopharm.is_key and sinopharm.is_strategic
    lake = Project.objects.get(name="易华录集团襄阳数据湖项目")
    assert lake.planned_investment == 110000 and lake.is_strategic and lake.is_key
    assert (lake.signed_on.year, lake.signed_on.month) == (2020, 9) and lake.cluster.name == "电子信息"
    weicai = Project.objects.filter(chain_link__chain__name="卫材").exclude(name=sinopharm.name)
    assert weicai.count() == 10
    assert sum(p.planned_investment for p in weicai) == Decimal("281000")
    jhc = Project.objects.get(name__contains="金恒昌")
    assert (jhc.producing_on.year, jhc.producing_on.month) == (2020, 5)
    for fragment in ("协鑫燃气", "正大襄阳百万头生猪", "鲁花绿色食用油", "武钢集团襄阳重型装备材料"):
        assert Project.objects.filter(name__contains=fragment).count() == 1, fragment


def test_enterprises_and_pools(demo_output: str) -> None:
    assert Enterprise.objects.filter(high_tech=True).count() == 55
    assert Enterprise.objects.filter(high_tech_since__year=2020).count() == 10
    assert Enterprise.objects.filter(above_scale_since__year=2020).count() == 19
    assert Enterprise.objects.get(name__contains="长源东谷").listing == Listing.LISTED
    reserve = set(Enterprise.objects.filter(listing=Listing.RESERVE).values_list("name", flat=True))
    assert reserve == {"襄阳国铁机电股份有限公司", "正大食品（襄阳）有限公司", "襄阳康豪机电工程有限公司"}
    assert Enterprise.objects.get(name="湖北金恒昌纺织有限公司").above_scale
    assert all(uscc.is_valid(code) for code in Enterprise.objects.values_list("uscc", flat=True))
    assert Enterprise.objects.filter(name="湖北科德智能装备有限公司").exists()
    assert Enterprise.objects.filter(name__startswith="襄阳誉德").exists()


def test_one_login_per_role_with_the_printed_password(demo_output: str) -> None:
    from zhaoluo.demo.logins import logins

    printed = logins()
    assert {login.spec.role for login in printed} == set(Role.values)
    for login in printed:
        user = User.objects.get(username=login.spec.username)
        assert user.role == login.spec.role
        assert user.check_password(login.password)
        assert login.spec.username in demo_output and login.password in demo_output
        assert len(login.password) >= 12
    assert User.objects.get(role=Role.LEADER).official.name == "王海"
    assert User.objects.get(role=Role.ECONOMY).official.name == "郭兵"
    assert User.objects.get(role=Role.ENTERPRISE).enterprise.name == "湖北科德智能装备有限公司"
    assert User.objects.get(role=Role.TOWNSHIP).region.name == "双沟镇"
    assert "招商人员" in demo_output and "审计管理员" in demo_output


def test_six_ones_and_lights(demo_output: str) -> None:
    key_open = with_light_inputs(Project.objects.filter(is_key=True, stage__in=[Stage.SIGNED, Stage.STARTED]))
    missing = [p for p in key_open if p.six_ones_missing]
    assert 3 <= len(missing) <= 10
    assert all(p.light == Light.RED for p in missing)
    assert all(any("六个一" in r["message"] for r in p.light_reasons) for p in missing)
    lights = {light: Project.objects.filter(light=light).count() for light in Light.values}
    assert lights[Light.GREEN] > lights[Light.RED] > 0 and lights[Light.YELLOW] > 0
    complete = [p for p in key_open if not p.six_ones_missing]
    assert all(2 <= len(p.task_force.all()) <= 4 for p in complete)
    assert all(3 <= len(p.milestones.all()) <= 6 for p in complete)
    assert Project.objects.filter(is_key=True, stage=Stage.STARTED, progress_reports__isnull=False).exists()


def test_every_write_is_audited_as_demo(demo_output: str) -> None:
    assert AuditEvent.objects.filter(action="project.created").count() == Project.objects.count()
    # The loader's closing tick writes as the scheduler would (source "tick"); nothing else appears.
    assert set(AuditEvent.objects.values_list("source", flat=True).distinct()) <= {"demo", "tick"}
    assert AuditEvent.objects.filter(action="problem.raised").count() == Problem.objects.count()


def test_second_run_does_not_load_again(demo_output: str) -> None:
    out = StringIO()
    call_command("demo", "--no-serve", stdout=out)
    assert "未重复载入" in out.getvalue()
    assert Project.objects.filter(name="易华录集团襄阳数据湖项目").count() == 1


def test_deterministic(demo_output: str) -> None:
    """The loaded projects are exactly the plan, and the plan is the same in any process."""
    assert db_digest() == plan_digest()
    code = "from zhaoluo.demo.tests.test_demo import plan_digest; print(plan_digest())"
    env = {**os.environ, "PYTHONHASHSEED": "12345", "DJANGO_SETTINGS_MODULE": "zhaoluo.settings"}
    other = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert other.stdout.strip() == plan_digest()


def test_assistance_forms_turn_their_open_lines_into_2021_problems(demo_output: str) -> None:
    from zhaoluo.assistance.models import AssistanceForm, AssistanceLine
    from zhaoluo.problems.models import Problem

    forms = AssistanceForm.objects.all()
    assert forms.filter(project__isnull=False).count() == 24 and forms.filter(enterprise__isnull=False).count() == 10
    assert forms.filter(status="draft").count() == 2  # two March forms wait: the due page shows them
    open_lines = AssistanceLine.objects.filter(form__status="submitted").exclude(still_needed="")
    assert open_lines.count() > 0 and not open_lines.filter(problem__isnull=True).exists()
    raised = Problem.objects.filter(assistance_lines__isnull=False).distinct()
    assert raised.exists() and not raised.filter(raised_on__year__lt=2021).exists()
    assert raised.filter(status="assigned", due_on__gte="2021-04-01").exists()


def test_the_problem_loop_is_alive_on_the_demo_day(demo_output: str) -> None:
    result = figures(year=2020)
    assert result["problems_raised"] > result["problems_resolved"] > result["pairing_problems_resolved"] == 521
    assert result["problems_resolved_on_time"] > 0.8 * result["problems_resolved"]
    today = dt.date(2021, 3, 31)
    by_status = {status: Problem.objects.filter(status=status).count() for status in Status.values}
    assert all(by_status[status] > 0 for status in Status.values)  # 待交办 through 已销号, and 已办结 awaiting 销号
    overdue = [p for p in Problem.objects.filter(status__in=[Status.ASSIGNED, Status.HANDLING]) if p.is_overdue(today)]
    assert len(overdue) >= 10
    assert len({p.unit_id for p in overdue}) >= 5
    assert set(Problem.objects.values_list("origin", flat=True)) == set(Origin.values)
    assert Problem.objects.values("unit").distinct().count() >= 15
    assert AuditEvent.objects.filter(action="problem.returned").exists()
    assert AuditEvent.objects.filter(action="problem.reopened").exists()
    assert not Problem.objects.filter(raised_on__gt=today).exists()
    assert not Problem.objects.filter(closed_on__gt=today).exists()


def test_a_tick_on_the_demo_database_is_idempotent(demo_output: str) -> None:
    from zhaoluo.core.scheduled import run_tick
    from zhaoluo.core.tests.test_tick import fingerprint

    today = dt.date(2021, 3, 31)
    assert TickStep.objects.filter(name="lights", last_today=today, last_error="").exists()  # the loader's tick
    run_tick(today)
    before, audit_rows = fingerprint(), AuditEvent.objects.count()
    again = run_tick(today)
    assert again["failed_steps"] == 0 and again["checked"] == 0 and again["changed"] == 0
    assert AuditEvent.objects.count() == audit_rows
    assert fingerprint() == before


def test_meetings_past_with_minutes_and_decisions_and_upcoming_from_the_tick(demo_output: str) -> None:
    from zhaoluo.meetings.choices import Status as MeetingStatus
    from zhaoluo.meetings.models import Decision, Meeting
    from zhaoluo.problems.choices import Origin

    held = Meeting.objects.filter(status=MeetingStatus.HELD)
    assert held.count() > 100 and not held.filter(minutes="").exists()
    assert Meeting.objects.filter(status=MeetingStatus.PLANNED, held_on__gt="2021-03-31").count() >= 3
    decisions = Decision.objects.select_related("problem")
    assert decisions.count() > 50
    late = [d for d in decisions if d.problem.resolved_on and d.problem.resolved_on > d.due_on]
    open_ = [d for d in decisions if d.problem.resolved_on is None]
    assert 0 < len(late) < decisions.count() / 3 and 0 < len(open_) < decisions.count() / 3
    # The 2020 problem figures belong to the problem demo data: meetings raise nothing in 2020.
    assert not decisions.filter(problem__raised_on__year=2020).exists()
    assert all(d.problem.origin == Origin.MEETING for d in decisions)
