from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from zhaoluo.core.errors import ConflictError, PermissionDeniedError
from zhaoluo.core.models import AuditEvent
from zhaoluo.projects import services
from zhaoluo.projects.choices import Light, Stage, TransitionKind
from zhaoluo.projects.models import Project, StageTransition
from zhaoluo.testing import factories as f
from zhaoluo.testing.factories import uscc_with_check

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


def test_a_task_force_needs_exactly_one_lead_and_no_duplicates(world):
    a, b = world.member_official, world.lead_member_official
    with pytest.raises(ValidationError, match="有且只有一名负责人"):
        services.task_force_set(
            project=world.project, by=world.investment, members=[services.MemberSpec(a), services.MemberSpec(b)]
        )
    with pytest.raises(ValidationError, match="不能重复"):
        services.task_force_set(
            project=world.project,
            by=world.investment,
            members=[services.MemberSpec(a, is_lead=True), services.MemberSpec(a)],
        )
    services.task_force_set(project=world.project, by=world.investment, members=[services.MemberSpec(a, is_lead=True)])
    assert [(m.official, m.is_lead) for m in world.project.task_force.all()] == [(a, True)]
    [event] = events(world.project, "project.task_force_set")
    assert event.before == {"task_force": ["赵牵头（负责人）", "李专"]}
    assert event.after == {"task_force": ["李专（负责人）"]}


def test_a_month_of_progress_is_recorded_once_and_a_second_report_replaces_it(world):
    p = world.project
    services.progress_record(
        project=p,
        by=world.task_force,
        period=dt.date(2020, 6, 15),
        completed_investment=Decimal("1200"),
        image_progress=30,
    )
    report = services.progress_record(
        project=p,
        by=world.task_force,
        period=dt.date(2020, 6, 1),
        completed_investment=Decimal("1500"),
        image_progress=35,
    )
    assert p.progress_reports.count() == 1
    assert (report.period, report.completed_investment, report.image_progress) == (
        dt.date(2020, 6, 1),
        Decimal("1500"),
        35,
    )
    assert [e.action for e in events(p, "progress.recorded")] == ["progress.recorded"]
    [update] = events(p, "progress.updated")
    assert update.before["image_progress"] == 30 and update.after["image_progress"] == 35


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"completed_investment": Decimal("-1"), "image_progress": 10}, "completed_investment"),
        ({"completed_investment": Decimal("1"), "image_progress": 101}, "image_progress"),
    ],
)
def test_impossible_progress_is_rejected_and_nothing_is_written(world, kwargs, field):
    with pytest.raises(ValidationError) as exc:
        services.progress_record(project=world.project, by=world.task_force, period=dt.date(2020, 6, 1), **kwargs)
    assert field in exc.value.message_dict
    assert not world.project.progress_reports.exists()
    assert not events(world.project, "progress.recorded")


def test_progress_cannot_be_reported_for_a_future_month(world):
    with pytest.raises(ValidationError, match="未来月份"):
        services.progress_record(
            project=world.project,
            by=world.task_force,
            period=dt.date(2999, 1, 1),
            completed_investment=Decimal(1),
            image_progress=1,
        )


def test_funds_recorded_twice_for_the_same_month_and_origin_correct_the_amount(world):
    p = world.project
    services.fund_record(project=p, by=world.investment, period=dt.date(2020, 3, 9), amount=Decimal("5000"))
    services.fund_record(project=p, by=world.investment, period=dt.date(2020, 3, 1), amount=Decimal("5500"))
    services.fund_record(project=p, by=world.investment, period=dt.date(2020, 3, 1), amount=Decimal("5500"))
    [fund] = p.funds.all()
    assert fund.amount == Decimal("5500") and fund.period == dt.date(2020, 3, 1)
    assert len(events(p, "funds.recorded")) == 1
    assert len(events(p, "funds.updated")) == 1  # the identical third write changes nothing


def test_negative_funds_and_unknown_origins_are_rejected(world):
    with pytest.raises(ValidationError, match="amount"):
        services.fund_record(project=world.project, by=world.investment, period=dt.date(2020, 3, 1), amount=Decimal(-1))
    with pytest.raises(ValidationError, match="未知的资金来源"):
        services.fund_record(
            project=world.project, by=world.investment, period=dt.date(2020, 3, 1), amount=Decimal(1), origin="火星"
        )
    assert not world.project.funds.exists()


def test_a_task_force_member_may_not_record_funds(world):
    with pytest.raises(PermissionDeniedError):
        services.fund_record(project=world.project, by=world.task_force, period=dt.date(2020, 3, 1), amount=Decimal(1))


def test_completing_a_milestone_is_audited_as_completion(world):
    m = services.milestone_create(
        project=world.project, by=world.task_force, name="厂房封顶", planned_on=dt.date(2020, 8, 1), weight=Decimal(2)
    )
    services.milestone_update(
        milestone=m, by=world.task_force, data={"actual_on": dt.date(2020, 7, 30)}, expected_version=m.version
    )
    [event] = events(world.project, "milestone.completed")
    assert event.after == {"actual_on": "2020-07-30"}


def test_an_invalid_investor_credit_code_is_rejected_with_the_reason(world):
    valid = uscc_with_check("91420607MA0000001")
    wrong_check = valid[:-1] + ("1" if valid[-1] != "1" else "2")
    with pytest.raises(ValidationError) as exc:
        services.project_update(
            project=world.project, by=world.investment, data={"investor_uscc": wrong_check}, expected_version=None
        )
    assert exc.value.message_dict["investor_uscc"] == ["统一社会信用代码校验位错误"]


def test_the_leader_must_come_from_the_four_bodies(world):
    with pytest.raises(ValidationError, match="四大家"):
        services.project_update(
            project=world.project, by=world.investment, data={"leader": world.member_official}, expected_version=None
        )


def test_a_project_is_created_with_its_historic_stage_dates_recorded_as_transitions(world):
    p = services.project_create(
        by=world.investment,
        district=world.district,
        data={"name": "历史项目", "planned_investment": Decimal("12000"), "investor": "某集团", "is_key": True},
        stage_data={"stage": Stage.STARTED, "signed_on": dt.date(2019, 5, 1), "started_on": dt.date(2019, 7, 1)},
    )
    assert [(t.from_stage, t.to_stage, t.on) for t in p.transitions.order_by("on")] == [
        (Stage.NEGOTIATING, Stage.SIGNED, dt.date(2019, 5, 1)),
        (Stage.SIGNED, Stage.STARTED, dt.date(2019, 7, 1)),
    ]
    assert Project.objects.get(pk=p.pk).is_100m is True
    assert len(events(p, "project.created")) == 1


def test_a_stage_that_disagrees_with_the_dates_is_rejected(world):
    with pytest.raises(ValidationError) as exc:
        services.project_create(
            by=world.investment,
            district=world.district,
            data={"name": "矛盾项目", "planned_investment": Decimal("100"), "investor": "某公司"},
            stage_data={"stage": Stage.SIGNED, "signed_on": dt.date(2019, 5, 1), "started_on": dt.date(2019, 7, 1)},
        )
    assert "当前阶段为签约，但日期显示为开工" in str(exc.value)
    assert not Project.objects.filter(name="矛盾项目").exists()


def test_a_project_dropped_in_talks_is_terminated_without_an_investor(world):
    p = world.other_project  # 在谈, no investor
    services.project_terminate(project=p, on=dt.date(2020, 3, 1), reason="对方放弃", by=world.investment)
    p.refresh_from_db()
    assert p.stage == Stage.TERMINATED


def test_reopening_returns_to_the_stage_the_project_was_terminated_from(world):
    p = world.other_project
    Project.objects.filter(pk=p.pk).update(stage=Stage.LEAD)
    p.refresh_from_db()
    services.project_terminate(project=p, on=dt.date(2020, 3, 1), reason="线索失效", by=world.investment)
    with pytest.raises(ValidationError, match="不能早于终止日期"):
        services.project_reopen(project=p, on=dt.date(2020, 2, 1), reason="恢复", by=world.investment)
    services.project_reopen(project=p, on=dt.date(2020, 4, 1), reason="重新接洽", by=world.investment)
    p.refresh_from_db()
    assert p.stage == Stage.LEAD


def test_a_leader_unit_or_task_force_from_another_district_is_refused(world):
    other_unit = f.UnitFactory.create(name="襄城区发改局", region=world.other_district)
    other_leader = f.LeaderFactory.create(name="外区领导", unit=other_unit)
    outsider = f.OfficialFactory.create(name="外区干部", unit=other_unit)
    with pytest.raises(ValidationError) as exc:
        services.project_update(
            project=world.project,
            by=world.investment,
            data={"leader": other_leader, "lead_unit": other_unit},
            expected_version=None,
        )
    assert set(exc.value.message_dict) == {"leader", "lead_unit"}
    with pytest.raises(ValidationError, match="不是本区干部：外区干部"):
        services.task_force_set(
            project=world.project, by=world.investment, members=[services.MemberSpec(outsider, is_lead=True)]
        )


def test_blank_project_codes_are_stored_as_no_code_so_two_of_them_do_not_clash(world):
    for name in ("甲项目", "乙项目"):
        services.project_create(
            by=world.investment,
            district=world.district,
            data={"name": name, "code": "  ", "planned_investment": Decimal(1)},
        )
    assert list(Project.objects.filter(name__in=["甲项目", "乙项目"]).values_list("code", flat=True)) == [None, None]


def test_projects_without_a_national_code_do_not_clash_but_the_database_refuses_a_second_copy_of_one(world):
    for name in ("甲项目", "乙项目"):
        services.project_create(
            by=world.investment,
            district=world.district,
            data={"name": name, "national_code": " ", "planned_investment": Decimal(1)},
        )
    assert set(Project.objects.filter(name__in=["甲项目", "乙项目"]).values_list("national_code", flat=True)) == {""}
    services.project_update(
        project=world.project,
        by=world.investment,
        data={"national_code": "2020 320506 39 03 512345"},
        expected_version=world.project.version,
    )
    assert Project.objects.get(pk=world.project.pk).national_code == "2020-320506-39-03-512345"
    # A write that skips the service (a bulk update, a race between two saves) meets the constraint.
    with pytest.raises(IntegrityError), transaction.atomic():
        Project.objects.filter(pk=world.other_project.pk).update(national_code="2020-320506-39-03-512345")
    assert Project.objects.filter(national_code="2020-320506-39-03-512345").count() == 1


def test_deleting_a_milestone_someone_just_edited_is_refused(world):
    m = services.milestone_create(
        project=world.project, by=world.task_force, name="环评", planned_on=dt.date(2020, 9, 1)
    )
    read = m.version
    services.milestone_update(milestone=m, by=world.task_force, data={"weight": Decimal(3)}, expected_version=read)
    with pytest.raises(ConflictError):
        services.milestone_delete(milestone=m, by=world.task_force, expected_version=read)
    assert world.project.milestones.filter(name="环评").exists()


def test_a_conflict_names_what_others_changed_since_the_version_read_not_what_i_typed(world):
    p = world.project
    read = p.version
    services.project_update(project=p, by=world.investment, data={"source": "以商招商"}, expected_version=read)
    services.task_force_set(
        project=Project.objects.get(pk=p.pk),
        by=world.investment,
        members=[services.MemberSpec(world.member_official, is_lead=True)],
        expected_version=read + 1,
    )
    with pytest.raises(ConflictError) as exc:
        services.project_update(
            project=Project.objects.get(pk=p.pk),
            by=world.investment,
            data={"description": "我的修改"},
            expected_version=read,
        )
    assert exc.value.changes == {"source": "以商招商", "task_force": ["李专（负责人）"]}
    assert exc.value.current_version == read + 2
