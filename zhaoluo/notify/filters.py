"""One filter for the inbox, used by the API (the page offers the same two choices)."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet

from zhaoluo.core import filtering

from .choices import Event
from .models import Notification


class NotificationFilterSet(django_filters.FilterSet):
    unread = filtering.BooleanFilter(method="filter_unread", label="只看未读")
    event = django_filters.ChoiceFilter(choices=Event.choices, label="类别")

    class Meta:
        model = Notification
        fields = ["event"]

    def filter_unread(self, queryset: QuerySet[Notification], name: str, value: bool | None) -> QuerySet[Notification]:
        if value is None:
            return queryset
        return queryset.filter(read_at__isnull=value)
