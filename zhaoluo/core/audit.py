"""Writing audit rows. Every service calls `record` inside its own transaction."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from . import context, pi
from .models import AuditEvent

Snapshot = dict[str, Any]
# Bookkeeping columns, and secrets that must never reach the audit log (a password hash is one).
_NOT_AUDITED = frozenset({"id", "created_at", "updated_at", "version", "password", "last_login"})


def _jsonable(value: Any) -> Any:
    if value is None or type(value) in (str, int, bool):
        return value
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, FieldFile):
        return value.name or None
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def snapshot(obj: models.Model, fields: list[str] | None = None, *, mask_pi: bool = True) -> Snapshot:
    """The values of a record worth showing in its history, keyed by field name.

    Foreign keys are stored as their display text so the timeline still reads after
    the referenced record is renamed or deleted. Catalogued personal data is kept masked
    with a keyed fingerprint (core/pi.py), so it never lands in the log in clear;
    `mask_pi=False` is for showing current values to an editor, never for the log.
    """
    out: Snapshot = {}
    for field in obj._meta.concrete_fields:
        name = field.name
        if fields is not None and name not in fields:
            continue
        if name in _NOT_AUDITED or getattr(field, "generated", False):
            continue  # a generated column is derived from the others, which are audited
        if isinstance(field, models.ForeignKey):
            out[name] = _jsonable(getattr(obj, name))
        else:
            out[name] = _jsonable(getattr(obj, field.attname))
        if mask_pi:
            out[name] = pi.audit_value(pi.key_of(obj, name), out[name])
    return out


def diff(before: Snapshot, after: Snapshot) -> tuple[Snapshot, Snapshot]:
    """Only the keys whose values changed, as (before, after)."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def type_name(obj: models.Model) -> str:
    return f"{obj._meta.app_label}.{obj._meta.model_name}"


def build(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    before: Snapshot | None = None,
    after: Snapshot | None = None,
    parent: models.Model | None = None,
    note: str = "",
) -> AuditEvent:
    """An unsaved audit row; `record` saves one, `record_many` saves a batch (ledger imports)."""
    ctx = context.current()
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent(
        at=timezone.now(),
        actor=user,
        actor_name=_actor_name(user),
        action=action,
        object_type=type_name(obj),
        object_id=str(obj.pk),
        object_repr=str(obj)[:255],
        parent_type=type_name(parent) if parent is not None else "",
        parent_id=str(parent.pk) if parent is not None else "",
        before=before,
        after=after,
        note=note,
        object_version=getattr(obj, "version", None),
        ip=ctx.ip,
        source=ctx.source,
    )


def record(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    before: Snapshot | None = None,
    after: Snapshot | None = None,
    parent: models.Model | None = None,
    note: str = "",
) -> AuditEvent:
    event = build(actor=actor, action=action, obj=obj, before=before, after=after, parent=parent, note=note)
    event.save()
    return event


def record_many(events: list[AuditEvent]) -> None:
    """Save a batch of rows built with `build`, in order, in the caller's transaction."""
    record_rows([{f.attname: getattr(e, f.attname) for f in AuditEvent._meta.concrete_fields} for e in events])


def build_row(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    before: Snapshot | None = None,
    after: Snapshot | None = None,
    parent: models.Model | None = None,
    note: str = "",
) -> dict[str, Any]:
    """`build` as a plain row, for imports writing tens of thousands of audit rows."""
    ctx = context.current()
    user = actor if getattr(actor, "is_authenticated", False) else None
    return {
        "at": timezone.now(),
        "actor_id": user.pk if user is not None else None,
        "actor_name": _actor_name(user),
        "action": action,
        "object_type": type_name(obj),
        "object_id": str(obj.pk),
        "object_repr": str(obj)[:255],
        "parent_type": type_name(parent) if parent is not None else "",
        "parent_id": str(parent.pk) if parent is not None else "",
        "before": before,
        "after": after,
        "note": note,
        "object_version": getattr(obj, "version", None),
        "ip": ctx.ip,
        "source": ctx.source,
    }


def record_rows(rows: list[dict[str, Any]]) -> None:
    """Save rows made by `build_row`, in order, in the caller's transaction."""
    from .bulk import insert, with_ids

    insert(AuditEvent, with_ids(AuditEvent, rows))


def _actor_name(user: Any) -> str:
    if user is None:
        return "系统"
    official = getattr(user, "official", None)
    return official.name if official is not None else user.get_username()
