"""The 指标台账 kind (shared/LEDGERS.md): key 地区, 期间, 指标."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet

from zhaoluo.core import filtering
from zhaoluo.core import parsing as p
from zhaoluo.ledgers.spec import Cell, Column, Kind, Values, as_request, register
from zhaoluo.orgs.choices import Role

from . import selectors
from .choices import PeriodKind
from .filters import IndicatorValueFilterSet
from .models import IndicatorValue
from .services import indicator_values_write


def period(value: Any) -> tuple[str, dt.date] | None:
    """A year (`2020`, `2020年`) or a month (`2020-03`, `2020年3月`, an Excel date)."""
    if p.is_blank(value):
        return None
    if isinstance(value, dt.date):
        return PeriodKind.MONTH, p.month(value) or value
    try:
        year = p.year(value)
    except p.ParseError:
        try:
            first = p.month(value)
        except p.ParseError:
            raise p.ParseError(f"“{p.text(value)}”应为年份（2020）或月份（2020-03、2020年3月）") from None
        assert first is not None
        return PeriodKind.MONTH, first
    assert year is not None
    return PeriodKind.YEAR, dt.date(year, 1, 1)


def region(value: Any) -> str:
    return p.normalise(p.text(value)).replace(" ", "")


def unit(value: Any) -> str:
    return p.normalise(p.text(value)).replace(" ", "")


COLUMNS = [
    Column("region", "地区", region, required=True, help="地区名称或 6 位行政区划代码（GB/T 2260）"),
    Column("period", "期间", period, required=True, help="年份（2020、2020年）或月份（2020-03、2020年3月）"),
    Column("indicator", "指标", p.text, required=True, help="指标目录中的名称，如 规上工业总产值、工业增加值增速"),
    Column("value", "数值", p.number, required=True, help="数字；增速可为负数"),
    Column("unit", "单位", unit, help="填写时须与指标目录中的单位一致，如 万元、%、家"),
]


def check_row(values: Values) -> list[tuple[str, str]]:
    return []


def row_key(values: Values) -> Any:
    return (values.get("region"), values.get("period"), values.get("indicator"))


def rows(queryset: QuerySet[IndicatorValue]) -> Iterator[list[Cell]]:
    ordered = queryset.select_related("region", "indicator").order_by("region__code", "period", "indicator_id")
    for item in ordered.iterator(chunk_size=2000):
        yield [item.region.code, item.period_label, item.indicator.name, item.value.normalize(), item.indicator.unit]


def queryset(user: Any, params: Any) -> QuerySet[IndicatorValue]:
    return filtering.refuse_invalid(
        IndicatorValueFilterSet(params, queryset=selectors.value_list(user=user), request=as_request(user))
    )


INDICATORS = register(
    Kind(
        name="indicators",
        label="指标台账",
        columns=COLUMNS,
        key_help="同一地区、同一期间、同一指标为一条记录",
        check_row=check_row,
        write=indicator_values_write,
        export_rows=rows,
        queryset=queryset,
        row_key=row_key,
        key_columns=("region", "period", "indicator"),
        filterset=IndicatorValueFilterSet,
        import_roles=frozenset({Role.ECONOMY}),
    )
)
