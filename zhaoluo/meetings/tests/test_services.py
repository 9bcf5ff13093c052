"""Scheduling by the tick, agenda composition and editing, minutes, and decisions → problems."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from zhaoluo.core import calendar
from zhaoluo.core.errors import ConflictError, PermissionDeniedError
from zhaoluo.core.models import AuditEvent
from zhaoluo.core.scheduled import run_tick
from zhaoluo.meetings import services
from zhaoluo.meetings.choices import ItemKind, Kind, Outcome, Status
from zhaoluo.meetings.models import Attendance, CadenceRule, Decision, Meeting
from zhaoluo.meetings.selectors import decision_outcome
from zhaoluo.notify.choices import Event
from zhaoluo.notify.models import Notification
from zhaoluo.problems.choices import Origin
from zhaoluo.problems.choices import Status as ProblemStatus
from zhaoluo.problems.models import Problem
from zhaoluo.projects.models import Project
from zhaoluo.supervision.services import supervision_tick

from .conftest import make_problem

CST = dt.timezone(dt.timedelta(hours=8))
TODAY = dt.date(2021, 3, 31)  # the demo's date, a Wednesday
pytestmark = pytest.mark.django_db


def _meetings():
    return {(m.rule.name if m.rule else "", m.chair.name): m for m in Meeting.objects.select_related("rule", "chair")}


def test_the_presets_are_the_three_published_cadences():
    rules = {r.name: r for r in CadenceRule.objects.all()}
    assert {(r.kind, r.chair_by, r.chair_post, r.period) for r in rules.values()} == {
        (Kind.COORDINATION, "portfolio", "", "half_month"),
        (Kind.SITE, "post", "区长", "month"),
        (Kind.DISPATCH, "post", "区委书记", "two_months"),
    }
    assert all(r.explanation for r in rules.values())


def test_chairs_are_found_by_exact_post_and_by_portfolio(world, leaders):
    rules = {r.kind: r for r in CadenceRule.objects.all()}
    assert services.chairs_for(rules[Kind.SITE], world.district) == [leaders.mayor]
    assert services.chairs_for(rules[Kind.DISPATCH], world.district) == [leaders.secretary]
    # 王海 (副区长) carries projects; “副区长” is not the post “区长”, and the 区长 is not 分管.
    assert services.chairs_for(rules[Kind.COORDINATION], world.district) == [world.leader_official]
    Project.objects.filter(pk=world.other_project.pk).update(leader=leaders.mayor)
    assert services.chairs_for(rules[Kind.COORDINATION], world.district) == [world.leader_official]
    assert services.chairs_for(rules[Kind.SITE], world.other_district) == []


def test_the_tick_schedules_only_the_next_meeting_of_each_rule_on_working_days(world, leaders):
    result = services.meetings_tick(TODAY)
    assert result == {"meetings_scheduled": 3, "meetings_already_scheduled": 0}
    made = _meetings()
    coordination = made[("分管区领导项目协调会", "王海")]
    assert (coordination.period_start, coordination.held_on) == (dt.date(2021, 4, 1), dt.date(2021, 4, 6))
    site = made[("区长项目现场会", "刘明锋")]
    assert (site.period_start, site.held_on, site.start_time) == (
        dt.date(2021, 4, 1),
        dt.date(2021, 4, 12),
        dt.time(15),
    )
    dispatch = made[("区委书记项目调度会", "黄进")]
    assert (dispatch.period_start, dispatch.held_on) == (dt.date(2021, 5, 1), dt.date(2021, 5, 20))
    assert all(calendar.is_workday(m.held_on) and m.status == Status.PLANNED for m in made.values())
    assert sorted(m.seq for m in made.values()) == [1, 2, 3]
    assert AuditEvent.objects.filter(action="meeting.scheduled", actor=None).count() == 3


def test_running_the_tick_twice_changes_nothing_the_second_time(world, leaders):
    services.meetings_tick(TODAY)
    before = (Meeting.objects.count(), AuditEvent.objects.count(), Notification.objects.count())
    assert services.meetings_tick(TODAY) == {"meetings_scheduled": 0, "meetings_already_scheduled": 3}
    assert (Meeting.objects.count(), AuditEvent.objects.count(), Notification.objects.count()) == before


def test_once_a_meeting_day_has_passed_the_tick_makes_the_following_one(world, leaders):
    services.meetings_tick(TODAY)
    services.meetings_tick(dt.date(2021, 4, 7))
    coordination = Meeting.objects.filter(kind=Kind.COORDINATION).order_by("held_on")
    # Second half of April: the 18th is a Sunday.
    assert [m.held_on for m in coordination] == [dt.date(2021, 4, 6), dt.date(2021, 4, 19)]
    assert Meeting.objects.filter(kind=Kind.SITE).count() == 1


def test_the_tick_is_one_step_of_zhaoluo_tick(world, leaders):
    with time_machine.travel(dt.datetime(2021, 3, 31, 8, tzinfo=CST), tick=False):
        result = run_tick(TODAY)
    assert result["meetings_scheduled"] == 3
    assert AuditEvent.objects.filter(action="meeting.scheduled", source="tick").count() == 3


def test_the_agenda_holds_red_projects_their_overdue_problems_and_escalated_problems(world, leaders):
    services.meetings_tick(TODAY)
    meeting = Meeting.objects.get(kind=Kind.COORDINATION)
    items = list(meeting.items.order_by("position"))
    assert [(i.kind, i.project_id, i.problem_id) for i in items] == [
        (ItemKind.PROJECT, world.project.pk, None),
        (ItemKind.PROBLEM, world.project.pk, leaders.overdue.pk),
        (ItemKind.ESCALATED, leaders.green_project.pk, leaders.escalated.pk),
    ]
    assert items[0].text == "【红灯】盼盼食品精深加工基地：完成供地节点逾期 20 天"
    assert "逾期 8 个工作日" in items[1].text
    # The 区长's site meeting covers the whole district; the 区委书记's too.
    site = Meeting.objects.get(kind=Kind.SITE)
    assert site.items.filter(kind=ItemKind.PROJECT, project=world.project).exists()


def test_a_problem_due_yesterday_over_a_weekend_is_not_yet_escalated(world, leaders):
    # Due Friday 26 March; on Saturday the 27th it is overdue by 0 working days.
    late = make_problem(world, leaders.green_project, "WT2021-0003", due_on=dt.date(2021, 3, 26))
    projects = Project.objects.filter(pk=leaders.green_project.pk)
    supervision_tick(dt.date(2021, 3, 27))
    assert late not in services._escalated_problems(projects=projects, today=dt.date(2021, 3, 27))
    supervision_tick(dt.date(2021, 3, 29))
    assert late in services._escalated_problems(projects=projects, today=dt.date(2021, 3, 29))


def test_chair_and_attendees_are_invited_and_told_once(world, leaders):
    services.meetings_tick(TODAY)
    meeting = Meeting.objects.get(kind=Kind.COORDINATION)
    # 赵牵头 leads the red project's 专班; the chair is not their own attendee.
    assert list(Attendance.objects.filter(meeting=meeting).values_list("official__name", flat=True)) == ["赵牵头"]
    told = Notification.objects.filter(event=Event.MEETING, object_id=str(meeting.pk))
    assert sorted(n.recipient.username for n in told) == ["baobao", "qiantou"]
    assert told.first().subject.startswith("会议通知：王海主持协调会（2021年4月上半月）")


def _held(world, meeting_day=dt.date(2021, 3, 18)):
    with time_machine.travel(dt.datetime.combine(meeting_day, dt.time(8), tzinfo=CST), tick=False):
        meeting = services.meeting_create(
            by=world.leader,
            district=world.district,
            kind=Kind.COORDINATION,
            chair=world.leader_official,
            held_on=meeting_day,
            place="区政府三楼会议室",
        )
    with time_machine.travel(dt.datetime.combine(meeting_day, dt.time(12), tzinfo=CST), tick=False):
        presence = [services.Presence(official=world.lead_member_official, present=False, reason="市里开会")]
        services.minutes_record(
            meeting=meeting, by=world.leader, minutes="会议研究了盼盼项目供地问题。", attendance=presence
        )
    return meeting


def test_minutes_record_attendance_and_freeze_the_agenda(world, leaders):
    meeting = _held(world)
    meeting.refresh_from_db()
    assert meeting.status == Status.HELD
    row = Attendance.objects.get(meeting=meeting, official=world.lead_member_official)
    assert (row.present, row.absence_reason) == (False, "市里开会")
    event = AuditEvent.objects.get(action="meeting.minutes_recorded", object_id=str(meeting.pk))
    assert event.after["status"] == "已召开" or event.after["status"] == Status.HELD
    assert event.after["attendance"] == ["赵牵头：缺席（市里开会）"]
    with pytest.raises(ValidationError, match="议程已固定"):
        services.agenda_add(meeting=meeting, by=world.leader, text="临时议题")


def test_an_absence_without_a_reason_is_refused(world, leaders):
    with time_machine.travel(dt.datetime(2021, 3, 18, 8, tzinfo=CST), tick=False):
        meeting = services.meeting_create(
            by=world.supervision,
            district=world.district,
            kind=Kind.COORDINATION,
            chair=world.leader_official,
            held_on=dt.date(2021, 3, 18),
        )
        presence = [services.Presence(official=world.lead_member_official, present=False)]
        with pytest.raises(ValidationError, match="赵牵头"):
            services.minutes_record(meeting=meeting, by=world.supervision, minutes="纪要", attendance=presence)
    meeting.refresh_from_db()
    assert meeting.status == Status.PLANNED


def test_a_decision_becomes_a_problem_assigned_with_its_deadline_in_working_days(world, leaders):
    meeting = _held(world)
    with time_machine.travel(dt.datetime(2021, 3, 18, 14, tzinfo=CST), tick=False):
        decision = services.decision_record(
            meeting=meeting,
            by=world.leader,
            text="区自然资源和规划局4月上旬前完成供地报批",
            unit=world.lead_unit,
            owner=world.lead_member_official,
            project=world.project,
            workdays=10,
        )
    problem = Problem.objects.get(pk=decision.problem_id)
    assert problem.origin == Origin.MEETING
    assert problem.status == ProblemStatus.ASSIGNED
    assert (problem.unit, problem.owner, problem.project) == (
        world.lead_unit,
        world.lead_member_official,
        world.project,
    )
    assert problem.raised_on == dt.date(2021, 3, 18)
    # Ten working days, but the project is red: the red-light deadline rule (×0.8) makes it eight
    # working days from Thursday 18 March, Tuesday 30 March.
    assert problem.due_on == decision.due_on == dt.date(2021, 3, 30)
    assert problem.origin_note.startswith(f"来自会议 {meeting.number}")
    assert list(
        AuditEvent.objects.filter(parent_id=str(problem.pk), parent_type="problems.problem")
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["problem.raised", "problem.assigned"]
    assert AuditEvent.objects.filter(action="meeting.decision_recorded", parent_id=str(meeting.pk)).count() == 1
    assert Notification.objects.filter(event=Event.ASSIGNED, recipient=world.unit).exists()


def test_a_green_channel_projects_decision_gets_half_the_working_days(world, leaders):
    Project.objects.filter(pk=world.project.pk).update(green_channel=True)
    world.project.refresh_from_db()
    meeting = _held(world)
    with time_machine.travel(dt.datetime(2021, 3, 18, 14, tzinfo=CST), tick=False):
        decision = services.decision_record(
            meeting=meeting,
            by=world.supervision,
            text="加快办理施工许可",
            unit=world.lead_unit,
            project=world.project,
            workdays=10,
        )
    assert decision.due_on == calendar.add_workdays(dt.date(2021, 3, 18), 5)


def test_a_leader_cannot_hand_out_a_decision_outside_their_portfolio_and_nothing_is_written(world, leaders):
    meeting = _held(world)
    before = Problem.objects.count()
    with (
        time_machine.travel(dt.datetime(2021, 3, 18, 14, tzinfo=CST), tick=False),
        pytest.raises(ValidationError, match="督查室"),
    ):
        services.decision_record(
            meeting=meeting, by=world.leader, text="研究全区用工问题", unit=world.lead_unit, workdays=5
        )
    assert Problem.objects.count() == before
    assert not Decision.objects.exists()


def test_a_decision_before_the_minutes_is_refused(world, leaders):
    with time_machine.travel(dt.datetime(2021, 3, 18, 8, tzinfo=CST), tick=False):
        meeting = services.meeting_create(
            by=world.leader,
            district=world.district,
            kind=Kind.COORDINATION,
            chair=world.leader_official,
            held_on=dt.date(2021, 3, 18),
        )
        with pytest.raises(ValidationError, match="纪要"):
            services.decision_record(
                meeting=meeting, by=world.leader, text="x", unit=world.lead_unit, project=world.project, workdays=5
            )


def test_the_next_meeting_reviews_the_last_ones_decisions_with_what_came_of_them(world, leaders):
    meeting = _held(world)
    with time_machine.travel(dt.datetime(2021, 3, 18, 14, tzinfo=CST), tick=False):
        on_time, late, still_open = (
            services.decision_record(
                meeting=meeting, by=world.leader, text=text, unit=world.lead_unit, project=world.project, workdays=3
            )
            for text in ("完成供地报批", "协调电力接入", "落实用工招聘")
        )
    Problem.objects.filter(pk=on_time.problem_id).update(
        status=ProblemStatus.RESOLVED, resolved_on=dt.date(2021, 3, 22)
    )
    Problem.objects.filter(pk=late.problem_id).update(status=ProblemStatus.CLOSED, resolved_on=dt.date(2021, 3, 29))
    services.meetings_tick(TODAY)
    upcoming = Meeting.objects.get(kind=Kind.COORDINATION, status=Status.PLANNED)
    reviews = list(upcoming.items.filter(kind=ItemKind.REVIEW).order_by("position").select_related("decision__problem"))
    assert [r.decision for r in reviews] == [on_time, late, still_open]
    assert [decision_outcome(r.decision.problem, TODAY) for r in reviews] == [
        Outcome.ON_TIME,
        Outcome.LATE,
        Outcome.OVERDUE,
    ]
    assert reviews[0].text.startswith(f"{meeting.number}议定：完成供地报批")


def test_the_agenda_can_be_added_to_reordered_and_cut_before_the_meeting(world, leaders):
    services.meetings_tick(TODAY)
    meeting = Meeting.objects.get(kind=Kind.COORDINATION)
    item = services.agenda_add(meeting=meeting, by=world.supervision, text="研究二季度项目观摩安排", expected_version=1)
    services.agenda_move(meeting=meeting, by=world.leader, item=item, up=True, expected_version=2)
    texts = list(meeting.items.order_by("position").values_list("text", flat=True))
    assert texts[-2] == "研究二季度项目观摩安排"
    first = meeting.items.order_by("position").first()
    services.agenda_remove(meeting=meeting, by=world.leader, item=first, expected_version=3)
    assert list(meeting.items.order_by("position").values_list("position", flat=True)) == [1, 2, 3]
    changes = AuditEvent.objects.filter(action="meeting.agenda_changed", object_id=str(meeting.pk)).order_by("id")
    assert changes.count() == 3
    assert changes.last().note.startswith("删除议题：【红灯】")


def test_a_stale_agenda_edit_is_a_conflict(world, leaders):
    services.meetings_tick(TODAY)
    meeting = Meeting.objects.get(kind=Kind.COORDINATION)
    services.agenda_add(meeting=meeting, by=world.leader, text="议题一", expected_version=1)
    with pytest.raises(ConflictError):
        services.agenda_add(meeting=meeting, by=world.supervision, text="议题二", expected_version=1)
    assert not meeting.items.filter(text="议题二").exists()


def test_only_the_chair_and_the_supervision_office_edit(world, leaders):
    services.meetings_tick(TODAY)
    meeting = Meeting.objects.get(kind=Kind.COORDINATION)
    for user in (world.unit, world.investment, world.principal, world.outsider):
        with pytest.raises(PermissionDeniedError):
            services.agenda_add(meeting=meeting, by=user, text="越权议题")
    assert not meeting.items.filter(text="越权议题").exists()
