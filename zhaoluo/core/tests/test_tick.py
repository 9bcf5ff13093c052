"""The tick: one at a time (lease), step by step (state), incremental and idempotent."""

from __future__ import annotations

import datetime as dt
import hashlib
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from zhaoluo.core import scheduled
from zhaoluo.core.models import AuditEvent, TickLease, TickStep
from zhaoluo.core.scheduled import Step, run_tick, tick
from zhaoluo.notify.models import Notification
from zhaoluo.problems import services as problems
from zhaoluo.projects import lights
from zhaoluo.projects import services as project_services
from zhaoluo.projects.choices import Light, Stage
from zhaoluo.projects.models import Project
from zhaoluo.testing import factories as f

pytestmark = pytest.mark.django_db

MONDAY = dt.datetime(2021, 3, 1, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def frozen() -> Any:
    """The clock stands still at the start of January 2021, from before the world is made,
    so every row's timestamps are on the same clock as the ticks'."""
    with time_machine.travel(dt.datetime(2021, 1, 4, 10, 0, tzinfo=dt.UTC), tick=False) as traveller:
        yield traveller


def _project_with_milestone(world: Any, *, name: str, planned_on: dt.date) -> Project:
    project = f.ProjectFactory.create(
        district=world.district,
        name=name,
        township=world.township,
        lead_unit=world.lead_unit,
        stage=Stage.STARTED,
        signed_on=dt.date(2020, 5, 1),
        started_on=dt.date(2020, 8, 1),
    )
    project_services.milestone_create(project=project, by=world.task_force, name="主体封顶", planned_on=planned_on)
    project.refresh_from_db()
    return project


def fingerprint() -> str:
    """A digest of every row of every table the tick may write, bookkeeping aside."""
    skip = {TickStep, TickLease}
    digest = hashlib.sha256()
    for model in sorted(apps.get_models(), key=lambda m: m._meta.label):
        if model in skip or not model._meta.managed:
            continue
        for row in model._base_manager.order_by("pk").values_list():
            digest.update(repr(row).encode())
    return digest.hexdigest()


def test_a_tick_started_while_another_runs_is_busy_and_does_nothing(frozen: Any, world: Any) -> None:
    inner: list[scheduled.TickResult] = []

    def probe(today: dt.date) -> dict[str, int]:
        inner.append(tick(today, steps=[Step("never", "不应运行", _fail)]))
        return {"probed": 1}

    outer = tick(dt.date(2021, 3, 1), steps=[Step("probe", "探测", probe)])

    assert outer.busy is False and outer.counts == {"probed": 1}
    assert inner[0].busy is True and inner[0].counts == {} and inner[0].errors == {}
    assert not TickStep.objects.filter(name="never").exists()
    assert not TickLease.objects.exists()  # released: the next tick is free to run
    assert run_tick(dt.date(2021, 3, 1))["busy"] == 0


def _fail(today: dt.date) -> dict[str, int]:
    raise AssertionError("a busy tick ran a step")


def test_a_lease_held_by_a_running_tick_turns_the_command_away(frozen: Any, world: Any) -> None:
    now = timezone.now()
    TickLease.objects.create(name="tick", holder="other", acquired_at=now, expires_at=now + dt.timedelta(minutes=5))
    audit_rows = AuditEvent.objects.count()

    out = StringIO()
    call_command("tick", "--today", "2021-03-01", stdout=out)

    assert "busy" in out.getvalue()
    assert run_tick(dt.date(2021, 3, 1)) == {"busy": 1}
    assert not TickStep.objects.exists()
    assert AuditEvent.objects.count() == audit_rows
    assert TickLease.objects.get().holder == "other"


def test_the_expired_lease_of_a_killed_tick_is_taken_over(frozen: Any, world: Any) -> None:
    then = timezone.now() - dt.timedelta(hours=2)
    TickLease.objects.create(name="tick", holder="killed", acquired_at=then, expires_at=then + dt.timedelta(minutes=15))

    result = run_tick(dt.date(2021, 3, 1))

    assert result["busy"] == 0
    assert TickStep.objects.get(name="lights").runs == 1
    assert not TickLease.objects.exists()


def test_a_step_that_raises_half_way_leaves_finished_projects_and_the_next_tick_completes(
    frozen: Any, world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _project_with_milestone(world, name="第一个项目", planned_on=dt.date(2021, 2, 1))
    second = _project_with_milestone(world, name="第二个项目", planned_on=dt.date(2021, 2, 1))
    second_next_on = second.light_next_on
    assert first.light == second.light == Light.GREEN
    real = lights.evaluate
    seen: list[int] = []

    def dies_on_the_second(project: Project, rules: Any, today: dt.date) -> lights.Verdict:
        seen.append(project.pk)
        if project.pk == second.pk:
            raise RuntimeError("进程被终止")
        return real(project, rules, today)

    monkeypatch.setattr(lights, "evaluate", dies_on_the_second)
    frozen.move_to(MONDAY)
    broken = tick()
    assert "lights" in broken.errors and "notify" in broken.steps  # the other steps still ran
    state = TickStep.objects.get(name="lights")
    assert "进程被终止" in state.last_error and state.failures == 1 and state.since is None
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.light == Light.RED  # committed before the failure
    assert second.light == Light.GREEN and second.light_next_on == second_next_on  # untouched

    monkeypatch.setattr(lights, "evaluate", real)
    frozen.move_to(MONDAY + dt.timedelta(hours=1))
    healed = tick()
    assert healed.errors == {}
    second.refresh_from_db()
    assert second.light == Light.RED
    state.refresh_from_db()
    assert state.last_error == "" and state.since is not None and state.runs == 1
    changed = AuditEvent.objects.filter(action="project.light_changed", object_id__in=[str(first.pk), str(second.pk)])
    assert sorted(int(pk) for pk in changed.values_list("object_id", flat=True)) == sorted([first.pk, second.pk])


def test_with_nothing_changed_no_project_is_recomputed_and_a_passing_milestone_date_recomputes_just_that_one(
    frozen: Any, world: Any
) -> None:
    frozen.move_to(dt.datetime(2021, 3, 1, 9, 0, tzinfo=dt.UTC))
    due = _project_with_milestone(world, name="三月节点项目", planned_on=dt.date(2021, 3, 10))
    later = _project_with_milestone(world, name="六月节点项目", planned_on=dt.date(2021, 6, 30))
    frozen.move_to(dt.datetime(2021, 3, 1, 11, 0, tzinfo=dt.UTC))
    full = tick()
    assert full.counts["checked"] == Project.objects.count()  # the first run looks at all of them

    frozen.move_to(dt.datetime(2021, 3, 5, 9, 0, tzinfo=dt.UTC))
    idle = tick()
    assert idle.counts == {**idle.counts, "checked": 0, "changed": 0}

    frozen.move_to(dt.datetime(2021, 3, 11, 9, 0, tzinfo=dt.UTC))
    passed = tick()
    assert passed.counts["checked"] == 1 and passed.counts["changed"] == 1
    due.refresh_from_db()
    later.refresh_from_db()
    assert due.light == Light.YELLOW and later.light == Light.GREEN
    assert later.light_next_on == dt.date(2021, 6, 30)  # the planned share grows that day
    since_full = AuditEvent.objects.filter(
        action="project.light_changed", at__gte=dt.datetime(2021, 3, 2, tzinfo=dt.UTC)
    )
    assert list(since_full.values_list("object_id", "source")) == [(str(due.pk), "tick")]


def test_a_project_edited_between_ticks_is_the_only_one_looked_at_again(frozen: Any, world: Any) -> None:
    frozen.move_to(MONDAY)
    tick()
    frozen.move_to(MONDAY + dt.timedelta(hours=1))
    f.MilestoneFactory.create(project=world.project, planned_on=dt.date(2021, 2, 1))  # around the services
    result = tick()
    assert result.counts["checked"] == 1
    world.project.refresh_from_db()
    assert world.project.light == Light.RED


def test_the_second_of_two_ticks_in_a_row_writes_nothing(frozen: Any, world: Any) -> None:
    for i, planned in enumerate([dt.date(2021, 1, 20), dt.date(2021, 2, 26), dt.date(2021, 4, 30)]):
        _project_with_milestone(world, name=f"幂等项目{i}", planned_on=planned)
    problem = problems.problem_raise(by=world.task_force, description="施工用电增容迟迟未批复")
    problems.problem_assign(problem=problem, by=world.investment, unit=world.lead_unit, workdays=5)
    frozen.move_to(MONDAY)
    first = run_tick()
    assert first["changed"] >= 2 and first["failed_steps"] == 0
    before, audit_rows, notes = fingerprint(), AuditEvent.objects.count(), Notification.objects.count()
    frozen.move_to(MONDAY + dt.timedelta(minutes=5))
    second = run_tick()
    assert second["failed_steps"] == 0 and second["changed"] == 0
    assert AuditEvent.objects.count() == audit_rows
    assert Notification.objects.count() == notes
    assert fingerprint() == before


def test_the_tick_command_reports_each_step(frozen: Any, world: Any) -> None:
    out = StringIO()
    frozen.move_to(MONDAY)
    call_command("tick", stdout=out)
    text = out.getvalue()
    assert "重算亮灯 (lights): checked=" in text and "发送通知 (notify)" in text
    assert set(TickStep.objects.values_list("name", flat=True)) == {step.name for step in scheduled.STEPS}


def test_the_system_administrator_sees_the_steps_and_no_one_can_edit_them(frozen: Any, world: Any) -> None:
    frozen.move_to(MONDAY)
    run_tick()
    client = world.client_for(world.sysadmin)
    page = client.get(reverse("admin:core_tickstep_changelist"))
    assert page.status_code == 200
    assert "重算亮灯" in page.content.decode()
    assert client.post(reverse("admin:core_tickstep_delete", args=["lights"]), {"post": "yes"}).status_code == 403
    assert TickStep.objects.filter(name="lights").exists()
    assert world.client_for(world.investment).get(reverse("admin:core_tickstep_changelist")).status_code == 302
