"""Logins for the roster: the 安全管理员 creates accounts for many officials at once.

Each account is made by `services.account_create` (business roles only, the district's scope,
a temporary password to be changed at the first login, one `user.created` audit row per
account with the 安全管理员 as actor). The batch is all or nothing: one bad row, and no account
of the batch is created, so the sheet handed over never lists half a batch.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font
from pypinyin import lazy_pinyin

from zhaoluo.core import crypto
from zhaoluo.core.audit_export import safe_text
from zhaoluo.core.errors import PermissionDeniedError
from zhaoluo.orgs.choices import Role
from zhaoluo.orgs.models import Official, Region, User

from . import selectors, services

MAX_BATCH = 200


@dataclass(frozen=True)
class BulkRow:
    official: Official
    username: str
    role: str


@dataclass(frozen=True)
class Created:
    user: User
    official: Official
    password: str


def suggested_username(official: Official, taken: set[str]) -> str:
    """The official's name in pinyin (王海 → wanghai), numbered when taken; the page lets it be changed."""
    base = "".join(lazy_pinyin(official.name)).lower()
    base = "".join(ch for ch in base if ch.isascii() and ch.isalnum()) or f"user{official.pk}"
    name, n = base, 1
    while name in taken or User.objects.filter(username__iexact=name).exists():
        n += 1
        name = f"{base}{n}"
    taken.add(name)
    return name


def _region_of(official: Official, district: Region) -> Region:
    # A township unit's official logs in for the township; the district's units and the leaders
    # without a unit, for the district.
    if official.unit is not None and official.unit.region is not None:
        return official.unit.region
    return district


@transaction.atomic
def accounts_create_bulk(*, by: User, rows: list[BulkRow]) -> list[Created]:
    """Create one account per row; ValidationError naming each bad row (by the official's name)."""
    if not rows:
        raise ValidationError({"pick": "请至少选择一名干部"})
    if len(rows) > MAX_BATCH:
        raise ValidationError({"pick": f"一次最多为 {MAX_BATCH} 名干部建账号，请分批办理"})
    district_id = selectors.managed_district_id(by)
    if district_id is None:
        raise PermissionDeniedError("只有安全管理员可以管理账号")
    district = Region.objects.get(pk=district_id)
    allowed = set(
        selectors.officials_without_login(user=by)
        .filter(pk__in=[r.official.pk for r in rows])
        .values_list("pk", flat=True)
    )
    errors: list[str] = []
    seen: set[str] = set()
    created: list[Created] = []
    for row in rows:
        name = row.official.name
        key = row.username.strip().lower()
        if row.official.pk not in allowed:
            errors.append(f"{name}：不在本区或已有账号")
            continue
        if not key:
            errors.append(f"{name}：请填写用户名")
            continue
        if key in seen:
            errors.append(f"{name}：用户名 {row.username} 与本批其他人重复")
            continue
        seen.add(key)
        try:
            with transaction.atomic():
                user, password = services.account_create(
                    by=by,
                    username=row.username,
                    role=row.role,
                    region=_region_of(row.official, district),
                    unit=row.official.unit,
                    official=row.official,
                )
        except ValidationError as exc:
            errors.append(f"{name}：{'；'.join(exc.messages)}")
            continue
        created.append(Created(user=user, official=row.official, password=password))
    if errors:
        # Nothing of the batch stays: the outer transaction rolls back the accounts made so far.
        raise ValidationError({"pick": errors})
    return created


def handover_sheet(created: list[Created]) -> bytes:
    """The .xlsx handed over with the logins: who, which login, which role, the temporary password."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "账号交接"
    sheet.append(["姓名", "单位", "用户名", "角色", "临时密码", "说明"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for item in created:
        values = [
            item.official.name,
            item.official.unit.name if item.official.unit else "",
            item.user.username,
            str(Role(item.user.role).label),
            item.password,
            "首次登录须修改密码",
        ]
        # Names come from the roster: text a spreadsheet would run as a formula is quoted.
        sheet.append([safe_text(v) for v in values])
    for column, width in zip("ABCDEF", (10, 24, 16, 12, 22, 20), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# The sheet waits for its one download in the 安全管理员's session, encrypted with the platform's
# field key (the session table is not where temporary passwords may lie in clear).
SHEET_AAD = "accounts.bulk_sheet"


def seal_sheet(data: bytes, *, user: User) -> str:
    return crypto.encrypt(base64.b64encode(data).decode(), aad=f"{SHEET_AAD}:{user.pk}")


def open_sheet(token: str, *, user: User) -> bytes:
    return base64.b64decode(crypto.decrypt(token, aad=f"{SHEET_AAD}:{user.pk}"))


def sheet_filename() -> str:
    return f"账号交接-{timezone.localtime():%Y%m%d-%H%M}.xlsx"


@transaction.atomic
def sheet_downloaded(*, by: User, count: int) -> None:
    """The one download of a batch's sheet is itself on record (it holds temporary passwords)."""
    services._require_manager(by)
    from zhaoluo.core import audit

    audit.record(actor=by, action="account.bulk_sheet_downloaded", obj=by, note=f"下载账号交接表（{count} 个账号）")
