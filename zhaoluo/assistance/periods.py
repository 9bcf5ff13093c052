"""Reporting periods: a month for a key project, a quarter for an enterprise.

A period is stored as its first day; `label` and `previous` work from that date alone.
"""

from __future__ import annotations

import datetime as dt

from .choices import PeriodKind


def start_of(kind: str, day: dt.date) -> dt.date:
    if kind == PeriodKind.MONTH:
        return day.replace(day=1)
    return dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def previous(kind: str, start: dt.date) -> dt.date:
    step = 1 if kind == PeriodKind.MONTH else 3
    month = start.month - step
    year = start.year
    if month < 1:
        month += 12
        year -= 1
    return dt.date(year, month, 1)


def end_of(kind: str, start: dt.date) -> dt.date:
    step = 1 if kind == PeriodKind.MONTH else 3
    month = start.month + step
    year = start.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    return dt.date(year, month, 1) - dt.timedelta(days=1)


def label(kind: str, start: dt.date) -> str:
    if kind == PeriodKind.MONTH:
        return f"{start.year}年{start.month}月"
    return f"{start.year}年第{(start.month - 1) // 3 + 1}季度"


def is_start(kind: str, day: dt.date) -> bool:
    return start_of(kind, day) == day
