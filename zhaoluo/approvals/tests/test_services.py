"""Approval limits, due dates in Chinese working days, lateness and the problem it raises."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from zhaoluo.approvals import services
from zhaoluo.approvals.choices import Status
from zhaoluo.approvals.models import Approval, ApprovalItem
from zhaoluo.core.errors import ConflictError, PermissionDeniedError
from zhaoluo.core.models import AuditEvent
from zhaoluo.core.scheduled import run_tick
from zhaoluo.orgs.models import Unit
from zhaoluo.problems.choices import Category, Origin
from zhaoluo.problems.choices import Status as ProblemStatus
from zhaoluo.problems.models import Problem
from zhaoluo.projects.models import Project

CST = dt.timezone(dt.timedelta(hours=8))
# 2020 National Day: 1–8 October off, Sunday 27 September and Saturday 10 October are 调休 working days.
FRIDAY_BEFORE_NATIONAL_DAY = dt.date(2020, 9, 25)
LATE_OCTOBER = dt.datetime(2020, 10, 30, 9, tzinfo=CST)

pytestmark = pytest.mark.django_db


def _item(code: str) -> ApprovalItem:
    return ApprovalItem.objects.get(code=code)


@pytest.fixture
def housing(world) -> Unit:
    return Unit.objects.create(name="区住建局", region=world.district)


def _record(world, **kw):
    defaults = {"by": world.investment, "project": world.project, "item": _item("construction")}
    return services.approval_record(**{**defaults, **kw})


@time_machine.travel(LATE_OCTOBER, tick=False)
def test_the_due_date_counts_make_up_working_days_and_skips_the_national_day_holiday(world, housing):
    approval = _record(world, submitted_on=FRIDAY_BEFORE_NATIONAL_DAY, decided_on=dt.date(2020, 10, 12))
    # 7 working days: 27 Sep (Sun, 调休), 28, 29, 30 Sep, 9 Oct, 10 Oct (Sat, 调休), 12 Oct.
    assert approval.legal_workdays == 7
    assert approval.limit_workdays == 7
    assert approval.limit_rule == ""
    assert approval.due_on == dt.date(2020, 10, 12)
    assert approval.workdays_taken == 7
    assert approval.is_late is False
    assert approval.department == housing
    assert approval.status == Status.APPROVED
    assert Problem.objects.count() == 0


@time_machine.travel(LATE_OCTOBER, tick=False)
def test_a_green_channel_project_gets_half_the_limit_rounded_up_and_the_rule_is_kept(world, housing):
    Project.objects.filter(pk=world.project.pk).update(green_channel=True)
    world.project.refresh_from_db()
    approval = _record(world, submitted_on=FRIDAY_BEFORE_NATIONAL_DAY)
    assert approval.legal_workdays == 7
    assert approval.limit_workdays == 4
    assert "绿色通道" in approval.limit_rule
    assert approval.due_on == dt.date(2020, 9, 30)
    recorded = AuditEvent.objects.get(action="approval.recorded")
    assert recorded.after["limit_workdays"] == 4
    assert "绿色通道" in recorded.after["limit_rule"]


@time_machine.travel(LATE_OCTOBER, tick=False)
def test_an_approval_decided_after_its_due_date_raises_one_assigned_approval_problem(world, housing):
    approval = _record(world, submitted_on=FRIDAY_BEFORE_NATIONAL_DAY, decided_on=dt.date(2020, 10, 14))
    assert approval.workdays_taken == 9
    assert approval.is_late is True
    problem = Problem.objects.get()
    assert approval.problem == problem
    assert problem.category == Category.APPROVAL
    assert problem.origin == Origin.PROJECT
    assert problem.project == world.project
    assert problem.unit == housing
    assert problem.status == ProblemStatus.ASSIGNED
    # 5 working days from Friday 30 October 2020.
    assert problem.due_on == dt.date(2020, 11, 6)
    assert "施工许可" in problem.description and "超出时限2个工作日" in problem.description
    assert AuditEvent.objects.filter(action="approval.late_problem", object_id=str(approval.pk)).count() == 1

    services.approval_update(approval=approval, by=world.investment, expected_version=approval.version, note="已补正")
    assert Problem.objects.count() == 1


@time_machine.travel(LATE_OCTOBER, tick=False)
def test_an_approval_decided_on_its_due_date_is_on_time_and_raises_nothing(world, housing):
    approval = _record(world, submitted_on=dt.date(2020, 10, 19), decided_on=dt.date(2020, 10, 28))
    assert approval.due_on == dt.date(2020, 10, 28)
    assert approval.is_late is False
    assert not Problem.objects.exists()


def test_a_pending_approval_past_due_gets_its_problem_from_tick_exactly_once(world, housing):
    with time_machine.travel(dt.datetime(2020, 10, 9, 9, tzinfo=CST), tick=False):
        approval = _record(world, submitted_on=FRIDAY_BEFORE_NATIONAL_DAY)
        assert approval.status == Status.HANDLING and approval.due_on == dt.date(2020, 10, 12)
        assert services.approvals_tick(dt.date(2020, 10, 9)) == {"approvals_late_problems": 0}
    with time_machine.travel(dt.datetime(2020, 10, 13, 9, tzinfo=CST), tick=False):
        assert services.approvals_tick(dt.date(2020, 10, 13)) == {"approvals_late_problems": 1}
        assert services.approvals_tick(dt.date(2020, 10, 13)) == {"approvals_late_problems": 0}
        assert run_tick(dt.date(2020, 10, 13))["approvals_late_problems"] == 0
    approval.refresh_from_db()
    problem = Problem.objects.get()
    assert approval.problem == problem and approval.is_late
    assert "仍未办结" in problem.description
    event = AuditEvent.objects.get(action="approval.late_problem")
    assert event.parent_id == str(world.project.pk)


def test_saving_a_late_pending_approval_whose_tick_already_raised_its_problem_adds_none(world, housing):
    with time_machine.travel(dt.datetime(2020, 10, 9, 9, tzinfo=CST), tick=False):
        approval = _record(world, submitted_on=FRIDAY_BEFORE_NATIONAL_DAY)
    with time_machine.travel(dt.datetime(2020, 10, 20, 9, tzinfo=CST), tick=False):
        services.approvals_tick(dt.date(2020, 10, 20))
        # The page was read before the tick ran: its instance has no problem yet.
        services.approval_update(
            approval=approval, by=world.investment, expected_version=approval.version, decided_on=dt.date(2020, 10, 19)
        )
    approval.refresh_from_db()
    assert Problem.objects.count() == 1
    assert approval.problem is not None
    assert approval.status == Status.APPROVED and approval.workdays_taken == 12


@time_machine.travel(LATE_OCTOBER, tick=False)
def test_a_stale_edit_is_refused_with_a_conflict_and_changes_nothing(world, housing):
    approval = _record(world, submitted_on=dt.date(2020, 10, 19))
    stale = Approval.objects.get(pk=approval.pk)
    services.approval_update(approval=approval, by=world.investment, expected_version=1, note="材料齐全")
    with pytest.raises(ConflictError):
        services.approval_update(approval=stale, by=world.investment, expected_version=1, note="其他")
    approval.refresh_from_db()
    assert approval.note == "材料齐全" and approval.version == 2


@time_machine.travel(LATE_OCTOBER, tick=False)
def test_the_handling_department_may_update_its_approval_but_another_unit_may_not(world, housing):
    approval = _record(world, item=_item("project-filing"), submitted_on=dt.date(2020, 10, 19))
    assert approval.department == world.lead_unit
    services.approval_update(approval=approval, by=world.unit, expected_version=1, decided_on=dt.date(2020, 10, 27))
    approval.refresh_from_db()
    assert approval.status == Status.APPROVED
    other = _record(world, submitted_on=dt.date(2020, 10, 19))
    with pytest.raises(PermissionDeniedError):
        services.approval_update(approval=other, by=world.unit, expected_version=1, note="x")
    with pytest.raises(PermissionDeniedError):
        _record(world, by=world.unit, item=_item("energy"))
    with pytest.raises(PermissionDeniedError):
        _record(world, by=world.outsider, item=_item("energy"))


@time_machine.travel(LATE_OCTOBER, tick=False)
def test_dates_that_contradict_the_status_are_refused_in_chinese(world, housing):
    with pytest.raises(ValidationError) as exc:
        _record(world, submitted_on=dt.date(2020, 10, 20), decided_on=dt.date(2020, 10, 19))
    assert "办结日期不能早于申报日期" in str(exc.value)
    with pytest.raises(ValidationError):
        _record(world, status=Status.HANDLING)
    with pytest.raises(ValidationError):
        _record(world, submitted_on=dt.date(2020, 11, 2))
    assert not Approval.objects.exists()


@time_machine.travel(LATE_OCTOBER, tick=False)
def test_the_catalogue_is_kept_by_investment_staff_and_the_service_unit_not_by_other_units_or_admins(world, settings):
    item = _item("construction")
    services.item_update(item=item, by=world.investment, expected_version=item.version, limit_workdays=5)
    item.refresh_from_db()
    assert item.limit_workdays == 5
    assert AuditEvent.objects.get(action="approval_item.updated").after == {"limit_workdays": 5}
    for user in (world.unit, world.sysadmin, world.supervision):
        with pytest.raises(PermissionDeniedError):
            services.item_update(item=item, by=user, expected_version=item.version, limit_workdays=3)
    settings.ZHAOLUO_APPROVALS_SERVICE_UNIT = world.lead_unit.name
    services.item_update(item=item, by=world.unit, expected_version=item.version, limit_workdays=4)
    item.refresh_from_db()
    assert item.limit_workdays == 4
