"""All writes to the enterprise registry."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from zhaoluo.core import audit, pi
from zhaoluo.core.errors import PermissionDeniedError
from zhaoluo.core.locking import claim_version
from zhaoluo.orgs.choices import Role
from zhaoluo.orgs.models import Region, User

from .models import Enterprise

if TYPE_CHECKING:
    from zhaoluo.ledgers.engine import ImportContext
    from zhaoluo.ledgers.spec import Row

EDITABLE_FIELDS = [
    "uscc",
    "name",
    "township",
    "industry_code",
    "cluster",
    "above_scale",
    "above_scale_since",
    "high_tech",
    "high_tech_since",
    "listing",
    "listing_since",
    "products",
    "needs",
    "employees",
    "contact",
    "phone",
]
# 科经局 keeps the registry; 招商人员 register the investors they bring in.
MANAGE_ROLES = frozenset({Role.ECONOMY, Role.INVESTMENT})


def _require(by: User | None) -> None:
    if by is None or by.role not in MANAGE_ROLES:
        raise PermissionDeniedError("只有科经局和招商人员可以维护企业信息")


def _assign(enterprise: Enterprise, data: Mapping[str, Any]) -> None:
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "该字段不能在此修改"))
    for key, value in data.items():
        setattr(enterprise, key, value)


@transaction.atomic
def enterprise_create(
    *, by: User | None, district: Region, data: Mapping[str, Any], check_permission: bool = True
) -> Enterprise:
    if check_permission:
        _require(by)
    enterprise = Enterprise(district=district)
    _assign(enterprise, data)
    enterprise.full_clean()
    enterprise.save()
    audit.record(actor=by, action="enterprise.created", obj=enterprise, after=audit.snapshot(enterprise))
    return enterprise


@transaction.atomic
def enterprise_update(
    *, enterprise: Enterprise, by: User, data: Mapping[str, Any], expected_version: int | None
) -> Enterprise:
    _require(by)
    before = audit.snapshot(enterprise)
    claim_version(enterprise, expected_version, dict(data))
    _assign(enterprise, data)
    enterprise.full_clean()
    enterprise.save()
    old, new = audit.diff(before, audit.snapshot(enterprise))
    if new:
        audit.record(actor=by, action="enterprise.updated", obj=enterprise, before=old, after=new)
    return enterprise


# Ledger import (企业台账) -------------------------------------------------------------------
_PLAIN = [
    "name",
    "industry_code",
    "above_scale",
    "high_tech",
    "high_tech_since",
    "listing",
    "products",
    "needs",
    "employees",
    "contact",
    "phone",
]


def enterprises_write(rows: Sequence[Row], ctx: ImportContext) -> None:
    """A chunk of checked 企业台账 rows, keyed by USCC, inside the import's transaction.
    Only the file's columns are written; an unchanged row writes nothing."""
    present = set(ctx.shown)
    usccs = [r.values["uscc"] for r in rows]
    names = [r.values["name"] for r in rows]
    known = Enterprise.objects.select_for_update().filter(Q(uscc__in=usccs) | Q(name__in=names))
    by_uscc = {e.uscc: e for e in known}
    by_name = {e.name: e for e in by_uscc.values()}
    new: list[Enterprise] = []
    changed: list[tuple[Enterprise, audit.Snapshot]] = []
    for row in rows:
        values = row.values
        target = by_uscc.get(values["uscc"])
        other = by_name.get(values["name"])
        if other is not None and other is not target:
            ctx.error(row.number, "name", f"企业名称已被信用代码为 {other.uscc} 的企业使用", values["name"])
            continue
        if target is not None and target.district_id != ctx.district.pk:
            ctx.error(row.number, "uscc", "该企业属于其他区，不能在本区导入", values["uscc"])
            continue
        fields = {k: values[k] for k in _PLAIN if k in present}
        if not _masked_values_kept(fields, target, row, ctx):
            continue
        # The ledger has no 入规日期 or (without its column) 认定日期: leaving a pool clears its date.
        if fields.get("above_scale") is False:
            fields["above_scale_since"] = None
        if fields.get("high_tech") is False and "high_tech_since" not in present:
            fields["high_tech_since"] = None
        if "township" in present:
            fields["township"] = ctx.resolver.township(row.number, "township", values["township"])
        if "cluster" in present:
            fields["cluster"] = ctx.resolver.cluster(row.number, "cluster", values["cluster"])
        enterprise = target or Enterprise(district=ctx.district, uscc=values["uscc"])
        before = audit.snapshot(enterprise) if target else None
        dirty = [k for k, v in fields.items() if getattr(enterprise, k) != v]
        for key in dirty:
            setattr(enterprise, key, fields[key])
        if target is not None and not dirty:
            ctx.result.unchanged += 1
            continue
        try:
            enterprise.clean_fields(exclude=["district", "township", "cluster"])
            enterprise.clean()
        except ValidationError as exc:
            ctx.validation_errors(row.number, exc, {})
            continue
        if target is None:
            new.append(enterprise)
        else:
            assert before is not None
            changed.append((enterprise, before))
    if ctx.has_errors:
        return
    _write_enterprises(new, changed, ctx)


def _masked_values_kept(fields: dict[str, Any], target: Enterprise | None, row: Row, ctx: ImportContext) -> bool:
    """An exported file carries masked contact data (138****5678). Imported back, a masked value
    that matches the stored one means "unchanged"; any other masked value cannot be stored."""
    for name in pi.masked_fields(Enterprise):
        value = fields.get(name)
        if not isinstance(value, str) or "*" not in value:
            continue
        current = getattr(target, name) if target is not None else ""
        if current and pi.mask(pi.key_of(Enterprise, name), current) == value:
            fields.pop(name)
        else:
            ctx.error(row.number, name, "这是脱敏后的值，无法导入；请填写完整信息（可导出完整联系方式后修改）", value)
            return False
    return True


def _write_enterprises(
    new: list[Enterprise], changed: list[tuple[Enterprise, audit.Snapshot]], ctx: ImportContext
) -> None:
    created = Enterprise.objects.bulk_create(new, batch_size=500)
    events = [audit.build(actor=ctx.by, action="enterprise.created", obj=e, after=audit.snapshot(e)) for e in created]
    now = timezone.now()
    fields: set[str] = {"version", "updated_at"}
    for enterprise, before in changed:
        old, new_values = audit.diff(before, audit.snapshot(enterprise))
        fields.update(old)
        enterprise.version += 1
        enterprise.updated_at = now
        events.append(
            audit.build(actor=ctx.by, action="enterprise.updated", obj=enterprise, before=old, after=new_values)
        )
    Enterprise.objects.bulk_update([e for e, _ in changed], sorted(fields), batch_size=500)
    audit.record_many(events)
    ctx.result.created += len(created)
    ctx.result.updated += len(changed)
