"""The ladder driven by the tick on a frozen clock, across the 2021 Spring Festival 调休.

The problem is due Friday 2021-02-05. Working days after it: Sun 02-07 (make-up day) = 1,
Mon–Wed 02-08..10 = 2..4, holiday 02-11..17, Thu 02-18 = 5, Fri 02-19 = 6, Sat 02-20
(make-up day) = 7, Mon 02-22 = 8, Tue 02-23 = 9, Wed 02-24 = 10.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from zhaoluo.core.models import AuditEvent
from zhaoluo.notify.models import Notification
from zhaoluo.problems import services as problem_services
from zhaoluo.problems.choices import Status
from zhaoluo.problems.models import Problem
from zhaoluo.supervision import services
from zhaoluo.supervision.choices import EscalationKind
from zhaoluo.supervision.models import Escalation, EscalationRule, Notice

from .conftest import at

pytestmark = pytest.mark.django_db


def tick_on(day: dt.date) -> dict[str, int]:
    with time_machine.travel(at(day, 6), tick=False):
        return services.supervision_tick()


def state(problem: Problem) -> tuple[int, str]:
    problem.refresh_from_db()
    return problem.supervision_level, problem.notice_color


def test_the_ladder_climbs_blue_yellow_red_by_working_days_across_the_spring_festival(world, make_problem):
    problem = make_problem()
    assert state(problem) == (1, "")
    tick_on(dt.date(2021, 2, 6))  # Saturday: the deadline has passed by no working day yet
    assert state(problem) == (1, "")
    counts = tick_on(dt.date(2021, 2, 7))  # the Sunday make-up working day is the first day late
    assert state(problem) == (2, "blue")
    assert counts["supervision_escalated"] == 1 and counts["supervision_notices"] == 1
    tick_on(dt.date(2021, 2, 10))
    tick_on(dt.date(2021, 2, 17))  # the holiday adds no lateness
    assert state(problem) == (2, "blue")
    tick_on(dt.date(2021, 2, 18))
    assert state(problem) == (2, "yellow")
    tick_on(dt.date(2021, 2, 23))
    assert state(problem) == (2, "yellow")
    tick_on(dt.date(2021, 2, 24))
    assert state(problem) == (3, "red")

    steps = list(Escalation.objects.filter(problem=problem).order_by("id"))
    assert [(s.rule.code, s.from_level, s.to_level, s.on, s.overdue_workdays) for s in steps] == [
        ("overdue-1-blue", 1, 2, dt.date(2021, 2, 7), 1),
        ("overdue-5-yellow", 2, 2, dt.date(2021, 2, 18), 5),
        ("overdue-10-red", 2, 3, dt.date(2021, 2, 24), 10),
    ]
    notices = list(Notice.objects.filter(problem=problem).order_by("number"))
    assert [(n.number_text, n.color, n.overdue_workdays) for n in notices] == [
        ("督办〔2021〕第1号", "blue", 1),
        ("督办〔2021〕第2号", "yellow", 5),
        ("督办〔2021〕第3号", "red", 10),
    ]
    # Blue: 5 working days to reply from the Sunday make-up day, over the holiday: 02-08..10, 02-18, 02-19.
    assert notices[0].reply_due_on == dt.date(2021, 2, 19)
    assert problem.status == Status.ASSIGNED  # climbing the ladder never closes anything
    actions = list(
        AuditEvent.objects.filter(parent_type="problems.problem", parent_id=str(problem.pk))
        .filter(action__startswith="supervision.")
        .values_list("action", flat=True)
    )
    assert actions.count("supervision.escalated") == 3 and actions.count("supervision.notice_issued") == 3


def test_the_tick_twice_on_the_same_day_changes_nothing_the_second_time(world, make_problem):
    problem = make_problem()
    first = tick_on(dt.date(2021, 2, 24))
    rows = (
        Escalation.objects.count(),
        Notice.objects.count(),
        Notification.objects.count(),
        AuditEvent.objects.count(),
    )
    second = tick_on(dt.date(2021, 2, 24))
    assert first["supervision_escalated"] == 3 and first["supervision_notices"] == 1
    assert first["supervision_overdue"] == 1
    assert second == dict.fromkeys(second, 0)
    after = (
        Escalation.objects.count(),
        Notice.objects.count(),
        Notification.objects.count(),
        AuditEvent.objects.count(),
    )
    assert after == rows
    assert state(problem) == (3, "red")


def test_a_problem_found_ten_days_late_gets_each_step_but_only_one_red_notice(world, make_problem):
    problem = make_problem()
    tick_on(dt.date(2021, 2, 24))
    assert Escalation.objects.filter(problem=problem, kind=EscalationKind.RULE).count() == 3
    assert list(Notice.objects.filter(problem=problem).values_list("color", flat=True)) == ["red"]


def test_a_hand_de_escalation_is_not_undone_by_the_rules_already_reached(world, make_problem):
    problem = make_problem()
    tick_on(dt.date(2021, 2, 18))
    assert state(problem) == (2, "yellow")
    with time_machine.travel(at(dt.date(2021, 2, 19)), tick=False):
        services.problem_deescalate(
            problem=problem, by=world.supervision, to_level=1, reason="延误系上级审批未批复，责任单位已尽责"
        )
    assert state(problem) == (1, "")
    tick_on(dt.date(2021, 2, 19))
    tick_on(dt.date(2021, 2, 22))
    assert state(problem) == (1, "")
    # A rule not yet reached when it was de-escalated still applies when its day comes.
    tick_on(dt.date(2021, 2, 24))
    assert state(problem) == (3, "red")
    down = Escalation.objects.get(problem=problem, kind=EscalationKind.MANUAL_DOWN)
    assert down.by == world.supervision and down.overdue_workdays == 6


def test_a_disabled_rule_does_not_fire_and_a_stronger_one_still_does(world, make_problem):
    EscalationRule.objects.filter(code="overdue-1-blue").update(enabled=False)
    problem = make_problem()
    tick_on(dt.date(2021, 2, 10))
    assert state(problem) == (1, "")
    tick_on(dt.date(2021, 2, 18))
    assert state(problem) == (2, "yellow")


def test_a_resolved_problem_is_neither_escalated_nor_reminded(world, make_problem):
    problem = make_problem()
    with time_machine.travel(at(dt.date(2021, 2, 4)), tick=False):
        problem_services.problem_start(problem=problem, by=world.unit)
        problem_services.problem_resolve(problem=problem, by=world.unit, handling_note="已调剂用地指标")
    counts = tick_on(dt.date(2021, 2, 24))
    assert counts == dict.fromkeys(counts, 0)
    assert state(problem) == (1, "")


def test_due_soon_goes_out_once_on_the_working_day_before_the_deadline_even_a_make_up_sunday(world, make_problem):
    problem = make_problem(due=dt.date(2021, 2, 8))
    assert tick_on(dt.date(2021, 2, 6))["supervision_due_soon"] == 0  # Saturday: next working day is Sunday 02-07
    assert tick_on(dt.date(2021, 2, 7))["supervision_due_soon"] == 1
    assert tick_on(dt.date(2021, 2, 7))["supervision_due_soon"] == 0
    sent = Notification.objects.filter(recipient=world.unit, event="due_soon")
    assert sent.count() == 1
    assert sent.get().subject.startswith("临期提醒") and problem.code in sent.get().subject


def test_overdue_is_sent_once_per_deadline_and_again_for_a_new_deadline(world, make_problem):
    problem = make_problem()
    tick_on(dt.date(2021, 2, 8))
    tick_on(dt.date(2021, 2, 9))
    assert Notification.objects.filter(recipient=world.unit, event="overdue").count() == 1
    Problem.objects.filter(pk=problem.pk).update(due_on=dt.date(2021, 2, 8))
    tick_on(dt.date(2021, 2, 10))
    assert Notification.objects.filter(recipient=world.unit, event="overdue").count() == 2


def test_escalations_tell_the_office_and_level_three_tells_the_principals(world, make_problem):
    make_problem()
    tick_on(dt.date(2021, 2, 7))
    assert Notification.objects.filter(recipient=world.supervision, event="escalated").count() == 1
    assert not Notification.objects.filter(recipient=world.principal).exists()
    assert Notification.objects.filter(recipient=world.unit, event="notice").count() == 1
    tick_on(dt.date(2021, 2, 24))
    assert Notification.objects.filter(recipient=world.principal, event="escalated").exists()


def test_the_tick_reads_only_open_problems_due_by_the_next_working_day(
    world, make_problem, django_assert_max_num_queries
):
    make_problem(due=dt.date(2021, 6, 30))
    make_problem(due=dt.date(2021, 7, 30))
    with time_machine.travel(at(dt.date(2021, 2, 24)), tick=False), django_assert_max_num_queries(4):
        counts = services.supervision_tick()
    assert counts == dict.fromkeys(counts, 0)


def test_the_ticks_escalation_does_not_make_the_units_open_form_stale(world, make_problem):
    problem = make_problem()
    with time_machine.travel(at(dt.date(2021, 2, 8)), tick=False):
        problem_services.problem_start(problem=problem, by=world.unit)
        problem.refresh_from_db()
        version_on_the_page = problem.version
    tick_on(dt.date(2021, 2, 9))
    with time_machine.travel(at(dt.date(2021, 2, 9)), tick=False):
        problem_services.problem_resolve(
            problem=problem, by=world.unit, handling_note="已办结", expected_version=version_on_the_page
        )
    problem.refresh_from_db()
    assert problem.status == Status.RESOLVED and problem.supervision_level == 2
