"""One FilterSet for approvals: the list page, the API and the .xlsx exports all use it."""

from __future__ import annotations

from typing import Any

import django_filters as filters
from django.db.models import Q, QuerySet

from zhaoluo.core import clock, filtering
from zhaoluo.orgs import selectors as org_selectors

from .choices import Status
from .models import Approval, ApprovalItem


def _units(request: Any) -> QuerySet[Any]:
    return org_selectors.units(user=getattr(request, "user", None))


def late_q(today: Any) -> Q:
    """Late: decided after the due date (stored), or still with the department past it."""
    return Q(is_late=True) | Q(status=Status.HANDLING, due_on__lt=today)


class ApprovalFilterSet(filters.FilterSet):
    q = filters.CharFilter(label="关键词", method="search", help_text="项目名称、项目编号或全国投资项目代码")
    item = filtering.ModelMultipleChoiceFilter(label="审批事项", queryset=ApprovalItem.objects.all())
    department = filters.ModelChoiceFilter(label="办理部门", queryset=_units)
    status = filters.MultipleChoiceFilter(label="状态", choices=Status.choices)
    late = filtering.BooleanFilter(label="超时", method="filter_late", help_text="true：超时办结或超时未办结")
    green_channel = filtering.BooleanFilter(label="绿色通道", field_name="project__green_channel")
    submitted_year = filtering.YearFilter(label="申报年度", field_name="submitted_on", lookup_expr="year")
    decided_year = filtering.YearFilter(label="办结年度", field_name="decided_on", lookup_expr="year")
    project = filtering.IdFilter(label="项目 id", field_name="project_id")

    class Meta:
        model = Approval
        fields = ["q", "item", "department", "status", "late", "green_channel"]

    def search(self, queryset: QuerySet[Approval], name: str, value: str) -> QuerySet[Approval]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(project__name__icontains=value)
            | Q(project__code__icontains=value)
            | Q(project__national_code__icontains=value)
        )

    def filter_late(self, queryset: QuerySet[Approval], name: str, value: bool | None) -> QuerySet[Approval]:
        if value is None:
            return queryset
        q = late_q(clock.today())
        return queryset.filter(q) if value else queryset.exclude(q)
