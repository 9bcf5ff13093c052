"""Start-up checks for the security baseline (docs/security.md).

- C6: audit retention of at least 184 days (six months), always.
- D2: in production (ZHAOLUO_PRODUCTION=1) every deployer variable is set and strong enough;
  `zhaoluo check-deploy` runs these with Django's own `check --deploy`.
- H1: on PostgreSQL, fsync, synchronous_commit and full_page_writes are on (a database check:
  it runs on `migrate` and `check --database default`).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register
from django.db import connections

MIN_RETENTION_DAYS = 184
MIN_SECRET_KEY_LENGTH = 50
MIN_AUDIT_KEY_LENGTH = 32
DURABILITY_SETTINGS = ("fsync", "synchronous_commit", "full_page_writes")


@register(Tags.security)
def audit_retention(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> list[CheckMessage]:
    days = settings.ZHAOLUO_AUDIT_RETENTION_DAYS
    if days < MIN_RETENTION_DAYS:
        return [
            Error(
                f"ZHAOLUO_AUDIT_RETENTION_DAYS={days}："
                f"审计日志至少保存 {MIN_RETENTION_DAYS} 天（网络安全法：不少于六个月）",
                hint=f"audit logs must be kept at least {MIN_RETENTION_DAYS} days",
                id="zhaoluo.E001",
            )
        ]
    return []


@register(Tags.security)
def production_environment(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> list[CheckMessage]:
    if not settings.ZHAOLUO_PRODUCTION:
        return []
    errors: list[CheckMessage] = []
    for name in settings.ZHAOLUO_REQUIRED_ENV:
        if not os.environ.get(name, "").strip():
            errors.append(
                Error(f"生产环境缺少环境变量 {name} / {name} is not set", hint=_HINTS.get(name), id="zhaoluo.E002")
            )
    secret = os.environ.get("ZHAOLUO_SECRET_KEY", "")
    if secret and (len(secret) < MIN_SECRET_KEY_LENGTH or len(set(secret)) < 5):
        errors.append(
            Error(
                f"ZHAOLUO_SECRET_KEY 太短（至少 {MIN_SECRET_KEY_LENGTH} 个随机字符）",
                hint=_HINTS["ZHAOLUO_SECRET_KEY"],
                id="zhaoluo.E003",
            )
        )
    audit_key = os.environ.get("ZHAOLUO_AUDIT_KEY", "")
    if audit_key and len(audit_key) < MIN_AUDIT_KEY_LENGTH:
        errors.append(
            Error(
                f"ZHAOLUO_AUDIT_KEY 太短（至少 {MIN_AUDIT_KEY_LENGTH} 个字符）",
                hint=_HINTS["ZHAOLUO_AUDIT_KEY"],
                id="zhaoluo.E004",
            )
        )
    url = os.environ.get("DATABASE_URL", "")
    if url and not url.startswith(("postgres://", "postgresql://", "pgsql://")):
        errors.append(Error("生产环境应使用 PostgreSQL（DATABASE_URL=postgres://…）", id="zhaoluo.E005"))
    return errors


_HINTS = {
    "ZHAOLUO_SECRET_KEY": "python -c 'import secrets; print(secrets.token_urlsafe(50))'",
    "ZHAOLUO_ALLOWED_HOSTS": "the host names users type, comma-separated, e.g. zsxm.example.gov.cn",
    "DATABASE_URL": "postgres://USER:PASSWORD@HOST:5432/NAME",
    "ZHAOLUO_AUDIT_KEY": "python -c 'import secrets; print(secrets.token_hex(32))' — keep it outside the database",
    "ZHAOLUO_FIELD_KEYS": "the field-encryption keys (docs/security.md, D3)",
}


@register(Tags.database)
def postgresql_durability(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    for alias in kwargs.get("databases") or []:
        connection = connections[alias]
        if connection.vendor != "postgresql":
            continue
        errors.extend(durability_errors(connection))
    return errors


def durability_errors(connection: Any) -> list[CheckMessage]:
    """An acknowledged commit must survive a crash: all three must be on (checklist H1)."""
    errors: list[CheckMessage] = []
    with connection.cursor() as cursor:
        for name in DURABILITY_SETTINGS:
            cursor.execute(f"SHOW {name}")
            value = cursor.fetchone()[0]
            if value != "on":
                errors.append(
                    Error(
                        f"PostgreSQL {name} = {value}：必须为 on，否则崩溃时会丢失已确认的提交",
                        hint=f"ALTER SYSTEM SET {name} = on; SELECT pg_reload_conf();",
                        id="zhaoluo.E010",
                    )
                )
    return errors
