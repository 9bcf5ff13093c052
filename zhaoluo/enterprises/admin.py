from __future__ import annotations

from django.contrib import admin

from zhaoluo.core.adminsite import SysadminModelAdmin, site

from .models import Enterprise


@admin.register(Enterprise, site=site)
class EnterpriseAdmin(SysadminModelAdmin):
    list_display = ("name", "uscc", "township", "cluster", "above_scale", "high_tech", "listing")
    list_filter = ("above_scale", "high_tech", "listing", "cluster")
    search_fields = ("name", "uscc", "products")
    list_select_related = ("township", "cluster")
    autocomplete_fields = ("district", "township")
