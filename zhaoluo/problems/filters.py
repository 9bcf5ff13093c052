"""One FilterSet for problems: the three lists, the API and the Excel export all use it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters as filters
from django.db.models import F, Q, QuerySet
from django.db.models.expressions import OrderBy

from zhaoluo.core import clock, filtering
from zhaoluo.orgs import selectors as org_selectors

from .choices import OPEN_STATUSES, Category, Origin, Status
from .models import Problem

DUE_CHOICES = [("overdue", "已逾期"), ("week", "本周到期"), ("month", "本月到期")]


def _units(request: Any) -> QuerySet[Any]:
    return org_selectors.units(user=getattr(request, "user", None))


def _officials(request: Any) -> QuerySet[Any]:
    return org_selectors.officials(user=getattr(request, "user", None))


def week_end(today: dt.date) -> dt.date:
    return today + dt.timedelta(days=6 - today.weekday())


def month_end(today: dt.date) -> dt.date:
    first_next = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return first_next - dt.timedelta(days=1)


def green_first() -> OrderBy:
    """绿色通道 projects' problems head every queue (problems without a project count as not green)."""
    return F("project__green_channel").desc(nulls_last=True)


def due_q(kind: str, today: dt.date) -> Q:
    """Open problems overdue / due by the end of this week / due later this month (the 时限清单 bands)."""
    unresolved = Q(resolved_on__isnull=True, status__in=OPEN_STATUSES)
    if kind == "overdue":
        return unresolved & Q(due_on__lt=today)
    if kind == "week":
        return unresolved & Q(due_on__gte=today, due_on__lte=week_end(today))
    return unresolved & Q(due_on__gt=week_end(today), due_on__lte=month_end(today))


class ProblemFilterSet(filters.FilterSet):
    q = filters.CharFilter(label="关键词", method="search", help_text="问题描述、编号、项目或企业名称")
    category = filters.MultipleChoiceFilter(label="类别", choices=Category.choices)
    origin = filters.MultipleChoiceFilter(label="来源", choices=Origin.choices)
    status = filters.MultipleChoiceFilter(label="状态", choices=Status.choices)
    is_open = filtering.BooleanFilter(label="未办结", method="filter_open", help_text="true：待交办、已交办、办理中")
    unit = filters.ModelChoiceFilter(label="责任单位", queryset=_units)
    owner = filters.ModelChoiceFilter(label="责任人", queryset=_officials)
    due = filters.ChoiceFilter(label="时限", choices=DUE_CHOICES, method="filter_due")
    # Drill-downs of the figures (shared/LEDGERS.md): raised / resolved in a year, on time, overdue at a date.
    raised_year = filtering.YearFilter(label="提出年度", field_name="raised_on", lookup_expr="year")
    resolved_year = filtering.YearFilter(label="办结年度", field_name="resolved_on", lookup_expr="year")
    on_time = filtering.BooleanFilter(label="按时办结", method="filter_on_time")
    overdue_at = filters.DateFilter(label="截至该日日终逾期未办结", method="filter_overdue_at")
    ordering = filters.OrderingFilter(
        label="排序",
        fields=(("raised_on", "raised_on"), ("due_on", "due_on"), ("code", "code"), ("updated_at", "updated_at")),
        field_labels={"raised_on": "提出日期", "due_on": "办结时限", "code": "问题编号", "updated_at": "更新时间"},
    )

    class Meta:
        model = Problem
        fields = ["q", "category", "origin", "status", "is_open", "unit", "owner", "due"]

    def search(self, queryset: QuerySet[Problem], name: str, value: str) -> QuerySet[Problem]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(description__icontains=value)
            | Q(code__icontains=value)
            | Q(project__name__icontains=value)
            | Q(enterprise__name__icontains=value)
        )

    def filter_open(self, queryset: QuerySet[Problem], name: str, value: bool | None) -> QuerySet[Problem]:
        if value is None:
            return queryset
        q = Q(status__in=OPEN_STATUSES)
        return queryset.filter(q) if value else queryset.exclude(q)

    def filter_due(self, queryset: QuerySet[Problem], name: str, value: str) -> QuerySet[Problem]:
        return queryset.filter(due_q(value, clock.today())) if value else queryset

    def filter_on_time(self, queryset: QuerySet[Problem], name: str, value: bool | None) -> QuerySet[Problem]:
        if value is None:
            return queryset
        on_time = Q(resolved_on__isnull=False, due_on__isnull=False, resolved_on__lte=F("due_on"))
        return queryset.filter(on_time) if value else queryset.filter(resolved_on__isnull=False).exclude(on_time)

    def filter_overdue_at(self, queryset: QuerySet[Problem], name: str, value: dt.date | None) -> QuerySet[Problem]:
        if value is None:
            return queryset
        # At the end of the day `value`: a deadline on that day has passed (stats/figures.py problems_overdue).
        return queryset.filter(
            Q(resolved_on__isnull=True) | Q(resolved_on__gt=value), raised_on__lte=value, due_on__lte=value
        )
