"""One FilterSet for enterprises, shared by the list page, the API and exports."""

from __future__ import annotations

from typing import Any

import django_filters as filters
from django.db.models import Q, QuerySet

from zhaoluo.chains.models import Cluster
from zhaoluo.core import filtering
from zhaoluo.orgs import selectors as org_selectors

from .choices import Listing
from .models import Enterprise


def _townships(request: Any) -> QuerySet[Any]:
    return org_selectors.townships(user=getattr(request, "user", None))


class EnterpriseFilterSet(filters.FilterSet):
    q = filters.CharFilter(label="关键词", method="search", help_text="企业名称、信用代码或主要产品")
    township = filters.ModelChoiceFilter(label="镇街", queryset=_townships)
    cluster = filters.ModelChoiceFilter(label="产业集群", queryset=Cluster.objects.all())
    above_scale = filtering.BooleanFilter(label="规上企业")
    high_tech = filtering.BooleanFilter(label="高新技术企业")
    listing = filters.MultipleChoiceFilter(label="上市状态", choices=Listing.choices)
    ordering = filters.OrderingFilter(
        label="排序",
        fields=(("name", "name"), ("employees", "employees"), ("updated_at", "updated_at")),
        field_labels={"name": "企业名称", "employees": "从业人员", "updated_at": "更新时间"},
    )

    class Meta:
        model = Enterprise
        fields = ["q", "township", "cluster", "above_scale", "high_tech", "listing"]

    def search(self, queryset: QuerySet[Enterprise], name: str, value: str) -> QuerySet[Enterprise]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(uscc__icontains=value.upper()) | Q(products__icontains=value)
        )
