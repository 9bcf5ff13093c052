"""The Django admin, for the system administrator (系统管理员) alone.

Entry is by role, not by Django's is_staff/permission flags, so an account made by
`zhaoluo createuser --role sysadmin` gets in and nobody else does, whatever flags it has,
and only with a session verified by the second factor (TOTP). Logging in, out and changing
the password go through the platform's own pages (lockout, 2FA, audit): the admin has none.
Accounts and roles are not here: they are the 安全管理员's (三员分立, zhaoluo/accounts).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import resolve, reverse
from django.utils.http import urlencode

from . import audit, roles
from .audit import type_name
from .locking import claim_version


def is_sysadmin(user: Any) -> bool:
    """A system administrator (the accounts app answers `roles.ADMIN_SITE`) whose session passed the second factor."""
    is_verified = getattr(user, "is_verified", None)
    return bool(roles.allows(roles.ADMIN_SITE, user) and is_verified and is_verified())


class SysadminAdminSite(admin.AdminSite):
    site_header = "招落通 管理后台"
    site_title = "招落通 管理后台"
    index_title = "系统管理"

    def has_permission(self, request: HttpRequest) -> bool:
        return is_sysadmin(request.user)

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        target = request.GET.get("next") or reverse("admin:index")
        return HttpResponseRedirect(f"{reverse('login')}?{urlencode({'next': target})}")

    def password_change(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:  # type: ignore[override]
        return HttpResponseRedirect(reverse("accounts:password-change"))

    def logout(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:  # type: ignore[override]
        # The platform's own logout (named "logout"), which ends every session of the account.
        return resolve(reverse("logout")).func(request)


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
