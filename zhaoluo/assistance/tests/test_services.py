"""帮扶情况收集表: periods, drafts, carry-over, and the one-step submit that raises the problems."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from zhaoluo.assistance import services
from zhaoluo.assistance.choices import FormStatus, PeriodKind
from zhaoluo.assistance.models import AssistanceForm, AssistanceLine
from zhaoluo.core.errors import ConflictError, PermissionDeniedError
from zhaoluo.core.models import AuditEvent
from zhaoluo.problems.choices import Category, Origin, Status
from zhaoluo.problems.models import Problem
from zhaoluo.testing import factories as f

from .conftest import filled_lines, project_form

pytestmark = pytest.mark.django_db


def test_submitting_turns_every_still_needed_line_into_a_problem_in_one_step(world, march):
    form = project_form(world)
    services.form_submit(form=form, by=world.task_force, expected_version=form.version)

    form.refresh_from_db()
    assert form.status == FormStatus.SUBMITTED
    assert form.submitted_by == world.task_force and form.submitted_on == dt.date(2021, 3, 15)
    problems = Problem.objects.filter(project=world.project).order_by("code")
    assert {(p.category, p.description) for p in problems} == {
        (Category.LAND, "二期 80 亩用地指标尚未下达"),
        (Category.LABOUR, "仍缺熟练工 80 名"),
        (Category.UTILITIES, "110 千伏专线接入方案待电力公司批复"),
    }
    assert all(p.origin == Origin.PROJECT and p.raised_on == dt.date(2021, 3, 15) for p in problems)
    assert all(p.raiser == world.task_force for p in problems)
    # A 专班 member may not 交办: the suggested unit waits in the source note for whoever assigns.
    land = problems.get(category=Category.LAND)
    assert land.status == Status.PENDING and land.unit is None
    assert "建议责任单位：区发改局" in land.origin_note and "2021-04-30" in land.origin_note
    lines = {line.factor: line for line in form.lines.all()}
    assert lines[Category.LAND].problem == land
    assert lines[Category.FINANCE].problem is None  # nothing still needed, nothing raised
    submitted = AuditEvent.objects.get(action="assistance.submitted", object_id=str(form.pk))
    assert sorted(submitted.after["problems"]) == sorted(p.code for p in problems)
    assert submitted.parent_type == "projects.project" and submitted.actor_id == world.task_force.pk
    assert AuditEvent.objects.filter(action="problem.raised", object_id__in=[str(p.pk) for p in problems]).count() == 3


def test_a_submitter_who_may_assign_hands_a_line_with_unit_and_deadline_straight_to_the_unit(world, march):
    form = project_form(world, by=world.leader)
    services.form_submit(form=form, by=world.leader, expected_version=form.version)

    land = Problem.objects.get(project=world.project, category=Category.LAND)
    assert land.status == Status.ASSIGNED
    assert land.unit == world.lead_unit and land.due_on == dt.date(2021, 4, 30)
    assert AuditEvent.objects.filter(action="problem.assigned", object_id=str(land.pk)).exists()
    labour = Problem.objects.get(project=world.project, category=Category.LABOUR)
    assert labour.status == Status.PENDING  # no unit suggested: left for 交办


def test_a_second_submission_of_the_same_version_is_a_conflict_and_raises_nothing_more(world, march):
    form = project_form(world)
    read_version = form.version
    stale = AssistanceForm.objects.get(pk=form.pk)
    services.form_submit(form=form, by=world.task_force, expected_version=read_version)

    with pytest.raises(ConflictError):
        services.form_submit(form=stale, by=world.unit, expected_version=read_version)
    assert Problem.objects.count() == 3
    assert AuditEvent.objects.filter(action="assistance.submitted").count() == 1


def test_a_submitted_form_cannot_be_submitted_again_even_with_its_current_version(world, march):
    form = project_form(world)
    services.form_submit(form=form, by=world.task_force, expected_version=form.version)
    form.refresh_from_db()

    with pytest.raises(ValidationError, match="不能重复提交"):
        services.form_submit(form=form, by=world.task_force, expected_version=form.version)
    with pytest.raises(ValidationError, match="已提交"):
        services.form_update(form=form, by=world.task_force, lines={}, expected_version=form.version)
    assert Problem.objects.count() == 3


def test_a_failure_half_way_through_submitting_leaves_a_draft_and_no_problem(world, march, monkeypatch):
    form = project_form(world)
    real_raise = services.problem_services.problem_raise
    calls = []

    def failing_raise(**kw):
        calls.append(kw)
        if len(calls) == 2:
            raise RuntimeError("数据库连接中断")
        return real_raise(**kw)

    monkeypatch.setattr(services.problem_services, "problem_raise", failing_raise)
    with pytest.raises(RuntimeError):
        services.form_submit(form=form, by=world.task_force, expected_version=form.version)

    form.refresh_from_db()
    assert form.status == FormStatus.DRAFT and form.submitted_on is None
    assert not Problem.objects.exists()
    assert not AssistanceLine.objects.filter(problem__isnull=False).exists()
    assert not AuditEvent.objects.filter(action__in=["assistance.submitted", "problem.raised"]).exists()


def test_an_empty_form_or_a_deadline_already_past_cannot_be_submitted(world, march):
    empty = project_form(world, lines=False)
    with pytest.raises(ValidationError, match="尚未填写任何内容"):
        services.form_submit(form=empty, by=world.task_force, expected_version=empty.version)
    enterprise_form = services.form_create(by=world.economy, enterprise=world.project.enterprise)
    lines = {Category.POLICY: services.LineData(still_needed="技改补贴未兑现", suggested_unit=world.lead_unit)}
    enterprise_form = services.form_update(
        form=enterprise_form, by=world.economy, lines=lines, expected_version=enterprise_form.version
    )
    AssistanceLine.objects.filter(form=enterprise_form).update(suggested_due_on=dt.date(2021, 3, 1))
    with pytest.raises(ValidationError, match="政策的建议办结时限已过"):
        services.form_submit(form=enterprise_form, by=world.economy, expected_version=enterprise_form.version)
    assert not Problem.objects.exists()


def test_a_key_project_reports_monthly_and_an_enterprise_quarterly_one_form_each_per_period(world, march):
    form = services.form_create(by=world.task_force, project=world.project)
    assert (form.period_kind, form.period_start, form.period_label) == (
        PeriodKind.MONTH,
        dt.date(2021, 3, 1),
        "2021年3月",
    )
    quarterly = services.form_create(by=world.economy, enterprise=world.project.enterprise)
    assert (quarterly.period_kind, quarterly.period_start, quarterly.period_label) == (
        PeriodKind.QUARTER,
        dt.date(2021, 1, 1),
        "2021年第1季度",
    )
    assert form.lines.count() == 8
    with pytest.raises(ValidationError, match="已存在"):
        services.form_create(by=world.leader, project=world.project)
    with pytest.raises(ValidationError, match="季度首日"):
        services.form_create(by=world.economy, enterprise=world.project.enterprise, period_start=dt.date(2020, 11, 1))
    with pytest.raises(ValidationError, match="尚未开始"):
        services.form_create(by=world.task_force, project=world.project, period_start=dt.date(2021, 4, 1))
    earlier = services.form_create(by=world.task_force, project=world.project, period_start=dt.date(2021, 2, 1))
    assert earlier.period_label == "2021年2月"
    assert AuditEvent.objects.filter(action="assistance.created").count() == 3


def test_the_previous_periods_still_needed_items_start_the_new_draft(world, march):
    february = services.form_create(by=world.task_force, project=world.project, period_start=dt.date(2021, 2, 1))
    services.form_update(form=february, by=world.task_force, lines=filled_lines(world), expected_version=1)
    march_form = services.form_create(by=world.task_force, project=world.project)

    lines = {line.factor: line for line in march_form.lines.all()}
    assert lines[Category.LAND].need == "二期 80 亩用地指标尚未下达"
    assert lines[Category.LAND].suggested_unit == world.lead_unit
    assert lines[Category.LAND].done == "" and lines[Category.LAND].still_needed == ""
    assert lines[Category.FINANCE].need == ""  # settled last month, not carried
    created = AuditEvent.objects.get(action="assistance.created", object_id=str(march_form.pk))
    assert created.note == "沿用2021年2月仍需解决事项 3 项"
    fresh = services.form_create(
        by=world.economy, enterprise=world.project.enterprise, carry_over=False, period_start=dt.date(2021, 1, 1)
    )
    assert all(line.is_empty for line in fresh.lines.all())


def test_an_enterprise_contact_fills_in_their_own_enterprises_form_and_its_problems_come_from_the_enterprise(
    world, march
):
    enterprise = world.project.enterprise
    form = services.form_create(by=world.enterprise_user, enterprise=enterprise)
    lines = {Category.SUPPLY_CHAIN: services.LineData(need="本地包装材料供应商", still_needed="希望对接本地纸箱企业")}
    form = services.form_update(form=form, by=world.enterprise_user, lines=lines, expected_version=form.version)
    services.form_submit(form=form, by=world.enterprise_user, expected_version=form.version)

    problem = Problem.objects.get()
    assert (problem.origin, problem.enterprise, problem.project) == (Origin.ENTERPRISE, enterprise, None)
    assert problem.category == Category.SUPPLY_CHAIN and problem.status == Status.PENDING
    other = f.EnterpriseFactory.create(district=world.district, name="襄阳誉德机械有限公司")
    with pytest.raises(PermissionDeniedError):
        services.form_create(by=world.enterprise_user, enterprise=other)


def test_who_may_fill_in_which_form(world, march):
    enterprise = world.project.enterprise
    for user in (world.supervision, world.principal, world.economy, world.enterprise_user):
        with pytest.raises(PermissionDeniedError):
            services.form_create(by=user, project=world.project)
    for user in (world.investment, world.task_force, world.supervision):
        with pytest.raises(PermissionDeniedError):
            services.form_create(by=user, enterprise=enterprise)
    with pytest.raises(ValidationError, match="只有重点项目"):
        services.form_create(by=world.investment, project=world.other_project)
    with pytest.raises(ValidationError, match="不在您的查看范围内"):
        services.form_create(by=world.outsider, project=world.project)
    form = services.form_create(by=world.unit, project=world.project)
    with pytest.raises(PermissionDeniedError):
        services.form_submit(form=form, by=world.supervision, expected_version=form.version)
    assert AssistanceForm.objects.count() == 1


def test_a_need_still_open_from_last_month_keeps_its_problem_instead_of_raising_a_second(world, march):
    february = services.form_create(
        by=world.task_force, project=world.project, period_start=dt.date(2021, 2, 1), filled_on=dt.date(2021, 2, 20)
    )
    february = services.form_update(
        form=february, by=world.task_force, lines=filled_lines(world), expected_version=february.version
    )
    services.form_submit(
        form=february, by=world.task_force, expected_version=february.version, submitted_on=dt.date(2021, 3, 1)
    )
    land = Problem.objects.get(category=Category.LAND)
    labour = Problem.objects.get(category=Category.LABOUR)
    Problem.objects.filter(pk=labour.pk).update(status=Status.CLOSED)  # settled in between

    march_form = services.form_create(by=world.task_force, project=world.project)
    lines = {
        Category.LAND: services.LineData(still_needed="二期 80 亩用地指标尚未下达"),  # unchanged, still open
        Category.LABOUR: services.LineData(still_needed="仍缺熟练工 80 名"),  # same words, but closed
        Category.UTILITIES: services.LineData(still_needed="专线已批复，待电力公司施工"),  # the need moved on
    }
    march_form = services.form_update(
        form=march_form, by=world.task_force, lines=lines, expected_version=march_form.version
    )
    services.form_submit(form=march_form, by=world.task_force, expected_version=march_form.version)

    by_factor = {line.factor: line.problem for line in march_form.lines.all()}
    assert by_factor[Category.LAND] == land
    land.refresh_from_db()
    assert land.status == Status.PENDING  # this month names no unit: still waiting for 交办
    assert by_factor[Category.LABOUR] != labour and by_factor[Category.LABOUR].status == Status.PENDING
    assert Problem.objects.count() == 3 + 2
    event = AuditEvent.objects.get(action="assistance.submitted", object_id=str(march_form.pk))
    assert event.after["problems_kept"] == [land.code] and len(event.after["problems"]) == 2
    assert f"1 项沿用上期未办结问题：{land.code}" in event.note


def test_a_kept_problem_still_waiting_is_assigned_when_this_period_names_a_unit_and_deadline(world, march):
    january = services.form_create(
        by=world.leader, project=world.project, period_start=dt.date(2021, 1, 1), filled_on=dt.date(2021, 1, 20)
    )
    lines = {Category.APPROVAL: services.LineData(still_needed="施工许可证待核发")}
    january = services.form_update(form=january, by=world.leader, lines=lines, expected_version=january.version)
    services.form_submit(form=january, by=world.leader, expected_version=january.version)
    february = services.form_create(by=world.leader, project=world.project, period_start=dt.date(2021, 2, 1))
    lines = {
        Category.APPROVAL: services.LineData(
            still_needed="施工许可证待核发", suggested_unit=world.lead_unit, suggested_due_on=dt.date(2021, 3, 31)
        )
    }
    february = services.form_update(form=february, by=world.leader, lines=lines, expected_version=february.version)
    services.form_submit(form=february, by=world.leader, expected_version=february.version)

    problem = Problem.objects.get()
    assert problem.status == Status.ASSIGNED
    assert (problem.unit, problem.due_on) == (world.lead_unit, dt.date(2021, 3, 31))
