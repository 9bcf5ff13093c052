from __future__ import annotations

from django.contrib import admin

from zhaoluo.core.adminsite import SysadminModelAdmin, site

from .models import Official, Region, Unit


@admin.register(Region, site=site)
class RegionAdmin(SysadminModelAdmin):
    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name")
    list_select_related = ("parent",)
    autocomplete_fields = ("parent",)


@admin.register(Unit, site=site)
class UnitAdmin(SysadminModelAdmin):
    list_display = ("name", "kind", "region")
    list_filter = ("kind",)
    search_fields = ("name",)
    list_select_related = ("region",)
    autocomplete_fields = ("region",)


@admin.register(Official, site=site)
class OfficialAdmin(SysadminModelAdmin):
    list_display = ("name", "title", "rank", "unit", "body", "district")
    list_filter = ("body", "district")
    search_fields = ("name", "title")
    list_select_related = ("unit", "district")
    autocomplete_fields = ("unit", "district")


# Users and roles are not edited here: the 安全管理员 manages them on their own page
# (zhaoluo/accounts, 三员分立), where every change goes through a service and the audit log.
