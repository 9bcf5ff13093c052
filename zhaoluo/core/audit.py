"""Writing audit rows. Every service calls `record` inside its own transaction."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import cache
from types import SimpleNamespace
from typing import Any, cast

from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from . import context, pi
from .models import AuditEvent, Outcome

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
    for name, attname, personal in _snapshot_plan(type(obj)):
        if fields is not None and name not in fields:
            continue
        value = getattr(obj, attname)
        out[name] = value if value is None or type(value) in _AS_IS else _jsonable(value)
        if mask_pi and personal:
            out[name] = pi.audit_value(pi.key_of(obj, name), out[name])
    return out


_AS_IS = frozenset({str, int, bool})


@cache
def _snapshot_plan(model: type[models.Model]) -> tuple[tuple[str, str, bool], ...]:
    """Per audited field: its name, what to read (a foreign key's related record, for its
    display text), and whether it is catalogued personal data. Fixed for the process."""
    personal = _personal_fields(model)
    return tuple(
        (field.name, field.name if isinstance(field, models.ForeignKey) else field.attname, field.name in personal)
        for field in model._meta.concrete_fields
        # A generated column is derived from the others, which are audited.
        if field.name not in _NOT_AUDITED and not getattr(field, "generated", False)
    )


@cache
def _personal_fields(model: type[models.Model]) -> frozenset[str]:
    """The model's catalogued personal fields (the catalogue is code: fixed for the process)."""
    return frozenset(f.name for f in model._meta.concrete_fields if pi.key_of(model, f.name) in pi.CATALOGUE)


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
    outcome: str = Outcome.SUCCESS,
) -> AuditEvent:
    """An unsaved audit row; `record` saves one, `record_many` saves a batch (ledger imports)."""
    return build_raw(
        actor=actor,
        action=action,
        object_type=type_name(obj),
        object_id=str(obj.pk),
        object_repr=str(obj),
        before=before,
        after=after,
        parent_type=type_name(parent) if parent is not None else "",
        parent_id=str(parent.pk) if parent is not None else "",
        note=note,
        object_version=getattr(obj, "version", None),
        outcome=outcome,
    )


def build_raw(
    *,
    actor: Any,
    action: str,
    object_type: str,
    object_id: str,
    object_repr: str = "",
    before: Snapshot | None = None,
    after: Snapshot | None = None,
    parent_type: str = "",
    parent_id: str = "",
    note: str = "",
    object_version: int | None = None,
    outcome: str = Outcome.SUCCESS,
) -> AuditEvent:
    """A row about something that is not one model instance: a search, a denied URL, a purge."""
    row = raw_row(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
        before=before,
        after=after,
        parent_type=parent_type,
        parent_id=parent_id,
        note=note,
        object_version=object_version,
        outcome=outcome,
    )
    del row["actor_id"]
    return AuditEvent(**row, actor=_user(actor))


def raw_row(
    *,
    actor: Any,
    action: str,
    object_type: str,
    object_id: str,
    object_repr: str = "",
    before: Snapshot | None = None,
    after: Snapshot | None = None,
    parent_type: str = "",
    parent_id: str = "",
    note: str = "",
    object_version: int | None = None,
    outcome: str = Outcome.SUCCESS,
) -> dict[str, Any]:
    """The fields of one audit row, by column: the one place a row's shape is decided."""
    ctx = context.current()
    user = _user(actor)
    return {
        "at": timezone.now(),
        "actor_id": user.pk if user is not None else None,
        "actor_name": _actor_name(user),
        "action": action,
        "outcome": outcome,
        "object_type": object_type[:64],
        "object_id": object_id[:64],
        "object_repr": object_repr[:255],
        "parent_type": parent_type,
        "parent_id": parent_id,
        "before": before,
        "after": after,
        "note": note,
        "object_version": object_version,
        "ip": ctx.ip,
        "source": ctx.source,
        "request_id": ctx.request_id,
    }


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def record(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    before: Snapshot | None = None,
    after: Snapshot | None = None,
    parent: models.Model | None = None,
    note: str = "",
    outcome: str = Outcome.SUCCESS,
) -> AuditEvent:
    """Write one row in the caller's transaction; if it fails, so does the caller's write."""
    event = build(
        actor=actor, action=action, obj=obj, before=before, after=after, parent=parent, note=note, outcome=outcome
    )
    event.save()
    return event


def record_event(event: AuditEvent) -> AuditEvent:
    """Save a row made with `build_raw`."""
    event.save()
    return event


def record_many(events: list[AuditEvent]) -> list[AuditEvent]:
    """Save a batch of rows built with `build`, in order, in the caller's transaction.

    One lock of the chain head for the whole batch, then one bulk insert.
    """
    return AuditEvent.objects.bulk_create(events, batch_size=500)


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
    return raw_row(
        actor=actor,
        action=action,
        object_type=type_name(obj),
        object_id=str(obj.pk),
        object_repr=str(obj),
        before=before,
        after=after,
        parent_type=type_name(parent) if parent is not None else "",
        parent_id=str(parent.pk) if parent is not None else "",
        note=note,
        object_version=getattr(obj, "version", None),
    )


def record_rows(rows: list[dict[str, Any]]) -> None:
    """Save rows made by `build_row`, in order, in the caller's transaction: sealed into the
    hash chain exactly as `record_many` seals instances, then inserted with executemany."""
    from .audit_chain import seal
    from .bulk import insert, with_ids

    holders = [SimpleNamespace(**row) for row in rows]
    seal(cast("list[AuditEvent]", holders))
    insert(AuditEvent, with_ids(AuditEvent, [vars(h) for h in holders]))


def _actor_name(user: Any) -> str:
    if user is None:
        return "系统"
    official = getattr(user, "official", None)
    return official.name if official is not None else user.get_username()
