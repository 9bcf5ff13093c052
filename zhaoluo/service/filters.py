"""One FilterSet per list (pairings, visits, flags), shared by the pages, the API and the export."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters as filters
from django.db.models import Q, QuerySet

from zhaoluo.core import clock
from zhaoluo.core.filtering import BooleanFilter, YearFilter

from .choices import Pool, VisitMode
from .models import FlagRule, Pairing, PoolMembership, Visit, VisitFlag


class PairingFilterSet(filters.FilterSet):
    q = filters.CharFilter(label="关键词", method="search", help_text="干部姓名或企业名称")
    active = BooleanFilter(label="仍在包联", method="filter_active")
    year = filters.NumberFilter(label="年度", method="filter_year", help_text="该年内任一天在包联")

    class Meta:
        model = Pairing
        fields = ["q", "active", "year"]

    def search(self, queryset: QuerySet[Pairing], name: str, value: str) -> QuerySet[Pairing]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(cadre__name__icontains=value) | Q(enterprise__name__icontains=value))

    def filter_active(self, queryset: QuerySet[Pairing], name: str, value: Any) -> QuerySet[Pairing]:
        if value is None:
            return queryset
        today = clock.today()
        active = queryset.active_on(today)  # type: ignore[attr-defined]
        return active if value else queryset.exclude(pk__in=active.values("pk"))

    def filter_year(self, queryset: QuerySet[Pairing], name: str, value: Any) -> QuerySet[Pairing]:
        if not value:
            return queryset
        year = int(value)
        return queryset.active_in(dt.date(year, 1, 1), dt.date(year, 12, 31))  # type: ignore[attr-defined]


class VisitFilterSet(filters.FilterSet):
    q = filters.CharFilter(label="关键词", method="search", help_text="企业名称或干部姓名")
    mode = filters.ChoiceFilter(label="走访方式", choices=VisitMode.choices)
    since = filters.DateFilter(label="走访日期起", field_name="visited_on", lookup_expr="gte")
    until = filters.DateFilter(label="走访日期止", field_name="visited_on", lookup_expr="lte")
    flagged = BooleanFilter(label="有预警", method="filter_flagged")

    class Meta:
        model = Visit
        fields = ["q", "mode", "since", "until", "flagged"]

    def search(self, queryset: QuerySet[Visit], name: str, value: str) -> QuerySet[Visit]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(cadre__name__icontains=value) | Q(enterprise__name__icontains=value))

    def filter_flagged(self, queryset: QuerySet[Visit], name: str, value: Any) -> QuerySet[Visit]:
        if value is None:
            return queryset
        flagged = VisitFlag.objects.values("visit_id")
        return queryset.filter(pk__in=flagged) if value else queryset.exclude(pk__in=flagged)


class FlagFilterSet(filters.FilterSet):
    rule = filters.ModelChoiceFilter(label="规则", queryset=FlagRule.objects.order_by("code"))
    since = filters.DateFilter(label="走访日期起", field_name="visit__visited_on", lookup_expr="gte")

    class Meta:
        model = VisitFlag
        fields = ["rule", "since"]


class PoolMembershipFilterSet(filters.FilterSet):
    pool = filters.ChoiceFilter(label="企业库", choices=Pool.choices)
    current = BooleanFilter(label="仍在库中", field_name="left_on", lookup_expr="isnull")
    entered_year = YearFilter(label="入库年度", field_name="entered_on", lookup_expr="year")

    class Meta:
        model = PoolMembership
        fields = ["pool", "current", "entered_year"]
