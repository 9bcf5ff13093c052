"""Reads of login security state: lockout, password age, the second factor, the account list."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhaoluo.orgs.models import Official, User

from .models import AccountSecurity, ApiToken, LoginFailure
from .permissions import ACCOUNTS_MANAGE, can


class Step(Enum):
    """What a logged-in user must do before using the platform, in the order it is asked."""

    OTP_VERIFY = "otp_required"
    PASSWORD_CHANGE = "password_change_required"
    PASSWORD_EXPIRED = "password_expired"
    OTP_ENROL = "otp_enrolment_required"


STEP_MESSAGES = {
    Step.OTP_VERIFY: "请先输入动态验证码完成双因素认证",
    Step.PASSWORD_CHANGE: "管理员设置的密码须先修改后才能使用",
    Step.PASSWORD_EXPIRED: "密码已过期，请先修改密码",
    Step.OTP_ENROL: "您的角色须绑定动态验证码（双因素认证）后才能使用",
}


def user_by_login_name(name: str) -> User | None:
    """The account a typed name means: case and surrounding spaces do not matter."""
    name = name.strip()
    if not name:
        return None
    return User.objects.filter(username__iexact=name).first()


def security_of(user: User) -> AccountSecurity | None:
    return AccountSecurity.objects.filter(user=user).first()


def is_locked(user: User, now: dt.datetime | None = None) -> bool:
    security = security_of(user)
    now = now or timezone.now()
    return bool(security and security.locked_until and security.locked_until > now)


def ip_failures_last_hour(ip: str, now: dt.datetime | None = None) -> int:
    since = (now or timezone.now()) - dt.timedelta(hours=1)
    return LoginFailure.objects.filter(ip=ip, at__gt=since).count()


def ip_is_throttled(ip: str | None, now: dt.datetime | None = None) -> bool:
    if not ip:
        return False
    limit: int = settings.ZHAOLUO_LOGIN_MAX_FAILURES_PER_IP_HOUR
    return ip_failures_last_hour(ip, now) >= limit


def password_set_at(user: User, security: AccountSecurity | None) -> dt.datetime:
    """When the password was last set; an account from before this app counts from its creation."""
    if security is not None and security.password_changed_at is not None:
        return security.password_changed_at
    return user.date_joined


def password_expires_at(user: User, security: AccountSecurity | None) -> dt.datetime | None:
    days = settings.ZHAOLUO_PASSWORD_MAX_AGE_DAYS
    if days <= 0:
        return None
    return password_set_at(user, security) + dt.timedelta(days=days)


def otp_required(user: User) -> bool:
    return user.role in settings.ZHAOLUO_OTP_REQUIRED_ROLES


def confirmed_devices(user: User) -> QuerySet[TOTPDevice]:
    devices: QuerySet[TOTPDevice] = TOTPDevice.objects.filter(user=user, confirmed=True)
    return devices


def pending_step(user: User, *, verified: bool, now: dt.datetime | None = None) -> Step | None:
    """The first thing this session must do, or None when it may use the platform.

    A second factor the user has is asked before anything else, so that a stolen password
    alone can neither change the password nor enrol a device of the thief's.
    """
    now = now or timezone.now()
    has_device = confirmed_devices(user).exists()
    if has_device and not verified:
        return Step.OTP_VERIFY
    security = security_of(user)
    if security is not None and security.must_change_password:
        return Step.PASSWORD_CHANGE
    expires = password_expires_at(user, security)
    if expires is not None and now >= expires:
        return Step.PASSWORD_EXPIRED
    if otp_required(user) and not has_device:
        return Step.OTP_ENROL
    return None


def managed_district_id(user: Any) -> int | None:
    if not can(user, ACCOUNTS_MANAGE) or user.region is None:
        return None
    district = user.region.district()
    return district.pk if district is not None else None


def manageable_accounts(*, user: Any) -> QuerySet[User]:
    """The accounts a 安全管理员 manages: those of their district, its townships' included."""
    district_id = managed_district_id(user)
    if district_id is None:
        return User.objects.none()
    in_district = Q(region_id=district_id) | Q(region__parent_id=district_id)
    return User.objects.filter(in_district).select_related("official", "unit", "region").order_by("username")


def security_rows(user_ids: list[int]) -> QuerySet[AccountSecurity]:
    return AccountSecurity.objects.filter(user_id__in=user_ids)


def users_with_devices(user_ids: list[int]) -> set[int]:
    return set(TOTPDevice.objects.filter(user_id__in=user_ids, confirmed=True).values_list("user_id", flat=True))


def officials_without_login(*, user: Any, search: str = "") -> QuerySet[Official]:
    """The officials of the 安全管理员's district (its townships' units and the leaders without a
    unit included) who have no account yet: the roster the bulk page hands logins to."""
    district_id = managed_district_id(user)
    if district_id is None:
        return Official.objects.none()
    # Official.district names the district of leaders without a unit too (orgs), so another
    # district's 四大家 are not offered.
    officials = Official.objects.filter(district_id=district_id, user__isnull=True).select_related(
        "unit", "unit__region"
    )
    search = search.strip()
    if search:
        officials = officials.filter(Q(name__icontains=search) | Q(unit__name__icontains=search))
    return officials.order_by("unit__name", "name", "pk")


def tokens_of(user: User) -> list[ApiToken]:
    """The user's own API tokens (only the hashes are stored: the keys were shown once)."""
    return list(ApiToken.objects.filter(user=user))
