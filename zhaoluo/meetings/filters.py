"""One FilterSet for meetings: the list pages and the API use it (type, status, chair, dates, keyword)."""

from __future__ import annotations

from typing import Any

import django_filters as filters
from django.db.models import Q, QuerySet

from zhaoluo.orgs import selectors as org_selectors

from .choices import Kind, Status
from .models import Meeting


def _leaders(request: Any) -> QuerySet[Any]:
    return org_selectors.leaders(user=getattr(request, "user", None))


class MeetingFilterSet(filters.FilterSet):
    q = filters.CharFilter(label="关键词", method="search")
    kind = filters.ChoiceFilter(label="会议类型", choices=Kind.choices)
    status = filters.ChoiceFilter(label="状态", choices=Status.choices)
    chair = filters.ModelChoiceFilter(label="主持人", queryset=_leaders)
    held_from = filters.DateFilter(label="会议日期起", field_name="held_on", lookup_expr="gte")
    held_to = filters.DateFilter(label="会议日期止", field_name="held_on", lookup_expr="lte")

    class Meta:
        model = Meeting
        fields = ["q", "kind", "status", "chair", "held_from", "held_to"]

    def search(self, queryset: QuerySet[Meeting], name: str, value: str) -> QuerySet[Meeting]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value) | Q(minutes__icontains=value) | Q(items__text__icontains=value)
        ).distinct()
