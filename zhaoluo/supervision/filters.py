"""One FilterSet for 督办单: the notices page and /api/notices/ both use it.

The 督查室 queue has no user filters (it is the whole of levels 2 and 3), so it needs no FilterSet.
"""

from __future__ import annotations

from typing import Any

import django_filters as filters
from django.db.models import F, Q, QuerySet

from zhaoluo.core import clock, filtering
from zhaoluo.orgs import selectors as org_selectors

from .choices import Color
from .models import Notice


def _units(request: Any) -> QuerySet[Any]:
    return org_selectors.units(user=getattr(request, "user", None))


def reply_late_q() -> Q:
    """Answered after the reply deadline, or still unanswered with the deadline passed today."""
    return Q(replied_on__gt=F("reply_due_on")) | Q(replied_on__isnull=True, reply_due_on__lt=clock.today())


class NoticeFilterSet(filters.FilterSet):
    color = filters.MultipleChoiceFilter(label="颜色", choices=Color.choices)
    replied = filtering.BooleanFilter(label="已回复", field_name="replied_on", lookup_expr="isnull", exclude=True)
    unit = filters.ModelChoiceFilter(label="责任单位", queryset=_units)
    year = filtering.YearFilter(label="年度", field_name="year")
    reply_late = filtering.BooleanFilter(
        label="回复超期", method="filter_reply_late", help_text="true：超过回复时限才回复，或已过时限仍未回复"
    )

    class Meta:
        model = Notice
        fields = ["color", "replied", "unit", "year", "reply_late"]

    def filter_reply_late(self, queryset: QuerySet[Notice], name: str, value: bool | None) -> QuerySet[Notice]:
        if value is None:
            return queryset
        return queryset.filter(reply_late_q()) if value else queryset.exclude(reply_late_q())
