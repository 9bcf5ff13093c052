"""Only the light rules are administered here: projects and their records are written
through the services (pages, API, imports), never edited raw in the admin."""

from __future__ import annotations

from django.contrib import admin

from zhaoluo.core.adminsite import SysadminModelAdmin, site

from .models import LightRule


@admin.register(LightRule, site=site)
class LightRuleAdmin(SysadminModelAdmin):
    """The ModelAdmin form runs full_clean, so LightRule.clean validates params in Chinese."""

    list_display = ("code", "name", "kind", "enabled", "only_key", "basis")
    list_filter = ("kind", "enabled")
