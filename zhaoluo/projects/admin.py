from __future__ import annotations

from django.contrib import admin

from zhaoluo.core.adminsite import SysadminModelAdmin, SysadminTabularInline, site

from .models import (
    FundArrival,
    LightRule,
    Milestone,
    ProgressPhoto,
    ProgressReport,
    Project,
    StageTransition,
    TaskForceMember,
)


@admin.register(Project, site=site)
class ProjectAdmin(SysadminModelAdmin):
    list_display = ("name", "code", "stage", "light", "planned_investment", "township", "leader", "signed_on")
    list_filter = ("stage", "light", "is_key", "is_strategic", "cluster")
    search_fields = ("name", "code", "investor")
    list_select_related = ("township", "leader")
    autocomplete_fields = ("district", "township", "leader", "lead_unit", "enterprise")
    readonly_fields = ("light", "light_reasons", "light_at", "version")


@admin.register(StageTransition, site=site)
class StageTransitionAdmin(SysadminModelAdmin):
    list_display = ("project", "kind", "from_stage", "to_stage", "on", "by")
    list_filter = ("kind", "to_stage")
    search_fields = ("project__name",)
    list_select_related = ("project", "by")
    raw_id_fields = ("project", "by")


@admin.register(TaskForceMember, site=site)
class TaskForceMemberAdmin(SysadminModelAdmin):
    list_display = ("project", "official", "is_lead", "duty")
    search_fields = ("project__name", "official__name")
    list_select_related = ("project", "official")
    raw_id_fields = ("project", "official")


@admin.register(Milestone, site=site)
class MilestoneAdmin(SysadminModelAdmin):
    list_display = ("project", "name", "planned_on", "actual_on", "weight")
    search_fields = ("project__name", "name")
    list_select_related = ("project",)
    raw_id_fields = ("project",)


class ProgressPhotoInline(SysadminTabularInline):
    model = ProgressPhoto
    extra = 0


@admin.register(ProgressReport, site=site)
class ProgressReportAdmin(SysadminModelAdmin):
    list_display = ("project", "period", "completed_investment", "image_progress", "reported_by")
    search_fields = ("project__name",)
    list_select_related = ("project", "reported_by")
    raw_id_fields = ("project", "reported_by")
    inlines = [ProgressPhotoInline]


@admin.register(FundArrival, site=site)
class FundArrivalAdmin(SysadminModelAdmin):
    list_display = ("project", "period", "origin", "amount")
    list_filter = ("origin",)
    search_fields = ("project__name",)
    list_select_related = ("project",)
    raw_id_fields = ("project",)


@admin.register(LightRule, site=site)
class LightRuleAdmin(SysadminModelAdmin):
    """The ModelAdmin form runs full_clean, so LightRule.clean validates params in Chinese."""

    list_display = ("code", "name", "kind", "enabled", "only_key", "basis")
    list_filter = ("kind", "enabled")
