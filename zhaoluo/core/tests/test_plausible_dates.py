"""Far-past and far-future dates are refused wherever they enter (security issue #11 point 13):
a milestone on 0189-12-28 or an approval submitted on 0001-01-02 was stored, lit the project
"已逾期477561个工作日" and made every working-day count walk eighteen centuries."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from zhaoluo.core import calendar, parsing
from zhaoluo.core.models import CalendarDay
from zhaoluo.core.parsing import ParseError
from zhaoluo.projects import services
from zhaoluo.projects.models import Milestone

pytestmark = pytest.mark.django_db
TODAY = dt.datetime(2026, 6, 1, 9, tzinfo=dt.UTC)
WINDOW = "不在合理范围内（2000-01-01 至 2056-06-01）"


@pytest.fixture(autouse=True)
def _frozen(settings):
    settings.ZHAOLUO_TODAY = None
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.mark.parametrize("typed", ["0189-12-28", "0001-01-02", "1999-12-31", "2056-06-02", "2999年1月1日"])
def test_a_date_outside_the_window_is_refused_by_the_parser_with_the_window_named(typed):
    with pytest.raises(ParseError, match=WINDOW):
        parsing.date(typed)


def test_the_window_ends_are_accepted_and_a_month_outside_it_is_refused():
    assert parsing.date("2000-01-01") == dt.date(2000, 1, 1)
    assert parsing.date("2056-06-01") == dt.date(2056, 6, 1)
    assert parsing.month("2056-06") == dt.date(2056, 6, 1)
    with pytest.raises(ParseError, match=r"月份 1999-12 不在合理范围内（2000-01 至 2056-06）"):
        parsing.month("1999-12")


def test_the_window_is_configurable(settings):
    settings.ZHAOLUO_DATE_MIN = "1990-01-01"
    settings.ZHAOLUO_DATE_MAX_YEARS_AHEAD = 5
    assert parsing.date("1995-03-14") == dt.date(1995, 3, 14)
    with pytest.raises(ParseError, match=r"1990-01-01 至 2031-06-01"):
        parsing.date("2040-01-01")


def test_a_service_refuses_a_far_past_milestone_against_its_field_and_writes_nothing(world):
    with pytest.raises(ValidationError) as exc:
        services.milestone_create(
            project=world.project, by=world.task_force, name="土地摘牌", planned_on=dt.date(189, 12, 28)
        )
    assert "planned_on" in exc.value.message_dict
    assert not Milestone.objects.filter(name="土地摘牌").exists()


def test_the_milestone_form_names_the_far_past_date_and_writes_nothing(world):
    client = world.client_for(world.task_force)
    url = reverse("projects:milestone_create", args=[world.project.pk])
    response = client.post(url, {"name": "土地摘牌", "planned_on": "0189-12-28", "weight": "1"})
    assert response.status_code in (200, 422)
    assert "日期 0189-12-28 " + WINDOW in response.content.decode()
    assert not Milestone.objects.filter(name="土地摘牌").exists()


def test_the_api_names_the_far_past_date_and_writes_nothing(world):
    client = APIClient(REMOTE_ADDR="10.20.30.40")
    client.force_authenticate(world.task_force)
    response = client.post(
        f"/api/projects/{world.project.pk}/milestones/",
        {"name": "土地摘牌", "planned_on": "0189-12-28"},
        format="json",
    )
    assert response.status_code == 400, response.content
    assert "planned_on" in response.json()["error"]["fields"]
    assert not Milestone.objects.filter(name="土地摘牌").exists()


# Working days ------------------------------------------------------------------------------


def _walked(start: dt.date, end: dt.date) -> int:
    """The day-by-day count the prefix sums replace, as the reference."""
    sign = 1
    if end < start:
        start, end, sign = end, start, -1
    days = (start + dt.timedelta(days=n) for n in range(1, (end - start).days + 1))
    with calendar.preloaded():  # one query for the overrides, not one per day
        return sign * sum(1 for day in days if calendar.is_workday(day))


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (dt.date(2020, 12, 28), dt.date(2021, 2, 18)),  # across New Year and the Spring Festival
        (dt.date(2026, 12, 1), dt.date(2019, 9, 30)),  # backwards, across several years
        (dt.date(2003, 5, 5), dt.date(2031, 1, 2)),  # from before the package's years to after them
        (dt.date(2024, 2, 28), dt.date(2024, 3, 1)),  # a leap day
    ],
)
def test_working_days_from_prefix_sums_agree_with_walking_the_days_overrides_included(start, end):
    CalendarDay.objects.create(day=dt.date(2021, 2, 3), is_workday=False, name="临时停工")
    CalendarDay.objects.create(day=dt.date(2020, 1, 4), is_workday=True, name="周六补班")
    CalendarDay.objects.create(day=dt.date(2027, 7, 1), is_workday=False, name="未收录年份的假日")
    assert calendar.workdays_between(start, end) == _walked(start, end)


def test_counting_working_days_over_centuries_looks_up_no_day_one_by_one():
    """A stored 0189-12-28 (written before the window existed) is counted per year, not per day."""
    calendar.workdays_between(dt.date(2000, 1, 1), dt.date(2026, 12, 31))  # the package's years, built once
    with mock.patch.object(calendar, "_packaged_is_workday", side_effect=AssertionError("walked a day")):
        overdue = calendar.workdays_between(dt.date(189, 12, 28), dt.date(2026, 6, 1))
    # 1836 whole years of Monday-to-Friday before the package's notices begin, then its own days.
    assert overdue == _weekdays(dt.date(189, 12, 28), dt.date(2003, 12, 31)) + calendar.workdays_between(
        dt.date(2003, 12, 31), dt.date(2026, 6, 1)
    )


def _weekdays(start: dt.date, end: dt.date) -> int:
    whole_weeks, rest = divmod((end - start).days, 7)
    return whole_weeks * 5 + sum(1 for n in range(1, rest + 1) if (start + dt.timedelta(days=n)).weekday() < 5)
