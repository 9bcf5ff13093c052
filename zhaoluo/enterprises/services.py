"""All writes to the enterprise registry."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from zhaoluo.core import audit
from zhaoluo.core.errors import PermissionDeniedError
from zhaoluo.core.locking import claim_version
from zhaoluo.orgs.choices import Role
from zhaoluo.orgs.models import Region, User

from .models import Enterprise

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
