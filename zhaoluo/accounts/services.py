"""Writes of login security: failures and lockout, password changes, 2FA devices, and the
安全管理员's account management. Every write leaves an audit row in its own transaction."""

from __future__ import annotations

import datetime as dt
import secrets
import time
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.hashers import check_password
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from zhaoluo.core import audit
from zhaoluo.core.errors import PermissionDeniedError
from zhaoluo.core.models import Outcome
from zhaoluo.orgs.choices import ADMIN_ROLES, Role
from zhaoluo.orgs.models import Official, Region, Unit, User
from zhaoluo.orgs.services import user_create

from . import selectors
from .models import AccountSecurity, LoginFailure, PasswordHistory
from .permissions import ACCOUNTS_MANAGE, can
from .token_services import api_tokens_end

# Failure reasons; the person at the login page is told none of them (see docs/accounts.md).
UNKNOWN_USER = "unknown_user"
BAD_PASSWORD = "bad_password"
LOCKED = "locked"
INACTIVE = "inactive"
IP_THROTTLED = "ip_throttled"


def safe_login_name(name: str) -> str:
    """A typed login name fit for the log: control characters (CR/LF forging log lines) replaced."""
    return "".join(ch if ch.isprintable() else "\ufffd" for ch in name)[:150]


def _security_for_update(user: User) -> AccountSecurity:
    AccountSecurity.objects.get_or_create(user=user)
    return AccountSecurity.objects.select_for_update().get(user=user)


@transaction.atomic
def login_failed(*, username: str, user: User | None, ip: str | None, reason: str) -> bool:
    """Record a failed password login; True when this failure locked the account."""
    now = timezone.now()
    failure = LoginFailure.objects.create(at=now, username=safe_login_name(username), user=user, ip=ip, reason=reason)
    audit.record(
        actor=None,
        action="login.failed",
        obj=failure,
        parent=user,
        after={"username": failure.username, "reason": reason},
        note=f"登录失败：{failure.username}",
        outcome=Outcome.FAILURE,
    )
    if user is None or reason != BAD_PASSWORD:
        return False
    security = _security_for_update(user)
    if security.locked_until is not None and security.locked_until <= now:
        # The cool-off is over: counting starts again.
        security.failed_logins, security.locked_until = 0, None
    security.failed_logins += 1
    locked: bool = security.failed_logins >= settings.ZHAOLUO_LOGIN_MAX_FAILURES
    until = now + dt.timedelta(minutes=settings.ZHAOLUO_LOGIN_LOCKOUT_MINUTES)
    if locked:
        security.locked_until = until
    security.save()
    if locked:
        audit.record(
            actor=None,
            action="account.locked",
            obj=user,
            after={"locked_until": until.isoformat(), "failed_logins": security.failed_logins},
            note=f"连续 {security.failed_logins} 次密码错误，临时锁定 {settings.ZHAOLUO_LOGIN_LOCKOUT_MINUTES} 分钟",
            # The lock refuses the account's logins: a denial, not a success of anyone's.
            outcome=Outcome.DENIED,
        )
    return locked


@transaction.atomic
def login_succeeded(*, user: User) -> None:
    security = _security_for_update(user)
    if security.failed_logins or security.locked_until:
        security.failed_logins, security.locked_until = 0, None
        security.save(update_fields=["failed_logins", "locked_until"])
    audit.record(actor=user, action="login.succeeded", obj=user)


def end_sessions(*, user: User, keep: str | None = None, api_token: bool = True) -> int:
    """Delete the user's server-side sessions (all but `keep`), and their API tokens unless told
    not to; the count of sessions deleted.

    Sessions are looked up by decoding each one: with a 30-minute idle limit the table holds
    only a district's worth of live sessions, and this needs no bookkeeping of its own.
    """
    if api_token:
        api_tokens_end(user=user)
    store = import_module(settings.SESSION_ENGINE).SessionStore
    ended = 0
    for session in Session.objects.all().iterator():
        if session.session_key == keep:
            continue
        if session.get_decoded().get(SESSION_KEY) == str(user.pk):
            store(session.session_key).delete()
            ended += 1
    return ended


@transaction.atomic
def logged_out(*, user: User) -> int:
    """Logout ends every session of the account, on every computer, not only this one, and
    every API token: a token must not outlive the login that stands behind it."""
    tokens = api_tokens_end(user=user)
    ended = end_sessions(user=user, api_token=False)
    audit.record(actor=user, action="logout", obj=user, note=f"结束会话 {ended} 个，撤销接口令牌 {tokens} 个")
    return ended


def _mark_password_set(user: User, *, must_change: bool) -> AccountSecurity:
    security = _security_for_update(user)
    security.password_changed_at = timezone.now()
    security.must_change_password = must_change
    security.failed_logins, security.locked_until = 0, None
    security.save()
    return security


@transaction.atomic
def password_change(*, user: User, new_password: str, keep_session: str | None = None) -> None:
    """The user's own change (the old password was checked by the form). Other sessions end."""
    if user.check_password(new_password):
        raise ValidationError({"new_password1": "新密码不能与当前密码相同"})
    if _used_before(user, new_password):
        raise ValidationError(
            {"new_password1": f"新密码不能与最近 {settings.ZHAOLUO_PASSWORD_HISTORY} 次用过的密码相同"}
        )
    validate_password(new_password, user)
    _remember_password(user)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    _mark_password_set(user, must_change=False)
    ended = end_sessions(user=user, keep=keep_session)
    audit.record(actor=user, action="password.changed", obj=user, note=f"其他会话已结束：{ended} 个")


def _used_before(user: User, raw: str) -> bool:
    keep: int = settings.ZHAOLUO_PASSWORD_HISTORY
    hashes = PasswordHistory.objects.filter(user=user).values_list("password", flat=True)[:keep]
    return any(check_password(raw, encoded) for encoded in hashes)


def _remember_password(user: User) -> None:
    """Keep the password being replaced; only the newest ZHAOLUO_PASSWORD_HISTORY stay."""
    keep: int = settings.ZHAOLUO_PASSWORD_HISTORY
    security = selectors.security_of(user)
    if keep <= 0 or not user.has_usable_password() or (security is not None and security.must_change_password):
        # A temporary password from the 安全管理员 was never the user's: it takes no place in the history.
        return
    PasswordHistory.objects.create(user=user, password=user.password, set_at=timezone.now())
    stale = PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)[keep:]
    PasswordHistory.objects.filter(pk__in=list(stale)).delete()


def temporary_password() -> str:
    """An initial or reset password: four groups of four, every character class, handed over once."""
    upper, lower, digits = "ABCDEFGHJKLMNPQRSTUVWXYZ", "abcdefghijkmnpqrstuvwxyz", "23456789"
    alphabet = upper + lower + digits
    while True:
        groups = [
            secrets.choice(upper) + secrets.choice(lower) + secrets.choice(digits) + secrets.choice(alphabet)
            for _ in range(4)
        ]
        candidate = "-".join(groups)
        try:
            validate_password(candidate)
        except ValidationError:  # pragma: no cover - a random word that hits a blocklist; draw again
            continue
        return candidate


# --- 安全管理员: account management --------------------------------------------------------


def _require_manager(by: User, target: User | None = None) -> None:
    if not can(by, ACCOUNTS_MANAGE):
        raise PermissionDeniedError("只有安全管理员可以管理账号")
    if target is not None:
        if target.pk == by.pk:
            raise PermissionDeniedError("不能对自己的账号进行此操作")
        if not selectors.manageable_accounts(user=by).filter(pk=target.pk).exists():
            raise PermissionDeniedError("该账号不在您的管理范围内")


# 三员 accounts are handled on the server only (docs/accounts.md): whoever holds the 安全管理员's
# page could otherwise make themselves an 审计管理员, or reset the 系统管理员's password and 2FA
# and sign in as them, and hold two of the three hats.
ADMIN_ON_SERVER = (
    "系统管理员、安全管理员、审计管理员（三员）账号不能在网页上新建、改角色、重置密码或解绑验证码，"
    "须由运维人员在服务器上用 zhaoluo adminaccount 命令办理（记入审计日志）"
)


def _refuse_admin_role(role: str) -> None:
    if role in ADMIN_ROLES:
        raise ValidationError({"role": ADMIN_ON_SERVER})


def _refuse_admin_target(user: User) -> None:
    if user.role in ADMIN_ROLES:
        raise PermissionDeniedError(ADMIN_ON_SERVER)


def _check_person(*, role: str, official: Official | None, user: User | None = None) -> None:
    """One person, one account, one role: a named person may hold only one account, and the three
    admin roles go to named people so that no one can quietly hold two of them."""
    if official is not None:
        others = User.objects.filter(official=official)
        other = (others.exclude(pk=user.pk) if user is not None else others).first()
        if other is not None:
            raise ValidationError(
                {"official": f"{official.name}已有账号 {other.username}，一人只能有一个账号和一个角色"}
            )
    if role in ADMIN_ROLES and official is None:
        raise ValidationError({"official": "系统管理员、安全管理员、审计管理员须对应具体干部（三员由不同人员担任）"})


@transaction.atomic
def account_create(
    *,
    by: User,
    username: str,
    role: str,
    region: Region,
    unit: Unit | None = None,
    official: Official | None = None,
    enterprise_id: int | None = None,
) -> tuple[User, str]:
    """A new account with a temporary password, to be changed at the first login."""
    _require_manager(by)
    _refuse_admin_role(role)
    if region.pk != selectors.managed_district_id(by) and region.parent_id != selectors.managed_district_id(by):
        raise ValidationError({"region": "只能在本区及其镇街内创建账号"})
    _check_person(role=role, official=official)
    password = temporary_password()
    user = user_create(
        by=by,
        username=username,
        password=password,
        role=role,
        region=region,
        unit=unit,
        official=official,
        enterprise_id=enterprise_id,
    )
    _mark_password_set(user, must_change=True)
    return user, password


@transaction.atomic
def account_reset_password(*, by: User, user: User) -> str:
    """A new temporary password; the user must change it at the next login, and is logged out now."""
    _require_manager(by, user)
    _refuse_admin_target(user)
    password = temporary_password()
    user.set_password(password)
    user.save(update_fields=["password"])
    _mark_password_set(user, must_change=True)
    ended = end_sessions(user=user)
    audit.record(actor=by, action="account.password_reset", obj=user, note=f"已结束会话 {ended} 个")
    return password


@transaction.atomic
def account_set_active(*, by: User, user: User, active: bool) -> User:
    _require_manager(by, user)
    if user.is_active == active:
        return user
    user.is_active = active
    user.save(update_fields=["is_active"])
    ended = 0 if active else end_sessions(user=user)
    audit.record(
        actor=by,
        action="account.enabled" if active else "account.disabled",
        obj=user,
        before={"is_active": not active},
        after={"is_active": active},
        note="" if active else f"已结束会话 {ended} 个",
    )
    return user


@transaction.atomic
def account_change_role(*, by: User, user: User, role: str) -> User:
    """A new role takes effect at once: the user's sessions end, so any 2FA the role needs is asked."""
    _require_manager(by, user)
    _refuse_admin_target(user)
    if role not in Role.values:
        raise ValidationError({"role": f"未知的角色：{role}"})
    _refuse_admin_role(role)
    if role == user.role:
        return user
    _check_person(role=role, official=user.official, user=user)
    before = user.role
    user.role = role
    user.save(update_fields=["role"])
    end_sessions(user=user)
    audit.record(actor=by, action="account.role_changed", obj=user, before={"role": before}, after={"role": role})
    return user


@transaction.atomic
def account_unlock(*, by: User, user: User) -> None:
    _require_manager(by, user)
    security = _security_for_update(user)
    locked_until = security.locked_until.isoformat() if security.locked_until else None
    before = {"failed_logins": security.failed_logins, "locked_until": locked_until}
    security.failed_logins, security.locked_until = 0, None
    security.save(update_fields=["failed_logins", "locked_until"])
    audit.record(actor=by, action="account.unlocked", obj=user, before=before)


@transaction.atomic
def account_otp_reset(*, by: User, user: User) -> int:
    """Remove a user's 2FA devices (a lost phone); they enrol again at the next login."""
    _require_manager(by, user)
    _refuse_admin_target(user)
    removed: int = TOTPDevice.objects.filter(user=user).delete()[0]
    end_sessions(user=user)
    audit.record(actor=by, action="otp.devices_removed", obj=user, note=f"移除动态验证码设备 {removed} 个")
    return removed


# --- Second factor: the user's own device ---------------------------------------------------


def otp_pending_device(*, user: User, key: str) -> TOTPDevice:
    """The authenticator being enrolled, unsaved: its secret waits in the user's session until the
    first code confirms it, so showing the enrolment page or its QR code writes nothing."""
    return TOTPDevice(user=user, name="动态验证码", key=key, step=30, confirmed=False)


def otp_new_key() -> str:
    return str(random_hex(20))


@transaction.atomic
def otp_device_confirm(*, user: User, key: str, token: str) -> TOTPDevice | None:
    """Save the authenticator once the first code it shows matches; None when the code is wrong."""
    if selectors.confirmed_devices(user).exists():
        raise PermissionDeniedError("已绑定动态验证码")
    device = otp_pending_device(user=user, key=key)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    try:
        code = int(token.strip())
    except ValueError:
        return None
    if not totp.verify(code, tolerance=device.tolerance):
        return None
    device.confirmed = True
    device.last_t = totp.t()  # this code is used: the same one cannot log in next
    device.save()
    audit.record(actor=user, action="otp.enrolled", obj=user, note=f"绑定动态验证码设备 #{device.pk}")
    return device


@transaction.atomic
def otp_verify(*, user: User, token: str) -> TOTPDevice | None:
    """The device that accepts this code, or None. A code is accepted once: django-otp keeps the
    last accepted time step and takes only later ones; repeated failures slow the device down."""
    for device in selectors.confirmed_devices(user):
        if device.verify_token(token.strip()):
            audit.record(actor=user, action="otp.verified", obj=user)
            return device
    audit.record(actor=user, action="otp.failed", obj=user, note="动态验证码错误或已使用", outcome=Outcome.FAILURE)
    return None


@transaction.atomic
def otp_device_remove(*, user: User, device: TOTPDevice, keep_session: str | None = None) -> None:
    if device.user_id != user.pk:
        raise PermissionDeniedError("该设备不属于您")
    device_id = device.pk
    device.delete()
    end_sessions(user=user, keep=keep_session)
    audit.record(actor=user, action="otp.removed", obj=user, note=f"解绑动态验证码设备 #{device_id}")


# --- Scheduled ------------------------------------------------------------------------------


@transaction.atomic
def dormant_accounts_disable(*, now: dt.datetime | None = None) -> int:
    """Disable active accounts unused for ZHAOLUO_DORMANT_DAYS and end their sessions."""
    days = settings.ZHAOLUO_DORMANT_DAYS
    if days <= 0:
        return 0
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    idle = Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff)
    disabled = 0
    for user in User.objects.filter(idle, is_active=True).order_by("pk"):
        user.is_active = False
        user.save(update_fields=["is_active"])
        ended = end_sessions(user=user)
        last = user.last_login or user.date_joined
        audit.record(
            actor=None,
            action="account.dormant_disabled",
            obj=user,
            before={"is_active": True},
            after={"is_active": False},
            note=f"超过 {days} 天未登录（最后登录 {timezone.localtime(last):%Y-%m-%d}），已停用；结束会话 {ended} 个",
        )
        disabled += 1
    return disabled


@transaction.atomic
def login_failures_purge(*, now: dt.datetime | None = None) -> int:
    """Failures older than a day serve no throttle; the audit log keeps the record."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=1)
    deleted, _ = LoginFailure.objects.filter(at__lt=cutoff).delete()
    return deleted
