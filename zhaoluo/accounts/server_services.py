"""三员 accounts, handled on the server only (`zhaoluo adminaccount`; creation: `zhaoluo createuser`).

No web page may reset, re-role or re-enrol an account of the three admin roles (services.py
ADMIN_ON_SERVER): the operator with a shell on the server does, and every act is audited
with source "cli" and no web actor. docs/accounts.md says why this and not a two-person rule.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhaoluo.core import audit
from zhaoluo.orgs.choices import ADMIN_ROLES, Role
from zhaoluo.orgs.models import User

from .services import _check_person, _mark_password_set, end_sessions, temporary_password

ON_SERVER = "（服务器命令办理）"


def _admin_only(user: User, role: str | None = None) -> None:
    # The command is for the three admin roles; a business account goes through the 安全管理员's page,
    # so the command cannot become a way round the 安全管理员's district scope and audit trail.
    if user.role not in ADMIN_ROLES and (role is None or role not in ADMIN_ROLES):
        raise ValidationError({"username": f"{user.username} 不是三员账号，请由安全管理员在账号管理页面办理"})


@transaction.atomic
def admin_password_reset(*, user: User) -> str:
    """A temporary password for a 三员 account, to be changed at its next login; its sessions end."""
    _admin_only(user)
    password = temporary_password()
    user.set_password(password)
    user.save(update_fields=["password"])
    _mark_password_set(user, must_change=True)
    ended = end_sessions(user=user)
    audit.record(actor=None, action="account.password_reset", obj=user, note=f"{ON_SERVER}已结束会话 {ended} 个")
    return password


@transaction.atomic
def admin_otp_reset(*, user: User) -> int:
    """Remove a 三员 account's 2FA devices (a lost phone); it enrols again at the next login."""
    _admin_only(user)
    removed: int = TOTPDevice.objects.filter(user=user).delete()[0]
    end_sessions(user=user)
    audit.record(actor=None, action="otp.devices_removed", obj=user, note=f"{ON_SERVER}移除动态验证码设备 {removed} 个")
    return removed


@transaction.atomic
def admin_role_change(*, user: User, role: str) -> User:
    """Give an account a 三员 role or take one away; the admin roles go to named people only."""
    if role not in Role.values:
        raise ValidationError({"role": f"未知的角色：{role}"})
    _admin_only(user, role)
    if role == user.role:
        return user
    _check_person(role=role, official=user.official, user=user)
    before = user.role
    user.role = role
    user.save(update_fields=["role"])
    end_sessions(user=user)
    audit.record(
        actor=None,
        action="account.role_changed",
        obj=user,
        before={"role": before},
        after={"role": role},
        note=ON_SERVER,
    )
    return user
