"""Enterprise pools (规上, 高企, 专精特新, 上市后备, 已上市) as dated memberships with history:
entering and leaving (with why), the promotion rules that name candidates (小升规 by 营业收入),
the 高企 certificate's three years and its expiry reminder (a tick step), and the figures per
year (new 规上, new 高企, pool sizes), each drilling down to its list."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse

from zhaoluo.core import audit, clock
from zhaoluo.core.dates import add_months
from zhaoluo.core.errors import PermissionDeniedError
from zhaoluo.enterprises.models import Enterprise
from zhaoluo.notify import services as notify
from zhaoluo.notify.choices import Event
from zhaoluo.orgs.choices import Role
from zhaoluo.orgs.models import User

from .choices import Pool
from .models import PoolMembership, Visit
from .permissions import can_organise

AUDITED = ["pool", "entered_on", "left_on", "reason", "left_reason", "listing_stage", "certificate_expires_on"]
HIGH_TECH_YEARS = 3  # a 高新技术企业 certificate is valid three years
EXPIRY_NOTICE_MONTHS = 3  # the organiser hears three months ahead


@dataclass(frozen=True)
class PromotionRule:
    """A candidate for `pool`: not in it, and the latest visit's answer to `question` ≥ `minimum`."""

    pool: str
    name: str
    question: str
    minimum: Decimal


PROMOTION_RULES = (PromotionRule(Pool.ABOVE_SCALE, "小升规：上年营业收入 ≥ 2000 万元", "revenue", Decimal(2000)),)


def in_pool_on(day: dt.date) -> Q:
    return Q(entered_on__lte=day) & (Q(left_on__isnull=True) | Q(left_on__gt=day))


@transaction.atomic
def pool_enter(
    *,
    by: User | None,
    enterprise: Enterprise,
    pool: str,
    entered_on: dt.date,
    reason: str = "",
    listing_stage: str = "",
    check_permission: bool = True,
) -> PoolMembership:
    """入库: a dated membership; a 高企 certificate runs three years from its date."""
    if check_permission and not can_organise(by):
        raise PermissionDeniedError("只有科经局可以办理企业入库")
    if pool not in Pool.values:
        raise ValidationError({"pool": "请选择企业库"})
    if entered_on > clock.today():
        raise ValidationError({"entered_on": "入库日期不能晚于今天"})
    if PoolMembership.objects.filter(enterprise=enterprise, pool=pool).filter(in_pool_on(entered_on)).exists():
        raise ValidationError({"pool": f"{enterprise.name}已在{Pool(pool).label}中"})
    membership = PoolMembership(
        enterprise=enterprise,
        pool=pool,
        entered_on=entered_on,
        reason=reason.strip(),
        listing_stage=listing_stage if pool == Pool.LISTING else "",
        certificate_expires_on=add_months(entered_on, 12 * HIGH_TECH_YEARS) if pool == Pool.HIGH_TECH else None,
    )
    membership.full_clean()
    membership.save()
    audit.record(
        actor=by, action="pool.entered", obj=membership, after=audit.snapshot(membership, AUDITED), parent=enterprise
    )
    return membership


@transaction.atomic
def pool_leave(
    *, by: User | None, membership: PoolMembership, left_on: dt.date, reason: str, check_permission: bool = True
) -> PoolMembership:
    """出库 (or moving on: 上市后备 → 已上市), with the reason kept in its history."""
    if check_permission and not can_organise(by):
        raise PermissionDeniedError("只有科经局可以办理企业出库")
    if not reason.strip():
        raise ValidationError({"left_reason": "请填写出库原因"})
    if membership.left_on is not None:
        raise ValidationError({"left_on": f"已于 {membership.left_on:%Y-%m-%d} 出库"})
    if left_on < membership.entered_on:
        raise ValidationError({"left_on": "出库日期不能早于入库日期"})
    before = audit.snapshot(membership, AUDITED)
    membership.left_on, membership.left_reason = left_on, reason.strip()
    membership.version += 1
    membership.full_clean()
    membership.save()
    old, new = audit.diff(before, audit.snapshot(membership, AUDITED))
    audit.record(actor=by, action="pool.left", obj=membership, before=old, after=new, parent=membership.enterprise)
    return membership


def candidates(enterprises: QuerySet[Enterprise], rule: PromotionRule, today: dt.date) -> list[tuple[Enterprise, Any]]:
    """Enterprises outside the rule's pool whose latest visit answers at least its minimum."""
    members = PoolMembership.objects.filter(pool=rule.pool).filter(in_pool_on(today)).values("enterprise_id")
    outside = enterprises.exclude(pk__in=members)
    latest: dict[int, Any] = {}
    visits = Visit.objects.filter(enterprise__in=outside).order_by("enterprise_id", "-visited_on", "-id")
    for enterprise_id, answers in visits.values_list("enterprise_id", "answers"):
        latest.setdefault(enterprise_id, (answers or {}).get(rule.question))
    found = []
    for enterprise in outside.filter(pk__in=list(latest)).order_by("name"):
        value = latest[enterprise.pk]
        if value is not None and Decimal(str(value)) >= rule.minimum:
            found.append((enterprise, value))
    return found


def pool_figures(memberships: QuerySet[PoolMembership], year: int) -> dict[str, int]:
    """New 规上 and new 高企 in the year, and every pool's size at the year's end."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    entered = memberships.filter(entered_on__gte=first, entered_on__lte=last)
    result = {
        "new_above_scale": entered.filter(pool=Pool.ABOVE_SCALE).count(),
        "new_high_tech": entered.filter(pool=Pool.HIGH_TECH).count(),
    }
    at_end = memberships.filter(in_pool_on(last))
    for pool in Pool.values:
        result[f"size_{pool}"] = at_end.filter(pool=pool).count()
    return result


def drilldown(memberships: QuerySet[PoolMembership], year: int, key: str) -> QuerySet[PoolMembership]:
    """The memberships behind one figure of `pool_figures`."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    if key.startswith("new_"):
        new_pool = Pool.ABOVE_SCALE if key == "new_above_scale" else Pool.HIGH_TECH
        return memberships.filter(pool=new_pool, entered_on__gte=first, entered_on__lte=last)
    return memberships.filter(pool=key.removeprefix("size_")).filter(in_pool_on(last))


def pools_tick(today: dt.date) -> dict[str, int]:
    """高企 certificates expiring within three months: the organiser is told once per certificate."""
    horizon = add_months(today, EXPIRY_NOTICE_MONTHS)
    due = PoolMembership.objects.filter(
        pool=Pool.HIGH_TECH,
        left_on__isnull=True,
        certificate_expires_on__gte=today,
        certificate_expires_on__lte=horizon,
    ).select_related("enterprise")
    told = 0
    for membership in due:
        enterprise = membership.enterprise
        organisers = User.objects.filter(is_active=True, role=Role.ECONOMY, region_id=enterprise.district_id)
        with transaction.atomic():
            told += len(
                notify.notify(
                    recipients=organisers,
                    event=Event.DUE_SOON,
                    subject=f"高企证书即将到期：{enterprise.name}",
                    body=f"证书有效期至 {membership.certificate_expires_on:%Y-%m-%d}，请提醒企业及时申请重新认定。",
                    link=reverse("service:pools") + f"?pool={Pool.HIGH_TECH}",
                    obj=membership,
                    dedupe_key=f"high-tech-expiry:{membership.pk}:{membership.certificate_expires_on}",
                )
            )
    return {"high_tech_expiry_reminders": told}
