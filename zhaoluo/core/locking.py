"""Optimistic locking: an edit names the version it was based on; a stale one is refused."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import F

from .audit import snapshot
from .errors import ConflictError
from .models import AuditEvent


def claim_version(instance: models.Model, expected_version: int | None, submitted: dict[str, Any]) -> None:
    """Move the row to the next version, or raise ConflictError naming what changed.

    Runs inside the caller's transaction; the conditional UPDATE is atomic on both
    SQLite and PostgreSQL, so two concurrent saves of one version cannot both pass.
    `expected_version=None` means the caller holds no version (internal writes).
    """
    model = type(instance)
    if expected_version is None:
        model._default_manager.filter(pk=instance.pk).update(version=F("version") + 1)
        instance.version = model._default_manager.values_list("version", flat=True).get(pk=instance.pk)  # type: ignore[attr-defined]
        return
    updated = model._default_manager.filter(pk=instance.pk, version=expected_version).update(version=F("version") + 1)
    if updated:
        instance.version = expected_version + 1  # type: ignore[attr-defined]
        return
    current = model._default_manager.get(pk=instance.pk)
    now = snapshot(current)
    changes = {k: now[k] for k in submitted if k in now and now[k] != _plain(submitted[k])}
    last = (
        AuditEvent.objects.filter(
            object_type=f"{model._meta.app_label}.{model._meta.model_name}", object_id=str(instance.pk)
        )
        .order_by("-at", "-id")
        .first()
    )
    who = f"{last.actor_name}于{last.at:%m-%d %H:%M}" if last else "他人"
    version: int = current.version  # type: ignore[attr-defined]
    raise ConflictError(
        message=f"“{current}”已被{who}修改（当前版本 {version}，您编辑的是版本 {expected_version}），请刷新后再保存",
        current_version=version,
        changes=changes,
    )


def _plain(value: Any) -> Any:
    from .audit import _jsonable

    return _jsonable(value)
