"""Cadence arithmetic: periods, meeting days and moves off weekends and holidays (调休 aware)."""

from __future__ import annotations

import datetime as dt

import pytest

from zhaoluo.core.models import CalendarDay
from zhaoluo.meetings import cadence
from zhaoluo.meetings.choices import Period

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("period", "day", "start"),
    [
        (Period.HALF_MONTH, D(2021, 3, 15), D(2021, 3, 1)),
        (Period.HALF_MONTH, D(2021, 3, 16), D(2021, 3, 16)),
        (Period.HALF_MONTH, D(2021, 2, 28), D(2021, 2, 16)),
        (Period.MONTH, D(2021, 3, 31), D(2021, 3, 1)),
        (Period.TWO_MONTHS, D(2021, 4, 30), D(2021, 3, 1)),
        (Period.TWO_MONTHS, D(2020, 12, 5), D(2020, 11, 1)),
        (Period.TWO_MONTHS, D(2021, 1, 1), D(2021, 1, 1)),
    ],
)
def test_a_day_falls_in_the_calendar_period_that_contains_it(period, day, start):
    assert cadence.period_start(period, day) == start


@pytest.mark.parametrize(
    ("period", "start", "following"),
    [
        (Period.HALF_MONTH, D(2021, 3, 1), D(2021, 3, 16)),
        (Period.HALF_MONTH, D(2021, 3, 16), D(2021, 4, 1)),
        (Period.HALF_MONTH, D(2020, 12, 16), D(2021, 1, 1)),
        (Period.MONTH, D(2020, 12, 1), D(2021, 1, 1)),
        (Period.TWO_MONTHS, D(2020, 11, 1), D(2021, 1, 1)),
        (Period.TWO_MONTHS, D(2021, 3, 1), D(2021, 5, 1)),
    ],
)
def test_periods_follow_each_other_without_gaps(period, start, following):
    assert cadence.next_period_start(period, start) == following


def test_a_meeting_day_on_the_spring_festival_holiday_moves_to_the_first_working_day_after_it():
    # 2021 春节: 11–17 February off; the second half of February starts on the 16th.
    assert cadence.meeting_day(Period.HALF_MONTH, D(2021, 2, 16), 0) == D(2021, 2, 18)


def test_a_make_up_saturday_is_a_working_day_and_keeps_the_meeting():
    # Saturday 10 October 2020 was a 调休 working day after the National Day holiday.
    assert cadence.meeting_day(Period.MONTH, D(2020, 10, 1), 9) == D(2020, 10, 10)
    # The 1st itself is National Day: the meeting moves past the whole holiday (1–8 October).
    assert cadence.meeting_day(Period.MONTH, D(2020, 10, 1), 0) == D(2020, 10, 9)


def test_an_ordinary_weekend_moves_the_meeting_to_monday_and_qingming_further():
    assert cadence.meeting_day(Period.MONTH, D(2021, 4, 1), 9) == D(2021, 4, 12)
    # Saturday 3 April 2021 starts the 清明 holiday (3–5 April): Tuesday the 6th.
    assert cadence.meeting_day(Period.HALF_MONTH, D(2021, 4, 1), 2) == D(2021, 4, 6)
    # May Day 2021: 1–5 May off.
    assert cadence.meeting_day(Period.TWO_MONTHS, D(2021, 5, 1), 0) == D(2021, 5, 6)


def test_an_offset_past_the_end_of_a_half_month_stays_in_it():
    assert cadence.meeting_day(Period.HALF_MONTH, D(2021, 3, 1), 20) == D(2021, 3, 15)


def test_an_administrators_calendar_override_moves_the_meeting_too():
    CalendarDay.objects.create(day=D(2021, 3, 18), is_workday=False, name="临时调整")
    assert cadence.meeting_day(Period.HALF_MONTH, D(2021, 3, 16), 2) == D(2021, 3, 19)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        # This half month's meeting (18 March) is still to come, or is today.
        (D(2021, 3, 17), (D(2021, 3, 16), D(2021, 3, 18))),
        (D(2021, 3, 18), (D(2021, 3, 16), D(2021, 3, 18))),
        # Past it: the next period's, moved off Qingming.
        (D(2021, 3, 31), (D(2021, 4, 1), D(2021, 4, 6))),
    ],
)
def test_the_next_meeting_is_this_periods_until_it_has_passed(today, expected):
    assert cadence.next_meeting(Period.HALF_MONTH, 2, today) == expected
