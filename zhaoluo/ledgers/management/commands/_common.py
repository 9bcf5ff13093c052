"""What the ledger commands share: finding the kind, the district and the acting user."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import CommandError

from zhaoluo.ledgers import spec
from zhaoluo.orgs.choices import RegionLevel
from zhaoluo.orgs.models import Region, User
from zhaoluo.orgs.selectors import home_district


def kind_named(name: str) -> spec.Kind:
    try:
        return spec.get(name)
    except LookupError:
        names = "、".join(k.name for k in spec.all_kinds())
        raise CommandError(f"未知的台账类型“{name}”，可用：{names}") from None


def kind_names() -> list[str]:
    return sorted(k.name for k in spec.all_kinds())


def district_for(code: str | None) -> Region:
    """--district CODE; otherwise the district `setup` moved in, the configured one, or the only one."""
    districts = Region.objects.filter(level=RegionLevel.DISTRICT)
    if code:
        found = districts.filter(code=code).first()
        if found is None:
            raise CommandError(f"没有代码为 {code} 的区县")
        return found
    home = home_district()
    if home is not None:
        return home
    configured = districts.filter(code=settings.ZHAOLUO_DISTRICT_CODE).first()
    if configured is not None:
        return configured
    only = list(districts[:2])
    if len(only) == 1:
        return only[0]
    raise CommandError(
        "请用 --district 指定区县代码"
        if only
        else "数据库中还没有区县，请先运行 zhaoluo setup --district 区县代码（如 420607）建立组织机构"
    )


def user_named(username: str | None) -> User | None:
    if not username:
        return None
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"没有名为 {username} 的有效账号")
    return user
