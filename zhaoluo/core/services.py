"""Writes about the audit log itself: every search and export of it is audited (C1), and the
retention purge (C6)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import audit, audit_chain
from .models import AuditEvent


def _filters_note(filters: dict[str, str]) -> str:
    used = {k: v for k, v in filters.items() if v and k != "page"}
    return "；".join(f"{k}={v}" for k, v in sorted(used.items())) or "（无条件）"


@transaction.atomic
def audit_search_record(*, user: Any, filters: dict[str, str], count: int) -> AuditEvent:
    event = audit.build_raw(
        actor=user,
        action="audit.searched",
        object_type="core.auditevent",
        object_id="search",
        object_repr=f"审计查询（{count} 条）",
        note=_filters_note(filters),
    )
    return audit.record_event(event)


@transaction.atomic
def audit_export_record(*, user: Any, filters: dict[str, str], count: int) -> AuditEvent:
    event = audit.build_raw(
        actor=user,
        action="audit.exported",
        object_type="core.auditevent",
        object_id="export",
        object_repr=f"审计记录导出（{count} 条）",
        note=_filters_note(filters),
    )
    return audit.record_event(event)


@transaction.atomic
def audit_purge(*, now: dt.datetime | None = None) -> audit_chain.Purge:
    """Archive and delete audit rows past ZHAOLUO_AUDIT_RETENTION_DAYS; the purge is itself audited."""
    now = now or timezone.now()
    result = audit_chain.purge(
        now=now,
        retention_days=settings.ZHAOLUO_AUDIT_RETENTION_DAYS,
        archive_dir=Path(settings.ZHAOLUO_AUDIT_ARCHIVE_DIR),
    )
    if result.purged and result.archive is not None:
        event = audit.build_raw(
            actor=None,
            action="audit.purged",
            object_type="core.auditevent",
            object_id=f"..{result.through_seq}",
            object_repr=f"审计记录清理（{result.purged} 条，至 seq {result.through_seq}）",
            note=f"archive={result.archive.name} sha256={audit_chain.archive_digest(result.archive)}",
        )
        audit.record_event(event)
    return result
