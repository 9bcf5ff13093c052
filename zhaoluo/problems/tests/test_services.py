"""The problem loop: raise → 交办 → 办理 → 办结 → 销号, with 退回重办 and the rating."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from zhaoluo.core.errors import ConflictError, PermissionDeniedError
from zhaoluo.core.models import AuditEvent
from zhaoluo.notify.models import Notification
from zhaoluo.problems import services
from zhaoluo.problems.choices import Category, Origin, Satisfaction, Status
from zhaoluo.problems.models import Problem
from zhaoluo.problems.selectors import problem_timeline

CST = dt.timezone(dt.timedelta(hours=8))
# Monday 2020-06-01; the 端午 holiday is Thu 25 – Sat 27 June 2020, with Sunday 28 June a 调休 working day.
MONDAY = dt.datetime(2020, 6, 1, 9, tzinfo=CST)

pytestmark = pytest.mark.django_db


def _raise(world, **kw):
    defaults = {
        "by": world.task_force,
        "description": "项目用地指标尚未落实，影响开工",
        "category": Category.LAND,
        "origin": Origin.PROJECT,
        "project": world.project,
    }
    return services.problem_raise(**{**defaults, **kw})


def _assigned(world, **kw):
    problem = _raise(world)
    return services.problem_assign(
        problem=problem, by=world.supervision, unit=world.lead_unit, due_on=dt.date(2020, 6, 10), **kw
    )


def _handling(world):
    problem = _assigned(world)
    return services.problem_start(problem=problem, by=world.unit)


def _resolved(world, on=None):
    problem = _handling(world)
    return services.problem_resolve(
        problem=problem, by=world.unit, handling_note="已协调自然资源局调剂指标", resolved_on=on
    )


@time_machine.travel(MONDAY, tick=False)
def test_a_raised_problem_waits_for_assignment_with_a_generated_code_and_an_audit_row(world):
    problem = _raise(world)
    problem.refresh_from_db()
    assert problem.status == Status.PENDING
    assert problem.code == "WT2020-0001"
    assert problem.raiser == world.task_force and problem.raised_on == dt.date(2020, 6, 1)
    second = _raise(world, description="用工缺口 200 人", category=Category.LABOUR)
    assert second.code == "WT2020-0002"
    event = AuditEvent.objects.get(action="problem.raised", object_id=str(problem.pk))
    assert event.parent_type == "problems.problem" and event.parent_id == str(problem.pk)
    assert event.after["status"] == Status.PENDING and event.actor == world.task_force


@time_machine.travel(MONDAY, tick=False)
def test_a_given_code_is_kept_and_a_duplicate_is_refused_in_chinese(world):
    problem = _raise(world, code="XZ-001")
    assert problem.code == "XZ-001"
    with pytest.raises(ValidationError) as exc:
        _raise(world, code="XZ-001")
    assert "已存在" in str(exc.value)
    assert Problem.objects.count() == 1


@time_machine.travel(MONDAY, tick=False)
def test_a_project_problem_needs_its_project_and_a_foreign_project_is_refused(world, django_user_model):
    with pytest.raises(ValidationError) as exc:
        _raise(world, project=None)
    assert "须选择项目" in str(exc.value)
    from zhaoluo.testing import factories as f

    foreign = f.ProjectFactory.create(district=world.other_district, name="襄城项目")
    with pytest.raises(ValidationError):
        _raise(world, project=foreign)
    assert not Problem.objects.exists()


@time_machine.travel(MONDAY, tick=False)
def test_an_enterprise_contact_raises_only_for_their_own_enterprise(world):
    problem = services.problem_raise(
        by=world.enterprise_user, description="电力增容审批慢", category=Category.UTILITIES, origin=Origin.OTHER
    )
    assert problem.origin == Origin.ENTERPRISE
    assert problem.enterprise == world.enterprise_user.enterprise and problem.project is None


@pytest.mark.parametrize("persona", ["sysadmin", "secadmin", "auditadmin", "nobody"])
@time_machine.travel(MONDAY, tick=False)
def test_admin_roles_and_accounts_without_a_role_cannot_raise_problems(world, persona):
    with pytest.raises(PermissionDeniedError):
        _raise(world, by=getattr(world, persona))
    assert not Problem.objects.exists()


@time_machine.travel(MONDAY, tick=False)
def test_assignment_sets_unit_owner_and_deadline_and_tells_the_unit_in_its_inbox(world):
    problem = _raise(world)
    services.problem_assign(
        problem=problem,
        by=world.supervision,
        unit=world.lead_unit,
        owner=world.lead_member_official,
        co_units=[world.township_unit],
        due_on=dt.date(2020, 6, 12),
        note="请两周内落实",
    )
    problem.refresh_from_db()
    assert problem.status == Status.ASSIGNED
    assert problem.unit == world.lead_unit and problem.owner == world.lead_member_official
    assert problem.due_on == dt.date(2020, 6, 12)
    assert list(problem.co_units.all()) == [world.township_unit]
    told = Notification.objects.filter(event="assigned", object_id=str(problem.pk))
    # The unit user (also the owner) once, and the co-handling township's user.
    assert sorted(n.recipient.username for n in told) == ["qiantou", "shuanggou"]
    assert "2020-06-12" in told.first().body or "2020年6月12日" in told.first().body
    assert AuditEvent.objects.filter(action="problem.assigned", parent_id=str(problem.pk)).count() == 1


@time_machine.travel(MONDAY, tick=False)
def test_a_deadline_in_working_days_skips_the_dragon_boat_holiday_and_counts_the_make_up_sunday(world):
    # From Mon 15 June 2020: 16,17,18,19,22,23,24 (7), then 25–27 off, Sun 28 June is a 调休 working day (8).
    assert services.due_after_workdays(start=dt.date(2020, 6, 15), workdays=8) == dt.date(2020, 6, 28)
    problem = _raise(world)
    services.problem_assign(problem=problem, by=world.supervision, unit=world.lead_unit, workdays=5)
    problem.refresh_from_db()
    assert problem.due_on == dt.date(2020, 6, 8)


@time_machine.travel(MONDAY, tick=False)
def test_assignment_without_a_deadline_or_with_a_past_one_is_refused(world):
    problem = _raise(world)
    with pytest.raises(ValidationError):
        services.problem_assign(problem=problem, by=world.supervision, unit=world.lead_unit)
    with pytest.raises(ValidationError):
        services.problem_assign(
            problem=problem, by=world.supervision, unit=world.lead_unit, due_on=dt.date(2020, 5, 29)
        )
    problem.refresh_from_db()
    assert problem.status == Status.PENDING and problem.unit is None


@pytest.mark.parametrize("persona", ["task_force", "unit", "township_user", "enterprise_user", "outsider"])
@time_machine.travel(MONDAY, tick=False)
def test_only_district_roles_and_the_projects_leader_may_assign(world, persona):
    problem = _raise(world)
    with pytest.raises(PermissionDeniedError):
        services.problem_assign(
            problem=problem, by=getattr(world, persona), unit=world.lead_unit, due_on=dt.date(2020, 6, 10)
        )
    services.problem_assign(problem=problem, by=world.leader, unit=world.lead_unit, due_on=dt.date(2020, 6, 10))
    assert Problem.objects.get(pk=problem.pk).status == Status.ASSIGNED


@time_machine.travel(MONDAY, tick=False)
def test_the_unit_starts_and_resolves_with_a_handling_note(world):
    problem = _handling(world)
    assert problem.status == Status.HANDLING
    with pytest.raises(ValidationError) as exc:
        services.problem_resolve(problem=problem, by=world.unit, handling_note="  ")
    assert "办理情况" in str(exc.value)
    services.problem_resolve(problem=problem, by=world.unit, handling_note="已调剂用地指标 50 亩")
    problem.refresh_from_db()
    assert problem.status == Status.RESOLVED and problem.resolved_on == dt.date(2020, 6, 1)
    assert problem.resolved_on_time is True


@time_machine.travel(MONDAY, tick=False)
def test_someone_outside_the_responsible_unit_cannot_resolve(world):
    problem = _handling(world)
    for persona in ("supervision", "task_force", "enterprise_user"):
        with pytest.raises(PermissionDeniedError):
            services.problem_resolve(problem=problem, by=getattr(world, persona), handling_note="已办")
    assert Problem.objects.get(pk=problem.pk).status == Status.HANDLING


@time_machine.travel(MONDAY, tick=False)
def test_resolving_skips_no_step_a_problem_not_started_cannot_be_resolved(world):
    problem = _assigned(world)
    with pytest.raises(ValidationError) as exc:
        services.problem_resolve(problem=problem, by=world.unit, handling_note="已办")
    assert "已交办" in str(exc.value)


def test_a_late_resolution_is_recorded_as_late_in_working_days_and_stays_late_when_closed(world):
    with time_machine.travel(MONDAY, tick=False):
        problem = _handling(world)  # due Wed 10 June
    with time_machine.travel(dt.datetime(2020, 6, 15, 9, tzinfo=CST), tick=False):
        assert services.workdays_overdue(problem) == 3  # 11, 12, 15 June
        services.problem_resolve(problem=problem, by=world.unit, handling_note="已办")
        services.problem_close(problem=problem, by=world.task_force)
    problem.refresh_from_db()
    assert problem.status == Status.CLOSED and problem.resolved_on_time is False
    resolved = AuditEvent.objects.get(action="problem.resolved", object_id=str(problem.pk))
    closed = AuditEvent.objects.get(action="problem.closed", object_id=str(problem.pk))
    assert "超期 3 个工作日" in resolved.note and "逾期办结" in closed.note


@time_machine.travel(MONDAY, tick=False)
def test_closing_belongs_to_the_raiser_or_the_supervision_office(world):
    problem = _resolved(world)
    for persona in ("unit", "leader", "investment", "enterprise_user"):
        with pytest.raises(PermissionDeniedError):
            services.problem_close(problem=problem, by=getattr(world, persona))
    services.problem_close(problem=problem, by=world.task_force)
    problem.refresh_from_db()
    assert problem.status == Status.CLOSED and problem.closed_on == dt.date(2020, 6, 1)


@time_machine.travel(MONDAY, tick=False)
def test_an_enterprise_problem_is_closed_by_the_enterprise_contact(world):
    problem = services.problem_raise(
        by=world.economy,
        description="融资需求 500 万元",
        category=Category.FINANCE,
        origin=Origin.ENTERPRISE,
        enterprise=world.enterprise_user.enterprise,
    )
    services.problem_assign(problem=problem, by=world.economy, unit=world.lead_unit, due_on=dt.date(2020, 6, 5))
    services.problem_start(problem=problem, by=world.unit)
    services.problem_resolve(problem=problem, by=world.unit, handling_note="已对接银行")
    services.problem_close(problem=problem, by=world.enterprise_user)
    assert Problem.objects.get(pk=problem.pk).status == Status.CLOSED


@time_machine.travel(MONDAY, tick=False)
def test_an_imported_resolution_without_a_handling_note_cannot_be_closed(world):
    problem = _resolved(world)
    Problem.objects.filter(pk=problem.pk).update(handling_note="")
    problem.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        services.problem_close(problem=problem, by=world.supervision)
    assert "办理情况" in str(exc.value)
    assert Problem.objects.get(pk=problem.pk).status == Status.RESOLVED


@time_machine.travel(MONDAY, tick=False)
def test_the_raiser_sends_a_resolution_back_with_a_reason_and_it_is_handled_again(world):
    problem = _resolved(world)
    with pytest.raises(ValidationError):
        services.problem_return(problem=problem, by=world.task_force, reason="")
    services.problem_return(problem=problem, by=world.task_force, reason="指标只落实了一半")
    problem.refresh_from_db()
    assert problem.status == Status.HANDLING and problem.resolved_on is None
    assert problem.return_reason == "指标只落实了一半"
    event = AuditEvent.objects.get(action="problem.returned", object_id=str(problem.pk))
    assert event.before["status"] == Status.RESOLVED and event.after["status"] == Status.HANDLING


@time_machine.travel(MONDAY, tick=False)
def test_an_unsatisfied_rating_reopens_even_a_closed_problem(world):
    problem = _resolved(world)
    services.problem_close(problem=problem, by=world.task_force)
    with pytest.raises(ValidationError):
        services.problem_rate(problem=problem, by=world.task_force, satisfaction=Satisfaction.UNSATISFIED)
    services.problem_rate(problem=problem, by=world.task_force, satisfaction=Satisfaction.UNSATISFIED, note="没解决")
    problem.refresh_from_db()
    assert problem.status == Status.HANDLING and problem.closed_on is None and problem.resolved_on is None
    assert problem.satisfaction == Satisfaction.UNSATISFIED


@time_machine.travel(MONDAY, tick=False)
def test_a_satisfied_rating_is_stored_without_moving_the_problem(world):
    problem = _resolved(world)
    services.problem_rate(problem=problem, by=world.task_force, satisfaction=Satisfaction.SATISFIED)
    problem.refresh_from_db()
    assert problem.status == Status.RESOLVED and problem.satisfaction == Satisfaction.SATISFIED
    assert AuditEvent.objects.filter(action="problem.rated", object_id=str(problem.pk)).exists()


@time_machine.travel(MONDAY, tick=False)
def test_of_two_resolutions_of_one_problem_read_at_the_same_time_exactly_one_wins(world):
    problem = _handling(world)
    mine, theirs = Problem.objects.get(pk=problem.pk), Problem.objects.get(pk=problem.pk)
    services.problem_resolve(problem=mine, by=world.unit, handling_note="第一次")
    # `theirs` still says 办理中 in memory: only the conditional UPDATE can stop it.
    with pytest.raises(ValidationError) as exc:
        services.problem_resolve(problem=theirs, by=world.unit, handling_note="第二次")
    assert "已被他人处理" in str(exc.value) and "已办结" in str(exc.value)
    problem.refresh_from_db()
    assert problem.handling_note == "第一次"
    assert AuditEvent.objects.filter(action="problem.resolved", object_id=str(problem.pk)).count() == 1


@time_machine.travel(MONDAY, tick=False)
def test_a_resolution_based_on_a_stale_version_is_a_conflict_naming_who_changed_it(world):
    problem = _handling(world)
    seen = problem.version
    stale = Problem.objects.get(pk=problem.pk)
    services.problem_resolve(problem=problem, by=world.unit, handling_note="先办结", expected_version=seen)
    with pytest.raises(ConflictError):
        services.problem_resolve(problem=stale, by=world.unit, handling_note="后办结", expected_version=seen)
    assert Problem.objects.get(pk=problem.pk).handling_note == "先办结"


@time_machine.travel(MONDAY, tick=False)
def test_every_step_of_the_loop_is_one_timeline_query_in_order(world):
    problem = _resolved(world)
    services.problem_close(problem=problem, by=world.task_force)
    actions = list(problem_timeline(problem=problem).values_list("action", flat=True))
    assert actions == [
        "problem.raised",
        "problem.assigned",
        "problem.started",
        "problem.resolved",
        "problem.closed",
    ]
