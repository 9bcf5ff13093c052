from __future__ import annotations

from django.contrib import admin

from .adminsite import SysadminModelAdmin, site
from .models import CalendarDay

# The audit log is not in the admin: 三员分立 gives it to the audit administrator alone
# (the 审计查询 page), and no administrator may change it or its settings, which are
# code and environment (ZHAOLUO_AUDIT_*), not records.


@admin.register(CalendarDay, site=site)
class CalendarDayAdmin(SysadminModelAdmin):
    list_display = ("day", "is_workday", "name")
    list_filter = ("is_workday",)
    date_hierarchy = "day"
