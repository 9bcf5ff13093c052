"""The audit search's filters (审计查询), shared by the page and its Excel export."""

from __future__ import annotations

import django_filters as filters
from django.db.models import Q, QuerySet

from .models import AuditEvent, Outcome


class AuditEventFilterSet(filters.FilterSet):
    since = filters.DateFilter(label="起始日期", field_name="at", lookup_expr="date__gte")
    until = filters.DateFilter(label="截止日期", field_name="at", lookup_expr="date__lte")
    actor = filters.CharFilter(label="操作人", method="by_actor", help_text="姓名或登录名")
    action = filters.CharFilter(label="动作", field_name="action", lookup_expr="startswith")
    object_type = filters.CharFilter(label="对象类型", field_name="object_type")
    object_id = filters.CharFilter(label="对象编号", field_name="object_id")
    outcome = filters.ChoiceFilter(label="结果", choices=Outcome.choices)
    ip = filters.CharFilter(label="来源地址", field_name="ip")
    request_id = filters.CharFilter(label="请求编号", field_name="request_id")

    class Meta:
        model = AuditEvent
        fields = ["since", "until", "actor", "action", "object_type", "object_id", "outcome", "ip", "request_id"]

    def by_actor(self, queryset: QuerySet[AuditEvent], name: str, value: str) -> QuerySet[AuditEvent]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(actor_name__icontains=value) | Q(actor__username__iexact=value))
