"""Working days follow the State Council's notices, make-up days included."""

from __future__ import annotations

import datetime as dt

import pytest

from zhaoluo.core import calendar
from zhaoluo.core.models import CalendarDay

pytestmark = pytest.mark.django_db


def test_national_day_holidays_are_not_working_days_and_the_make_up_saturday_is():
    assert not calendar.is_workday(dt.date(2020, 10, 1))
    assert not calendar.is_workday(dt.date(2020, 10, 8))  # Thursday inside the 2020 National Day break
    assert calendar.is_workday(dt.date(2020, 10, 10))  # Saturday 调休 working day


def test_counting_working_days_across_the_spring_festival():
    # 2021-02-10 (Wed) to 2021-02-18 (Thu): the 11th to 17th are the holiday, 02-07 and 02-20 are make-up days.
    assert calendar.workdays_between(dt.date(2021, 2, 10), dt.date(2021, 2, 18)) == 1
    assert calendar.add_workdays(dt.date(2021, 2, 10), 1) == dt.date(2021, 2, 18)


def test_workdays_between_is_signed_and_zero_on_the_same_day():
    monday, friday = dt.date(2020, 6, 1), dt.date(2020, 6, 5)
    assert calendar.workdays_between(monday, friday) == 4
    assert calendar.workdays_between(friday, monday) == -4
    assert calendar.workdays_between(monday, monday) == 0


def test_an_administrator_override_wins_over_the_packaged_calendar():
    day = dt.date(2020, 6, 3)  # an ordinary Wednesday
    assert calendar.is_workday(day)
    CalendarDay.objects.create(day=day, is_workday=False, name="临时调整")
    assert not calendar.is_workday(day)
    assert calendar.workdays_between(dt.date(2020, 6, 2), dt.date(2020, 6, 4)) == 1


def test_years_beyond_the_packaged_data_fall_back_to_weekdays_unless_overridden():
    saturday = dt.date(2031, 1, 4)
    assert not calendar.is_workday(saturday)
    assert calendar.is_workday(dt.date(2031, 1, 6))
    CalendarDay.objects.create(day=saturday, is_workday=True, name="调休上班")
    assert calendar.is_workday(saturday)
