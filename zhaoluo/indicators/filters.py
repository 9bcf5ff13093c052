"""One FilterSet for indicator values: the list page, the API and the export."""

from __future__ import annotations

from typing import Any

import django_filters as filters
from django.db.models import QuerySet

from zhaoluo.core import filtering
from zhaoluo.orgs.models import Region

from .choices import PeriodKind
from .models import Indicator, IndicatorValue
from .selectors import visible_regions


def _regions(request: Any) -> QuerySet[Region]:
    return Region.objects.filter(pk__in=visible_regions(user=getattr(request, "user", None))).order_by("code")


class IndicatorValueFilterSet(filters.FilterSet):
    region = filters.ModelChoiceFilter(label="地区", queryset=_regions)
    indicator = filters.ModelChoiceFilter(label="指标", queryset=Indicator.objects.all())
    period_kind = filters.ChoiceFilter(label="期间类型", choices=PeriodKind.choices)
    year = filtering.YearFilter(label="年度", field_name="period", lookup_expr="year")

    class Meta:
        model = IndicatorValue
        fields = ["region", "indicator", "period_kind", "year"]
