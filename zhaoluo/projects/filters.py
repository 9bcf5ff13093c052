"""One FilterSet for projects: the list page, the API and the Excel export all use it,
so what a user filters is exactly what they see, fetch and download."""

from __future__ import annotations

from typing import Any

import django_filters as filters
from django.db.models import Q, QuerySet

from zhaoluo.chains.models import Cluster
from zhaoluo.core import filtering
from zhaoluo.orgs import selectors as org_selectors

from .choices import STAGE_DATE_FIELD, FundOrigin, Light, Stage
from .models import FundArrival, Project


def _townships(request: Any) -> QuerySet[Any]:
    return org_selectors.townships(user=getattr(request, "user", None))


def _leaders(request: Any) -> QuerySet[Any]:
    return org_selectors.leaders(user=getattr(request, "user", None))


def _units(request: Any) -> QuerySet[Any]:
    return org_selectors.units(user=getattr(request, "user", None))


REACHED_CHOICES = [(stage, Stage(stage).label) for stage in STAGE_DATE_FIELD]


class ProjectFilterSet(filters.FilterSet):
    q = filters.CharFilter(label="关键词", method="search", help_text="项目名称、编号或投资方")
    stage = filters.MultipleChoiceFilter(label="阶段", choices=Stage.choices)
    is_key = filtering.BooleanFilter(label="重点项目")
    is_strategic = filtering.BooleanFilter(label="战略性新兴产业")
    is_100m = filtering.BooleanFilter(label="亿元以上")
    cluster = filters.ModelChoiceFilter(label="产业集群", queryset=Cluster.objects.all())
    no_cluster = filtering.BooleanFilter(
        label="未归集群", field_name="cluster", lookup_expr="isnull", help_text="true：只列未归入产业集群的项目"
    )
    township = filters.ModelChoiceFilter(label="镇街", queryset=_townships)
    leader = filters.ModelChoiceFilter(label="包保领导", queryset=_leaders)
    lead_unit = filters.ModelChoiceFilter(label="牵头单位", queryset=_units)
    light = filters.MultipleChoiceFilter(label="灯色", choices=Light.choices)
    signed_year = filtering.YearFilter(label="签约年度", field_name="signed_on", lookup_expr="year")
    # Drill-downs of the funnel page: the year a stage was reached, and "has reached" a stage.
    started_year = filtering.YearFilter(label="开工年度", field_name="started_on", lookup_expr="year")
    producing_year = filtering.YearFilter(label="投产年度", field_name="producing_on", lookup_expr="year")
    at_capacity_year = filtering.YearFilter(label="达产年度", field_name="at_capacity_on", lookup_expr="year")
    reached = filters.ChoiceFilter(label="已到达阶段", choices=REACHED_CHOICES, method="filter_reached")
    ordering = filters.OrderingFilter(
        label="排序",
        fields=(
            ("name", "name"),
            ("planned_investment", "planned_investment"),
            ("signed_on", "signed_on"),
            ("started_on", "started_on"),
            ("stage", "stage"),
            ("light", "light"),
            ("updated_at", "updated_at"),
        ),
        field_labels={
            "name": "项目名称",
            "planned_investment": "计划总投资",
            "signed_on": "签约日期",
            "started_on": "开工日期",
            "stage": "阶段",
            "light": "灯色",
            "updated_at": "更新时间",
        },
    )

    class Meta:
        model = Project
        fields = [
            "q",
            "stage",
            "is_key",
            "is_strategic",
            "is_100m",
            "cluster",
            "no_cluster",
            "township",
            "leader",
            "lead_unit",
            "light",
            "signed_year",
            "started_year",
            "producing_year",
            "at_capacity_year",
            "reached",
        ]

    def search(self, queryset: QuerySet[Project], name: str, value: str) -> QuerySet[Project]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(code__icontains=value) | Q(investor__icontains=value))

    def filter_reached(self, queryset: QuerySet[Project], name: str, value: str) -> QuerySet[Project]:
        field = STAGE_DATE_FIELD.get(value)
        if not field:
            return queryset
        return queryset.filter(**{f"{field}__isnull": False})


class FundFilterSet(filters.FilterSet):
    """Fund arrivals: the API list and, later, the funds ledger export."""

    project = filtering.IdFilter(label="项目编号", field_name="project_id")
    year = filtering.YearFilter(label="年度", field_name="period", lookup_expr="year")
    period_from = filters.DateFilter(label="起始月份", field_name="period", lookup_expr="gte")
    period_to = filters.DateFilter(label="截止月份", field_name="period", lookup_expr="lte")
    origin = filters.MultipleChoiceFilter(label="资金来源", choices=FundOrigin.choices)
    ordering = filters.OrderingFilter(
        label="排序", fields=(("period", "period"), ("amount", "amount")), field_labels={"period": "期间"}
    )

    class Meta:
        model = FundArrival
        fields = ["project", "year", "period_from", "period_to", "origin"]
