"""Writes to the organisation: regions, units, officials and user accounts."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from zhaoluo.core import audit

from .choices import Body, RegionLevel, Role, UnitKind
from .models import Official, Region, Unit, User


@transaction.atomic
def region_create(*, by: User | None, code: str, name: str, level: str, parent: Region | None = None) -> Region:
    region = Region(code=code, name=name, level=level, parent=parent)
    region.full_clean()
    expected_parent = {
        RegionLevel.CITY: RegionLevel.PROVINCE,
        RegionLevel.DISTRICT: RegionLevel.CITY,
        RegionLevel.TOWNSHIP: RegionLevel.DISTRICT,
    }.get(RegionLevel(level))
    if expected_parent and (parent is None or parent.level != expected_parent):
        raise ValidationError({"parent": f"{RegionLevel(level).label}的上级应为{expected_parent.label}"})
    region.save()
    audit.record(actor=by, action="region.created", obj=region, after=audit.snapshot(region))
    return region


@transaction.atomic
def unit_create(*, by: User | None, name: str, region: Region, kind: str = UnitKind.DEPARTMENT) -> Unit:
    unit = Unit(name=name.strip(), region=region, kind=kind)
    unit.full_clean()
    unit.save()
    audit.record(actor=by, action="unit.created", obj=unit, after=audit.snapshot(unit))
    return unit


@transaction.atomic
def official_create(
    *, by: User | None, name: str, title: str = "", rank: str = "", unit: Unit | None = None, body: str = ""
) -> Official:
    if body and body not in Body.values:
        raise ValidationError({"body": f"未知的四大家：{body}"})
    official = Official(name=name.strip(), title=title, rank=rank, unit=unit, body=body)
    official.full_clean()
    official.save()
    audit.record(actor=by, action="official.created", obj=official, after=audit.snapshot(official))
    return official


# Names every attacker tries first (等保 "不存在默认账户").
DEFAULT_ACCOUNT_NAMES = frozenset({"admin", "administrator", "root", "sa", "test", "guest", "system", "sysadmin"})


def username_errors(username: str, *, exclude_pk: int | None = None) -> str | None:
    """Why a login name cannot be used, or None: names are unique whatever their case."""
    if not username:
        return "用户名不能为空"
    if username.lower() in DEFAULT_ACCOUNT_NAMES:
        return f"不能使用默认账号名 {username}，请使用与本人对应的用户名"
    if any(ch.isspace() for ch in username):
        return "用户名不能包含空格"
    taken = User.objects.filter(username__iexact=username)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        return f"用户名 {username} 已被使用（不区分大小写）"
    return None


@transaction.atomic
def user_create(
    *,
    by: User | None,
    username: str,
    password: str,
    role: str,
    region: Region | None = None,
    unit: Unit | None = None,
    official: Official | None = None,
    enterprise_id: int | None = None,
    check_password: bool = True,
) -> User:
    if role not in Role.values:
        raise ValidationError({"role": f"未知的角色：{role}"})
    username = username.strip()
    problem = username_errors(username)
    if problem:
        raise ValidationError({"username": problem})
    if not password:
        raise ValidationError({"password": "密码不能为空"})
    # No Django superuser or staff flags: the admin is entered by role (core/adminsite.py), and a
    # superuser would hold every permission at once, against 三员分立.
    user = User(
        username=username,
        role=role,
        region=region,
        unit=unit,
        official=official,
        enterprise_id=enterprise_id,
    )
    if check_password:
        validate_password(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    audit.record(
        actor=by,
        action="user.created",
        obj=user,
        after=audit.snapshot(user, ["username", "role", "region", "unit", "official"]),
    )
    return user
