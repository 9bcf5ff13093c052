from __future__ import annotations

from django.contrib import admin

from zhaoluo.core.adminsite import SysadminModelAdmin, site

from .models import CadenceRule


@admin.register(CadenceRule, site=site)
class CadenceRuleAdmin(SysadminModelAdmin):
    list_display = ["name", "kind", "chair_by", "chair_post", "period", "offset_days", "start_time", "is_active"]
    list_filter = ["kind", "period", "is_active"]
