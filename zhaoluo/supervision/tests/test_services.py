"""The supervision writes by hand: who may move the ladder, 督办单 numbering and replies,
挂牌督办, 约谈, the rules' validation, the green channel and the deadline rules."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import transaction

from zhaoluo.core.errors import ConflictError, PermissionDeniedError
from zhaoluo.core.models import AuditEvent
from zhaoluo.problems import services as problem_services
from zhaoluo.problems.models import Problem
from zhaoluo.problems.selectors import problem_timeline
from zhaoluo.problems.timeline import entries
from zhaoluo.projects.choices import Light
from zhaoluo.projects.models import Project
from zhaoluo.supervision import services
from zhaoluo.supervision.choices import EscalationKind
from zhaoluo.supervision.deadlines import adjusted_workdays
from zhaoluo.supervision.models import DeadlineRule, Escalation, EscalationRule, Interview, Listing, Notice

from .conftest import at

pytestmark = pytest.mark.django_db
DAY = dt.date(2021, 2, 24)


@pytest.fixture
def late_problem(make_problem):
    return make_problem()


def test_the_office_escalates_by_hand_with_a_reason_and_a_notice_of_that_colour(world, late_problem):
    with time_machine.travel(at(DAY), tick=False):
        step = services.problem_escalate(
            problem=late_problem, by=world.supervision, to_level=2, color="yellow", reason="企业多次反映，影响开工"
        )
    late_problem.refresh_from_db()
    assert (late_problem.supervision_level, late_problem.notice_color) == (2, "yellow")
    assert step.kind == EscalationKind.MANUAL_UP and step.by == world.supervision and step.rule is None
    notice = Notice.objects.get(problem=late_problem)
    assert notice.color == "yellow" and notice.escalation == step and notice.overdue_workdays == 10
    event = AuditEvent.objects.get(action="supervision.escalated", parent_id=str(late_problem.pk))
    assert event.actor == world.supervision and "企业多次反映" in event.note
    assert event.after == {"supervision_level": 2, "notice_color": "yellow"}


def test_an_escalation_must_go_up(world, late_problem):
    with time_machine.travel(at(DAY), tick=False), pytest.raises(ValidationError):
        services.problem_escalate(problem=late_problem, by=world.supervision, to_level=1, color="blue", reason="试")
    assert not Escalation.objects.exists()


def test_a_principal_acts_on_level_three_only(world, late_problem):
    with time_machine.travel(at(DAY), tick=False):
        with pytest.raises(PermissionDeniedError):
            services.problem_escalate(problem=late_problem, by=world.principal, to_level=2, color="blue", reason="试")
        services.problem_escalate(problem=late_problem, by=world.principal, to_level=3, color="red", reason="亲自督办")
        services.problem_deescalate(problem=late_problem, by=world.principal, to_level=2, reason="已落实专人")
    late_problem.refresh_from_db()
    assert (late_problem.supervision_level, late_problem.notice_color) == (2, "yellow")
    with time_machine.travel(at(DAY), tick=False), pytest.raises(PermissionDeniedError):
        services.problem_deescalate(problem=late_problem, by=world.principal, to_level=1, reason="试")


@pytest.mark.parametrize("persona", ["investment", "unit", "leader", "economy", "outsider", "enterprise_user"])
def test_other_roles_cannot_move_the_ladder(world, late_problem, persona):
    with time_machine.travel(at(DAY), tick=False), pytest.raises(PermissionDeniedError):
        services.problem_escalate(
            problem=late_problem, by=getattr(world, persona), to_level=2, color="blue", reason="试"
        )
    assert not Escalation.objects.exists() and not Notice.objects.exists()


def test_a_de_escalation_needs_a_reason_and_a_lower_level(world, late_problem):
    with time_machine.travel(at(DAY), tick=False):
        services.problem_escalate(problem=late_problem, by=world.supervision, to_level=2, color="blue", reason="逾期")
        with pytest.raises(ValidationError):
            services.problem_deescalate(problem=late_problem, by=world.supervision, to_level=1, reason="  ")
        with pytest.raises(ValidationError):
            services.problem_deescalate(problem=late_problem, by=world.supervision, to_level=2, reason="试")


def test_a_stale_version_is_refused_with_nothing_written(world, late_problem):
    stale = late_problem.version - 1
    with time_machine.travel(at(DAY), tick=False), pytest.raises(ConflictError):
        services.problem_escalate(
            problem=late_problem, by=world.supervision, to_level=2, color="blue", reason="逾期", expected_version=stale
        )
    assert not Escalation.objects.exists()


def test_notices_are_numbered_per_district_and_year(world, make_problem):
    first, _second = make_problem(), make_problem()
    services.supervision_tick(dt.date(2021, 2, 8))
    assert sorted(Notice.objects.values_list("number", flat=True)) == [1, 2]
    elsewhere = Problem.objects.create(
        district=world.other_district,
        code="WT-OTHER-1",
        description="外区问题",
        raised_on=dt.date(2021, 1, 4),
        due_on=dt.date(2021, 1, 20),
    )
    with transaction.atomic():
        other = services.notice_issue(problem=elsewhere, color="blue", on=dt.date(2021, 2, 8), by=None)
        next_year = services.notice_issue(problem=first, color="red", on=dt.date(2022, 1, 4), by=None)
    assert other.number_text == "督办〔2021〕第1号"
    assert next_year.number_text == "督办〔2022〕第1号"


def test_the_responsible_unit_replies_once_and_others_cannot(world, late_problem):
    services.supervision_tick(dt.date(2021, 2, 8))
    notice = Notice.objects.get()
    with pytest.raises(PermissionDeniedError):
        services.notice_reply(notice=notice, by=world.investment, text="已办")
    with time_machine.travel(at(dt.date(2021, 2, 9)), tick=False):
        services.notice_reply(
            notice=notice, by=world.unit, text="已协调自然资源局，预计2月底办结", expected_version=notice.version
        )
        with pytest.raises(ValidationError):
            services.notice_reply(notice=notice, by=world.unit, text="再次回复")
    notice.refresh_from_db()
    assert notice.replied_on == dt.date(2021, 2, 9) and notice.replied_by == world.unit
    assert AuditEvent.objects.filter(action="supervision.notice_replied", parent_id=str(late_problem.pk)).exists()


def test_listing_and_lifting_and_an_interview_are_recorded_on_the_timeline(world, late_problem):
    with time_machine.travel(at(DAY), tick=False):
        listing = services.listing_open(
            problem=late_problem, by=world.principal, leader_name="区长 张明", since=DAY, reason="逾期十个工作日"
        )
        with pytest.raises(ValidationError):
            services.listing_open(
                problem=late_problem, by=world.principal, leader_name="区长", since=DAY, reason="再挂"
            )
        services.interview_record(
            problem=late_problem,
            by=world.supervision,
            on=DAY,
            interviewee="区发改局局长 刘军",
            interviewer="区长 张明",
            outcome="限3个工作日内落实用地指标",
        )
        services.listing_lift(listing=listing, by=world.principal, on=DAY, reason="问题已办结")
    assert Listing.objects.get().lifted_on == DAY and Interview.objects.get().outcome.startswith("限3个")
    texts = [e.text for e in entries(problem_timeline(problem=late_problem))]
    assert {"挂牌督办", "约谈", "摘牌"} <= set(texts)


def test_only_principals_and_the_office_record_interviews(world, late_problem):
    with time_machine.travel(at(DAY), tick=False), pytest.raises(PermissionDeniedError):
        services.interview_record(
            problem=late_problem, by=world.leader, on=DAY, interviewee="局长", interviewer="副区长", outcome="已约谈"
        )
    assert not Interview.objects.exists()


def test_the_office_edits_a_rule_and_a_clashing_threshold_is_refused(world):
    rule = EscalationRule.objects.get(code="overdue-5-yellow")
    services.escalation_rule_update(
        rule=rule, by=world.supervision, data={"overdue_workdays": 4}, expected_version=rule.version
    )
    rule.refresh_from_db()
    assert rule.overdue_workdays == 4
    assert AuditEvent.objects.filter(action="supervision.rule_updated", after={"overdue_workdays": 4}).exists()
    with pytest.raises(ValidationError):
        services.escalation_rule_update(rule=rule, by=world.supervision, data={"overdue_workdays": 1})
    with pytest.raises(ValidationError):
        services.escalation_rule_update(rule=rule, by=world.supervision, data={"to_level": 1})
    with pytest.raises(PermissionDeniedError):
        services.escalation_rule_update(rule=rule, by=world.principal, data={"overdue_workdays": 6})


def test_the_presets_say_what_they_do(db):
    assert list(EscalationRule.objects.values_list("overdue_workdays", "to_level", "color")) == [
        (1, 2, "blue"),
        (5, 2, "yellow"),
        (10, 3, "red"),
    ]
    assert all(r.explanation for r in EscalationRule.objects.all())
    assert set(DeadlineRule.objects.values_list("code", flat=True)) == {"green-channel-half", "red-light-80"}


def test_a_red_project_gets_four_fifths_of_the_days_for_problems_but_not_for_approvals(db):
    project = Project(light=Light.RED)
    assert adjusted_workdays(workdays=10, project=project, subject="problem").workdays == 8
    assert adjusted_workdays(workdays=10, project=project, subject="approval").rule is None


def test_green_and_red_together_take_the_shortest_rule(db):
    adjusted = adjusted_workdays(workdays=10, project=Project(light=Light.RED, green_channel=True), subject="problem")
    assert adjusted.workdays == 5 and "绿色通道" in (adjusted.rule or "")


def test_a_changed_factor_is_used_from_then_on(db):
    DeadlineRule.objects.filter(code="green-channel-half").update(factor="0.30")
    assert adjusted_workdays(workdays=10, project=Project(green_channel=True), subject="approval").workdays == 3


def test_the_green_channel_is_set_by_the_projects_leader_and_audited(world):
    project = world.project
    services.project_green_channel_set(
        project=project, by=world.leader, on=True, reason="省重点项目，需加快推进", expected_version=project.version
    )
    project.refresh_from_db()
    assert project.green_channel
    event = AuditEvent.objects.get(action="project.green_channel_set")
    assert event.actor == world.leader and event.after == {"green_channel": True} and "省重点" in event.note
    with pytest.raises(ValidationError):
        services.project_green_channel_set(project=project, by=world.principal, on=True, reason="再设")


@pytest.mark.parametrize("persona", ["investment", "supervision", "unit", "task_force", "outsider"])
def test_others_cannot_set_the_green_channel(world, persona):
    with pytest.raises(PermissionDeniedError):
        services.project_green_channel_set(project=world.project, by=getattr(world, persona), on=True, reason="试")
    world.project.refresh_from_db()
    assert not world.project.green_channel


def test_assigning_with_working_days_on_a_green_channel_project_halves_them_and_says_so(world):
    Project.objects.filter(pk=world.project.pk).update(green_channel=True)
    world.project.refresh_from_db()
    with time_machine.travel(at(dt.date(2021, 2, 1)), tick=False):
        problem = problem_services.problem_raise(
            by=world.investment, description="施工许可未办", project=world.project, origin="project"
        )
        problem_services.problem_assign(problem=problem, by=world.supervision, unit=world.lead_unit, workdays=10)
    problem.refresh_from_db()
    # 5 working days from Mon 2021-02-01, the Sunday 02-07 make-up day included: 02-02..05, 02-07.
    assert problem.due_on == dt.date(2021, 2, 7)
    note = AuditEvent.objects.get(action="problem.assigned", parent_id=str(problem.pk)).note
    assert "绿色通道" in note and "10 → 5" in note


def test_the_demo_lists_and_interviews_the_level_three_problems_once(world, make_problem, settings):
    from zhaoluo.supervision import demo

    late, fresh = make_problem(), make_problem(due=dt.date(2021, 3, 30))
    settings.ZHAOLUO_TODAY = "2021-03-31"  # the demo's today
    services.supervision_tick(dt.date(2021, 3, 31))
    assert demo.load(world.district) == {"listings": 1, "interviews": 1}
    assert demo.load(world.district) == {"listings": 0, "interviews": 0}
    listing = Listing.objects.get()
    # One tick on the demo day climbs the whole way, so the listing starts that day too.
    assert listing.problem == late and listing.since == dt.date(2021, 3, 31)
    assert Interview.objects.get().interviewee.startswith("区发改局")
    assert not Listing.objects.filter(problem=fresh).exists()


def test_the_office_changes_a_deadline_factor_audited_and_others_cannot(world):
    rule = DeadlineRule.objects.get(code="red-light-80")
    with pytest.raises(PermissionDeniedError):
        services.deadline_rule_update(rule=rule, by=world.principal, data={"factor": "0.6"})
    with pytest.raises(ValidationError):
        services.deadline_rule_update(rule=rule, by=world.supervision, data={"factor": "1.5"})
    rule.refresh_from_db()
    services.deadline_rule_update(
        rule=rule, by=world.supervision, data={"factor": "0.60"}, expected_version=rule.version
    )
    assert adjusted_workdays(workdays=10, project=Project(light=Light.RED), subject="problem").workdays == 6
    assert AuditEvent.objects.filter(action="supervision.deadline_rule_updated", actor=world.supervision).exists()
