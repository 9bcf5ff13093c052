from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from zhaoluo.core.adminsite import SysadminModelAdmin, site

from .models import Official, Region, Unit, User


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
    list_display = ("name", "title", "rank", "unit", "body")
    list_filter = ("body",)
    search_fields = ("name", "title")
    list_select_related = ("unit",)
    autocomplete_fields = ("unit",)


@admin.register(User, site=site)
class UserAdmin(SysadminModelAdmin, BaseUserAdmin):
    list_display = ("username", "display_name", "role", "unit", "region", "is_active")
    list_filter = ("role", "is_active")
    search_fields = ("username", "first_name", "last_name", "official__name")
    list_select_related = ("official", "unit", "region")
    autocomplete_fields = ("official", "unit", "region")
    raw_id_fields = ("enterprise",)
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        ("角色与范围", {"fields": ("role", "official", "unit", "region", "enterprise")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        ("角色与范围", {"fields": ("role", "official", "unit", "region", "enterprise")}),
    )
