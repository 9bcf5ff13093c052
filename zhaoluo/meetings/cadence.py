"""Cadence arithmetic: which period a day falls in, and the working day a period's meeting is held.

Periods are calendar periods, not rolling ones, so "the meeting of the first half of March" is
the same meeting whenever the tick runs: half months are the 1st–15th and the 16th–end, months
are months, two-month periods start in January, March, May, July, September and November.
"""

from __future__ import annotations

import datetime as dt

from zhaoluo.core import calendar

from .choices import Period


def period_start(period: str, day: dt.date) -> dt.date:
    if period == Period.HALF_MONTH:
        return day.replace(day=1 if day.day <= 15 else 16)
    if period == Period.MONTH:
        return day.replace(day=1)
    if period == Period.TWO_MONTHS:
        return day.replace(month=day.month - (day.month - 1) % 2, day=1)
    raise ValueError(f"unknown period {period!r}")


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def next_period_start(period: str, start: dt.date) -> dt.date:
    if period == Period.HALF_MONTH:
        return start.replace(day=16) if start.day == 1 else _add_months(start, 1)
    if period == Period.MONTH:
        return _add_months(start, 1)
    if period == Period.TWO_MONTHS:
        return _add_months(start, 2)
    raise ValueError(f"unknown period {period!r}")


def next_workday_from(day: dt.date) -> dt.date:
    """The day itself when it is a working day (a 调休 Saturday is one), else the next working day."""
    while not calendar.is_workday(day):
        day += dt.timedelta(days=1)
    return day


def meeting_day(period: str, start: dt.date, offset_days: int) -> dt.date:
    """The period's meeting day: `offset_days` after its first day, kept inside the period,
    then moved forward off weekends and holidays."""
    last = next_period_start(period, start) - dt.timedelta(days=1)
    anchor = min(start + dt.timedelta(days=offset_days), last)
    return next_workday_from(anchor)


def next_meeting(period: str, offset_days: int, today: dt.date) -> tuple[dt.date, dt.date]:
    """(period start, meeting day) of the next meeting on or after `today`: this period's
    when it is still to come, otherwise the next period's."""
    start = period_start(period, today)
    day = meeting_day(period, start, offset_days)
    if day < today:
        start = next_period_start(period, start)
        day = meeting_day(period, start, offset_days)
    return start, day
