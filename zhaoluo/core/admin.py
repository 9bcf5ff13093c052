from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .adminsite import SysadminModelAdmin, site
from .models import CalendarDay, TickStep

# The audit log is not in the admin: 三员分立 gives it to the audit administrator alone
# (the 审计查询 page), and no administrator may change it or its settings, which are
# code and environment (ZHAOLUO_AUDIT_*), not records.


@admin.register(CalendarDay, site=site)
class CalendarDayAdmin(SysadminModelAdmin):
    list_display = ("day", "is_workday", "name")
    list_filter = ("is_workday",)
    date_hierarchy = "day"


@admin.register(TickStep, site=site)
class TickStepAdmin(SysadminModelAdmin):
    """The tick's steps as they last ran: read-only, the tick alone writes them."""

    list_display = ("label", "name", "last_started_at", "last_duration_ms", "counts", "last_error", "runs", "failures")
    readonly_fields = [f.name for f in TickStep._meta.fields]
    ordering = ("position", "name")

    @admin.display(description="步骤说明")
    def label(self, obj: TickStep) -> str:
        from .scheduled import step_label

        return step_label(obj.name)

    @admin.display(description="最近结果")
    def counts(self, obj: TickStep) -> str:
        return "，".join(f"{key} {value}" for key, value in (obj.last_counts or {}).items()) or "—"

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
