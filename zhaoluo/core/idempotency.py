"""Idempotent creates: the same submission twice makes one record.

A create form carries a hidden token (a UUID issued when the form is rendered); an API
client may send the same thing as an `Idempotency-Key` header. The first submission with
a token claims it (a row of IdempotencyKey, unique per user and token) in the same
transaction as the create, and notes the record it made. A second submission with that
token — a double click, a browser resubmitting after a timeout, a client retrying — finds
the claim and is led to that record instead of making another.

Two submissions racing each other are serialised by the database: on SQLite the
IMMEDIATE transaction of the second waits for the first to commit; on PostgreSQL the
second insert of the same (user, token) waits on the unique index and fails once the
first commits, and the second then reads the first's claim. Either way one record.

Without a token a submission runs as before (old clients, scripts), so the token is an
offer of safety, not a new requirement.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from .audit import type_name
from .models import IdempotencyKey

FIELD = "idempotency_key"
HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
# Long enough for any retry a person or a client makes; purge() drops older claims.
KEEP = dt.timedelta(days=7)

R = TypeVar("R")


@dataclass(frozen=True)
class Replay:
    """What the first submission with this token made."""

    object_type: str
    object_id: str
    url: str

    def instance(self) -> models.Model | None:
        if not self.object_type or not self.object_id:
            return None
        try:
            model = apps.get_model(self.object_type)
        except LookupError:
            return None
        return model._default_manager.filter(pk=self.object_id).first()


def parse_key(value: Any) -> uuid.UUID | None:
    """A token as sent; blank means none. A malformed one is refused rather than ignored,
    so a client that thinks it is protected is told it is not."""
    if value in (None, ""):
        return None
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value).strip())
    except ValueError as exc:
        raise ValidationError({FIELD: "提交令牌格式不正确（应为 UUID），请刷新页面后重新提交"}) from exc


def new_key() -> uuid.UUID:
    return uuid.uuid4()


def run_once(
    *,
    user: Any,
    key: uuid.UUID | None,
    scope: str,
    create: Callable[[], R],
    describe: Callable[[R], tuple[models.Model | None, str]],
) -> R | Replay:
    """Run `create` unless this user already submitted `key`; then return a Replay.

    `describe` says what the create made: (record, url to show it). `create` is a
    service call; its ValidationError rolls the claim back with it, so a corrected
    resubmission with the same token is a first submission again.
    """
    if key is None or user is None or not getattr(user, "is_authenticated", False):
        return create()
    with transaction.atomic():
        earlier = _claimed(user, key, scope)
        if earlier is not None:
            return earlier
        try:
            with transaction.atomic():
                claim = IdempotencyKey.objects.create(user=user, key=key, scope=scope)
        except IntegrityError:
            # Another submission with this token committed between our read and our insert.
            earlier = _claimed(user, key, scope)
            if earlier is None:  # pragma: no cover - the unique row exists, so it is read
                raise
            return earlier
        result = create()
        obj, url = describe(result)
        claim.object_type = type_name(obj) if obj is not None else ""
        claim.object_id = str(obj.pk) if obj is not None else ""
        claim.url = url[:255]
        claim.save(update_fields=["object_type", "object_id", "url"])
        return result


def _claimed(user: Any, key: uuid.UUID, scope: str) -> Replay | None:
    row = IdempotencyKey.objects.filter(user=user, key=key).first()
    if row is None:
        return None
    if row.scope != scope:
        raise ValidationError({FIELD: "该提交令牌已用于其他操作，请刷新页面后重新提交"})
    return Replay(object_type=row.object_type, object_id=row.object_id, url=row.url)


def purge(*, now: dt.datetime | None = None) -> int:
    """Forget claims older than KEEP; returns how many were dropped."""
    cutoff = (now or timezone.now()) - KEEP
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted
