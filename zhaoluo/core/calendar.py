"""Chinese working days, make-up days (调休) included.

chinese-calendar carries the State Council's notices; an administrator's CalendarDay
row overrides it (for a year the package does not know yet). Outside the package's
range, with no override, Monday to Friday are working days.
"""

from __future__ import annotations

import calendar
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


@functools.lru_cache(maxsize=256)
def _year_prefix(year: int) -> tuple[int, ...]:
    """prefix[i] = the package's working days among the first i days of `year` (prefix[0] = 0):
    built once per year (366 lookups), then any span of days inside it is one subtraction."""
    known = year in _package_years()
    prefix = [0]
    day = dt.date(year, 1, 1)
    while day.year == year:
        prefix.append(prefix[-1] + (_packaged_is_workday(day) if known else day.weekday() < 5))
        day += dt.timedelta(days=1)
    return tuple(prefix)


@functools.cache
def _package_years() -> range:
    """The years chinese-calendar has notices for; outside them it raises for every day."""
    days = [*chinese_calendar.holidays, *chinese_calendar.workdays]
    return range(min(days).year, max(days).year + 1)


@functools.lru_cache(maxsize=4096)
def _year_total(year: int) -> int:
    """The package's working days in `year`; Monday to Friday outside its years, counted without
    visiting the days (a stored year 0189 spans eighteen centuries of them)."""
    if year in _package_years():
        return _year_prefix(year)[-1]
    first = dt.date(year, 1, 1).weekday()
    days = 366 if calendar.isleap(year) else 365
    weeks, rest = divmod(days, 7)
    return 5 * weeks + sum(1 for i in range(rest) if (first + i) % 7 < 5)


def _packaged_through(year: int, day: dt.date) -> int:
    """The package's working days from 1 January of `year` up to and including `day`."""
    total = sum(_year_total(y) for y in range(year, day.year))
    return total + _year_prefix(day.year)[day.timetuple().tm_yday]


def workdays_between(start: dt.date, end: dt.date) -> int:
    """Working days in (start, end]: the number of working days by which `end` is after `start`.

    Negative when end is before start. Zero when they are the same day. The package's days come
    from per-year prefix sums (work per year spanned, not per day: a typo'd year 0189 once made
    this walk 670,000 days holding the write lock); the administrator's overrides in the span
    are then applied one by one where they differ from the package.
    """
    if end == start:
        return 0
    sign = 1
    if end < start:
        start, end, sign = end, start, -1
    count = _packaged_through(start.year, end) - _packaged_through(start.year, start)
    for day, workday in _overrides(start + dt.timedelta(days=1), end).items():
        if start < day <= end and workday != _packaged_is_workday(day):
            count += 1 if workday else -1
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
