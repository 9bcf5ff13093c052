"""Chinese working days, make-up days (调休) included.

chinese-calendar carries the State Council's notices; an administrator's CalendarDay
row overrides it (for a year the package does not know yet). Outside the package's
range, with no override, Monday to Friday are working days.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
from collections.abc import Iterator
from contextvars import ContextVar

import chinese_calendar

# Inside `preloaded()`, every override read comes from one query made at its start.
_preloaded: ContextVar[dict[dt.date, bool] | None] = ContextVar("zhaoluo_calendar_preloaded", default=None)


# chinese-calendar validates every date against its whole table (~30 µs a call); a light
# refresh counts working days over years of dates, so the answers are memoised.
@functools.lru_cache(maxsize=16384)
def _packaged_is_workday(day: dt.date) -> bool:
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return day.weekday() < 5


def _overrides(start: dt.date, end: dt.date) -> dict[dt.date, bool]:
    from .models import CalendarDay

    preloaded = _preloaded.get()
    if preloaded is not None:
        return preloaded
    rows = CalendarDay.objects.filter(day__gte=start, day__lte=end).values_list("day", "is_workday")
    return dict(rows)


@contextlib.contextmanager
def preloaded() -> Iterator[None]:
    """Read every administrator override once, for a batch such as `tick` (the table is small)."""
    from .models import CalendarDay

    token = _preloaded.set(dict(CalendarDay.objects.values_list("day", "is_workday")))
    try:
        yield
    finally:
        _preloaded.reset(token)


def is_workday(day: dt.date) -> bool:
    override = _overrides(day, day)
    if day in override:
        return override[day]
    return _packaged_is_workday(day)


def workdays_between(start: dt.date, end: dt.date) -> int:
    """Working days in (start, end]: the number of working days by which `end` is after `start`.

    Negative when end is before start. Zero when they are the same day.
    """
    if end == start:
        return 0
    sign = 1
    if end < start:
        start, end, sign = end, start, -1
    overrides = _overrides(start, end)
    count = 0
    day = start + dt.timedelta(days=1)
    while day <= end:
        if overrides[day] if day in overrides else _packaged_is_workday(day):
            count += 1
        day += dt.timedelta(days=1)
    return sign * count


def add_workdays(start: dt.date, n: int) -> dt.date:
    """The date n working days after `start` (n ≥ 0); n = 0 gives start itself."""
    if n < 0:
        raise ValueError("n must be ≥ 0")
    # Long holidays (Spring Festival) stretch n working days to well over n days;
    # 2n + 30 calendar days covers any published year.
    overrides = _overrides(start, start + dt.timedelta(days=n * 2 + 30))
    day = start
    left = n
    while left > 0:
        day += dt.timedelta(days=1)
        workday = overrides[day] if day in overrides else _packaged_is_workday(day)
        if workday:
            left -= 1
    return day
