"""Writes to the organisation: regions, units, officials and user accounts."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

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
    """A unit of the district (or of one of its townships); its name is the district's own."""
    unit = Unit(name=name.strip(), region=region, kind=kind)
    unit.full_clean()
    district = region.district()
    if district is not None and (
        Unit.objects.filter(name=unit.name).filter(Q(region=district) | Q(region__parent=district)).exists()
    ):
        raise ValidationError({"name": f"{district.name}已有单位“{unit.name}”"})
    unit.save()
    audit.record(actor=by, action="unit.created", obj=unit, after=audit.snapshot(unit))
    return unit


OFFICIAL_AUDITED = ["name", "title", "rank", "unit", "body", "district", "mobile"]


def _check_official_district(unit: Unit | None, district: Region | None) -> Region:
    of_unit = unit.region.district() if unit is not None else None
    if unit is not None and of_unit is None:
        raise ValidationError({"unit": f"单位“{unit}”不属于任何区县"})
    if of_unit is not None and district is not None and of_unit.pk != district.pk:
        raise ValidationError({"unit": f"单位“{unit}”不是{district.name}的单位"})
    found = of_unit or district
    if found is None:
        raise ValidationError({"district": "没有所在单位的干部须指定所属区县"})
    if found.level != RegionLevel.DISTRICT:
        raise ValidationError({"district": f"“{found.name}”不是区县"})
    return found


@transaction.atomic
def official_create(
    *,
    by: User | None,
    name: str,
    title: str = "",
    rank: str = "",
    unit: Unit | None = None,
    body: str = "",
    district: Region | None = None,
    mobile: str = "",
) -> Official:
    """A cadre of a unit, or a leader of the district without one (then `district` is needed)."""
    if body and body not in Body.values:
        raise ValidationError({"body": f"未知的四大家：{body}"})
    home = _check_official_district(unit, district)
    official = Official(name=name.strip(), title=title, rank=rank, unit=unit, body=body, district=home, mobile=mobile)
    official.full_clean()
    official.save()
    audit.record(actor=by, action="official.created", obj=official, after=audit.snapshot(official))
    return official


@transaction.atomic
def official_update(
    *,
    by: User | None,
    official: Official,
    title: str,
    rank: str,
    unit: Unit | None,
    body: str,
    mobile: str | None = None,
) -> bool:
    """The roster's columns of one official (`mobile` None keeps it); True when anything changed."""
    if body and body not in Body.values:
        raise ValidationError({"body": f"未知的四大家：{body}"})
    district = official.district
    home = _check_official_district(unit, district)
    before = audit.snapshot(official, OFFICIAL_AUDITED)
    official.title, official.rank, official.unit, official.body, official.district = title, rank, unit, body, home
    if mobile is not None:
        official.mobile = mobile
    official.full_clean()
    old, new = audit.diff(before, audit.snapshot(official, OFFICIAL_AUDITED))
    if not new:
        return False
    official.version += 1
    official.save()
    audit.record(actor=by, action="official.updated", obj=official, before=old, after=new)
    return True


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


@dataclass(frozen=True)
class Setup:
    district: Region
    created: list[Region]  # province → city → district, whichever were not there yet
    is_home: bool  # the platform's own district (the ledger commands' default)


@transaction.atomic
def district_setup(*, by: User | None, code: str) -> Setup:
    """`zhaoluo setup --district CODE`: the province → city → district chain with their official
    names from the division table. The first district set up becomes the platform's own; running
    it again changes nothing."""
    from . import divisions

    try:
        chain = divisions.chain(code)
    except divisions.UnknownDivision as exc:
        raise ValidationError({"district": str(exc)}) from exc
    created: list[Region] = []
    parent: Region | None = None
    for (node_code, name), level in (
        (chain.province, RegionLevel.PROVINCE),
        (chain.city, RegionLevel.CITY),
        (chain.district, RegionLevel.DISTRICT),
    ):
        found = Region.objects.filter(code=node_code).first()
        if found is None:
            found = region_create(by=by, code=node_code, name=name, level=level, parent=parent)
            created.append(found)
        elif found.level != level or found.parent_id != (parent.pk if parent else None):
            raise ValidationError(
                {"district": f"已有地区代码 {node_code}（{found.name}），但级别或上级与代码表不符，请在系统管理中核对"}
            )
        parent = found
    assert parent is not None
    district = parent
    if not Region.objects.filter(is_home=True).exists():
        Region.objects.filter(pk=district.pk).update(is_home=True)
        district.is_home = True
        audit.record(actor=by, action="region.home_set", obj=district, after={"is_home": True})
    return Setup(district=district, created=created, is_home=district.is_home)
