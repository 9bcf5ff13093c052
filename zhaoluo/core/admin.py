from __future__ import annotations

from django.contrib import admin

from .adminsite import ReadOnlyModelAdmin, SysadminModelAdmin, site
from .models import AuditEvent, CalendarDay


@admin.register(CalendarDay, site=site)
class CalendarDayAdmin(SysadminModelAdmin):
    list_display = ("day", "is_workday", "name")
    list_filter = ("is_workday",)
    date_hierarchy = "day"


@admin.register(AuditEvent, site=site)
class AuditEventAdmin(ReadOnlyModelAdmin):
    list_display = ("at", "actor_name", "action", "object_type", "object_repr", "source", "ip")
    list_filter = ("action", "source", "object_type")
    search_fields = ("actor_name", "object_repr", "action", "object_id")
    date_hierarchy = "at"
    list_select_related = ("actor",)
