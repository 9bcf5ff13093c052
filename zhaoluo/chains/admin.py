from __future__ import annotations

from django.contrib import admin

from zhaoluo.core.adminsite import SysadminModelAdmin, SysadminTabularInline, site

from .models import Chain, ChainLink, Cluster


@admin.register(Cluster, site=site)
class ClusterAdmin(SysadminModelAdmin):
    list_display = ("name", "is_leading")
    search_fields = ("name",)


class ChainLinkInline(SysadminTabularInline):
    model = ChainLink
    extra = 1


@admin.register(Chain, site=site)
class ChainAdmin(SysadminModelAdmin):
    list_display = ("name", "cluster")
    search_fields = ("name",)
    list_select_related = ("cluster",)
    inlines = [ChainLinkInline]


@admin.register(ChainLink, site=site)
class ChainLinkAdmin(SysadminModelAdmin):
    list_display = ("name", "chain")
    search_fields = ("name", "chain__name")
    list_select_related = ("chain",)
