from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError

from zhaoluo.core.errors import ConflictError, PermissionDeniedError
from zhaoluo.core.models import AuditEvent
from zhaoluo.projects import services
from zhaoluo.projects.choices import Light, Stage, TransitionKind
from zhaoluo.projects.models import Project, StageTransition

pytestmark = pytest.mark.django_db


def events(project: Project, action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(parent_type="projects.project", parent_id=str(project.pk), action=action))


@time_machine.travel(dt.datetime(2020, 6, 1, 9, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False)
def test_investment_staff_sign_a_project_and_the_transition_and_audit_row_are_written(world):
    project = world.project
    transition = services.project_advance_stage(
        project=project,
        to=Stage.SIGNED,
        on=dt.date(2020, 5, 20),
        by=world.investment,
        note="签约仪式",
        expected_version=project.version,
    )
    project.refresh_from_db()
    assert project.stage == Stage.SIGNED
    assert project.signed_on == dt.date(2020, 5, 20)
    assert transition.kind == TransitionKind.ADVANCE and transition.by == world.investment
    [event] = events(project, "project.stage_advanced")
    assert event.actor == world.investment
    assert event.before == {"stage": "negotiating", "signed_on": None}
    assert event.after == {"stage": "signed", "signed_on": "2020-05-20"}


def test_a_stage_cannot_be_skipped(world):
    with pytest.raises(ValidationError) as exc:
        services.project_advance_stage(
            project=world.project, to=Stage.STARTED, on=dt.date(2020, 5, 1), by=world.investment
        )
    assert "下一阶段应为签约" in str(exc.value)
    assert not StageTransition.objects.filter(project=world.project).exists()


def test_starting_before_signing_is_refused_and_nothing_is_written(world):
    services.project_advance_stage(project=world.project, to=Stage.SIGNED, on=dt.date(2020, 5, 20), by=world.investment)
    with pytest.raises(ValidationError) as exc:
        services.project_advance_stage(
            project=world.project, to=Stage.STARTED, on=dt.date(2020, 5, 1), by=world.investment
        )
    assert "开工日期不能早于签约日期" in str(exc.value)
    world.project.refresh_from_db()
    assert world.project.stage == Stage.SIGNED and world.project.started_on is None
    assert StageTransition.objects.filter(project=world.project).count() == 1


def test_termination_needs_a_reason_and_reopening_returns_to_the_dated_stage(world):
    p = world.project
    services.project_advance_stage(project=p, to=Stage.SIGNED, on=dt.date(2020, 5, 20), by=world.investment)
    with pytest.raises(ValidationError):
        services.project_terminate(project=p, on=dt.date(2020, 6, 1), reason="  ", by=world.investment)
    services.project_terminate(project=p, on=dt.date(2020, 6, 1), reason="投资方资金链断裂", by=world.investment)
    p.refresh_from_db()
    assert p.stage == Stage.TERMINATED and p.termination_reason == "投资方资金链断裂"
    services.project_reopen(project=p, on=dt.date(2020, 7, 1), reason="引入新投资方", by=world.investment)
    p.refresh_from_db()
    assert p.stage == Stage.SIGNED and p.terminated_on is None and p.termination_reason == ""
    stage_actions = [
        e.action
        for e in AuditEvent.objects.filter(parent_id=str(p.pk), action__startswith="project.").order_by("id")
        if e.action != "project.light_changed"
    ]
    assert stage_actions == ["project.stage_advanced", "project.terminated", "project.reopened"]


def test_a_stale_edit_is_refused_with_what_changed(world):
    p = world.project
    version = p.version
    services.project_update(
        project=p, by=world.investment, data={"planned_investment": Decimal("250000")}, expected_version=version
    )
    stale = Project.objects.get(pk=p.pk)
    with pytest.raises(ConflictError) as exc:
        services.project_update(
            project=stale, by=world.investment, data={"planned_investment": Decimal("1")}, expected_version=version
        )
    assert exc.value.changes == {"planned_investment": "250000"}
    assert Project.objects.get(pk=p.pk).planned_investment == Decimal("250000")


def test_only_investment_staff_edit_projects(world):
    with pytest.raises(PermissionDeniedError):
        services.project_update(
            project=world.project, by=world.task_force, data={"name": "改名"}, expected_version=None
        )


def test_hundred_million_class_follows_the_amount(world):
    p = world.project
    services.project_update(
        project=p, by=world.investment, data={"planned_investment": Decimal("9999.99")}, expected_version=None
    )
    assert Project.objects.get(pk=p.pk).is_100m is False
    services.project_update(
        project=p, by=world.investment, data={"planned_investment": Decimal("10000")}, expected_version=None
    )
    assert Project.objects.get(pk=p.pk).is_100m is True


@time_machine.travel(dt.datetime(2020, 9, 1, 9, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False)
def test_a_key_project_without_a_plan_is_red_until_a_milestone_is_added(world):
    p = world.project
    services.project_update(project=p, by=world.investment, data={"description": "x"}, expected_version=None)
    p.refresh_from_db()
    assert p.light == Light.RED
    assert p.light_reasons[0]["rule"] == "six-ones" and "方案" in p.light_reasons[0]["message"]
    services.milestone_create(project=p, by=world.task_force, name="土地摘牌", planned_on=dt.date(2020, 12, 1))
    p.refresh_from_db()
    assert p.light == Light.GREEN, p.light_reasons
    assert len(events(p, "project.light_changed")) == 2
