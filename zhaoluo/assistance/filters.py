"""One FilterSet for the form list page and the API list."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet

from .choices import FormStatus, PeriodKind
from .models import AssistanceForm


class AssistanceFormFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label="状态", choices=FormStatus.choices)
    period_kind = django_filters.ChoiceFilter(label="周期", choices=PeriodKind.choices)
    period_start = django_filters.DateFilter(label="所属期（首日）")
    q = django_filters.CharFilter(label="搜索", method="search")

    class Meta:
        model = AssistanceForm
        fields = ["status", "period_kind", "period_start"]

    def search(self, queryset: QuerySet[AssistanceForm], name: str, value: Any) -> QuerySet[AssistanceForm]:
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(Q(project__name__icontains=value) | Q(enterprise__name__icontains=value))
