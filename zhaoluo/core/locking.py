"""Optimistic locking: an edit names the version it was based on; a stale one is refused."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import F
from django.utils import timezone

from .audit import snapshot, type_name
from .errors import ConflictError
from .models import AuditEvent

# Derived values that move on their own (a light turning red) are not anyone's edit.
_DERIVED = frozenset({"light", "light_reasons", "light_at"})


def claim_version(instance: models.Model, expected_version: int | None, submitted: dict[str, Any]) -> None:
    """Move the row to the next version, or raise ConflictError saying who changed what.

    Runs inside the caller's transaction; the conditional UPDATE is atomic on both
    SQLite and PostgreSQL, so two concurrent saves of one version cannot both pass.
    `expected_version=None` means the caller holds no version (internal writes).
    `submitted` is kept for callers' readability; what is reported is what *others*
    changed since the caller's version, read from the audit log.
    """
    del submitted
    manager = type(instance)._default_manager
    if expected_version is None:
        manager.filter(pk=instance.pk).update(version=F("version") + 1)
        instance.version = manager.values_list("version", flat=True).get(pk=instance.pk)  # type: ignore[attr-defined]
        return
    if manager.filter(pk=instance.pk, version=expected_version).update(version=F("version") + 1):
        instance.version = expected_version + 1  # type: ignore[attr-defined]
        return
    current = manager.get(pk=instance.pk)
    raise _conflict(current, expected_version)


def check_version(instance: models.Model, expected_version: int | None) -> None:
    """Refuse a stale edit before judging it: a stage move checks the stage the user saw,
    so a second click on a page read before someone else moved the project is told who
    moved it (409), not that the move no longer fits the stage. The claim still happens
    later, atomically, in claim_version."""
    if expected_version is None:
        return
    current = type(instance)._default_manager.filter(pk=instance.pk).first()
    if current is not None and current.version != expected_version:  # type: ignore[attr-defined]
        raise _conflict(current, expected_version)


def _conflict(current: models.Model, expected_version: int) -> ConflictError:
    version: int = current.version  # type: ignore[attr-defined]
    events = list(
        AuditEvent.objects.filter(
            object_type=type_name(current), object_id=str(current.pk), object_version__gt=expected_version
        ).order_by("at", "id")
    )
    # Shown to the editor, who holds the full values in the form already.
    now = snapshot(current, mask_pi=False)
    changes: dict[str, Any] = {}
    for event in events:
        for key, value in (event.after or {}).items():
            if key not in _DERIVED:
                # A field's current value; for what is not a field (the 专班 list) the latest written.
                changes[key] = now.get(key, value)
    last = events[-1] if events else None
    who = f"{last.actor_name}于{timezone.localtime(last.at):%m-%d %H:%M}" if last else "他人"
    return ConflictError(
        message=f"“{current}”已被{who}修改（当前版本 {version}，您编辑的是版本 {expected_version}），请刷新后再保存",
        current_version=version,
        changes=changes,
    )
