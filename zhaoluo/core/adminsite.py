"""The Django admin, for the system administrator (系统管理员) alone.

Entry is by role, not by Django's is_staff/permission flags, so an account made by
`zhaoluo createuser --role sysadmin` gets in and nobody else does, whatever flags it has.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.http import HttpRequest

from zhaoluo.orgs.choices import Role

from . import audit
from .audit import type_name
from .locking import claim_version


def is_sysadmin(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.role == Role.SYSADMIN)


class SysadminAuthenticationForm(AdminAuthenticationForm):
    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "invalid_login": "请输入系统管理员的用户名和密码（区分大小写）。",
    }

    def confirm_login_allowed(self, user: Any) -> None:
        if not is_sysadmin(user):
            raise forms.ValidationError("只有系统管理员可以进入管理后台", code="invalid_login")


class SysadminAdminSite(admin.AdminSite):
    site_header = "招落通 管理后台"
    site_title = "招落通 管理后台"
    index_title = "系统管理"
    login_form = SysadminAuthenticationForm

    def has_permission(self, request: HttpRequest) -> bool:
        return is_sysadmin(request.user)


site = SysadminAdminSite(name="admin")


class SysadminPermissions:
    """Full rights for the system administrator; none for anyone else."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_sysadmin(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_sysadmin(request.user)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return is_sysadmin(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_sysadmin(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_sysadmin(request.user)


class SysadminModelAdmin(SysadminPermissions, admin.ModelAdmin):
    """Configuration and organisation records only: business records are not in the admin.

    Every save and delete here writes an audit row in the admin's own transaction and
    moves the record's version, as a service would, so the audit log and optimistic
    locking see admin edits too.
    """

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        before = audit.snapshot(type(obj)._default_manager.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)
        if hasattr(obj, "version"):
            claim_version(obj, None, {})
        after = audit.snapshot(obj)
        if change and before is not None:
            before, after = audit.diff(before, after)
            if not after:
                return
        action = f"admin.{type_name(obj)}.{'updated' if change else 'created'}"
        audit.record(actor=request.user, action=action, obj=obj, before=before, after=after)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        audit.record(actor=request.user, action=f"admin.{type_name(obj)}.deleted", obj=obj, before=audit.snapshot(obj))
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


class SysadminTabularInline(SysadminPermissions, admin.TabularInline):
    pass


class ReadOnlyModelAdmin(SysadminModelAdmin):
    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
