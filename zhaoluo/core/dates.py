from __future__ import annotations

import calendar
import datetime as dt


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day `months` later, clipped to the month's end (31 Jan + 1 month = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def plausible_window() -> tuple[dt.date, dt.date]:
    """The dates a business record may carry: from ZHAOLUO_DATE_MIN (2000-01-01) to
    ZHAOLUO_DATE_MAX_YEARS_AHEAD (30) years after today. A typo such as 0189-12-28 would
    otherwise be stored, light the project "已逾期477561个工作日" and make every working-day
    count walk eighteen centuries."""
    from django.conf import settings

    from .clock import today

    earliest = dt.date.fromisoformat(str(settings.ZHAOLUO_DATE_MIN))
    return earliest, add_months(today(), 12 * settings.ZHAOLUO_DATE_MAX_YEARS_AHEAD)


def implausible_date_message(value: dt.date, *, month: bool = False) -> str | None:
    """A Chinese message when `value` (a month's first day when `month`) lies outside the
    window, else None."""
    earliest, latest = plausible_window()
    if month:
        if month_start(earliest) <= value <= latest:
            return None
        return f"月份 {value:%Y-%m} 不在合理范围内（{earliest:%Y-%m} 至 {latest:%Y-%m}），请核对年份"
    if earliest <= value <= latest:
        return None
    return f"日期 {value.isoformat()} 不在合理范围内（{earliest.isoformat()} 至 {latest.isoformat()}），请核对年份"
