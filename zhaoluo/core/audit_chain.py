"""The audit log's hash chain: sealing new rows, verifying the chain, purging old rows.

Every row carries `seq` (1, 2, 3 … with no gaps), `prev_hash` (the previous row's hash)
and `hash` = HMAC-SHA256(ZHAOLUO_AUDIT_KEY, canonical text of the row's fields +
prev_hash). Whoever can write to the database but does not hold the key cannot alter,
insert or delete a row without `verify` naming the first broken record.

Writers serialise on the single `AuditChainHead` row: `SELECT … FOR UPDATE` on
PostgreSQL; on SQLite every transaction is BEGIN IMMEDIATE (settings), so only one
writer is inside at a time anyway. The head row is written in the same transaction as
the audit rows and the business write, so the chain and the data commit or roll back
together.

Retention (`purge`) archives the oldest rows to a gzipped JSON-lines file and only then
deletes them; the head records the last purged row's seq and hash (sealed with the same
key), and verification starts from there.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import hmac
import ipaddress
import json
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction

from .models import AuditChainHead, AuditEvent

GENESIS = "0" * 64
HEAD_PK = 1
# The fields a row's hash covers, in this order; everything a reader relies on.
CHAIN_FIELDS = (
    "seq",
    "at",
    "actor_id",
    "actor_name",
    "action",
    "outcome",
    "object_type",
    "object_id",
    "object_repr",
    "parent_type",
    "parent_id",
    "before",
    "after",
    "note",
    "object_version",
    "ip",
    "source",
    "request_id",
    "prev_hash",
)
PURGE_SETTING = "zhaoluo.audit_purge"


class AuditChainError(Exception):
    """The chain cannot be extended or purged safely (a broken segment, no key)."""


def _key() -> bytes:
    key = getattr(settings, "ZHAOLUO_AUDIT_KEY", "")
    if not key:
        # Fail closed: without the key no audit row can be written, so no business write commits.
        raise ImproperlyConfigured("ZHAOLUO_AUDIT_KEY 未设置：审计日志无法签名 / the audit key is not set")
    return str(key).encode()


def _number(value: int | float | Decimal) -> str:
    # One text per number whatever the database hands back (PostgreSQL's jsonb turns 1e20 into an integer).
    text = format(Decimal(repr(value) if isinstance(value, float) else value).normalize(), "f")
    return "0" if text in {"-0", "0"} else text


def _plain(value: Any) -> bool:
    """Only text, integers (booleans are ints), None, lists and dicts with text keys: what an
    audit snapshot usually is. For those the C json encoder writes exactly what _canon_general
    would. Exact types first, as they are the common case; an int subclass other than bool
    takes the general path, which is slower but writes the same text."""
    kind = type(value)
    if kind is str or value is None or kind is bool:
        return True
    if kind is int:
        # _number goes through Decimal's 28-digit context; small integers print the same either way.
        return -(10**15) < value < 10**15
    # Plain loops, not all(...): this runs for every audit row and a generator costs twice as much.
    if kind is dict:
        for key, item in value.items():  # noqa: SIM110
            if type(key) is not str or not _plain(item):
                return False
        return True
    if kind is list or kind is tuple:
        for item in value:  # noqa: SIM110
            if not _plain(item):
                return False
        return True
    # A str subclass (a choices enum such as Stage.SIGNED) is written by both paths as its text.
    return isinstance(value, str)


# One encoder for every call: json.dumps with non-default options builds a new one each time.
_SORTED = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))
_quoted = json.encoder.encode_basestring  # what json.dumps(text, ensure_ascii=False) returns


def _canon(value: Any) -> str:
    """The canonical text of one value: the cheap cases by exact type, then _canon_general."""
    kind = type(value)
    if kind is str:
        return _quoted(value)
    if value is None:
        return "null"
    if kind is bool:
        return "true" if value else "false"
    if kind is int and -(10**15) < value < 10**15:
        return str(value)
    if (kind is dict or kind is list) and _plain(value):
        return _SORTED.encode(value)
    if isinstance(value, str):  # a choices enum: its text, as json.dumps writes it
        return _quoted(value)
    return _canon_general(value)


def _canon_general(value: Any) -> str:
    """The definition of the canonical text; every row ever sealed was sealed with this text."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        return _number(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list | tuple):
        return "[" + ",".join(_canon_general(v) for v in value) + "]"
    if isinstance(value, dict):
        items = sorted((str(k), v) for k, v in value.items())
        return "{" + ",".join(json.dumps(k, ensure_ascii=False) + ":" + _canon_general(v) for k, v in items) + "}"
    return json.dumps(str(value), ensure_ascii=False)


@lru_cache(maxsize=256)
def _ip_text(value: str) -> str:
    return str(ipaddress.ip_address(value))


@lru_cache(maxsize=64)
def _utc_text(value: dt.datetime) -> str:
    # Cached: the rows of one bulk write share their timestamp.
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _field_value(row: Any, name: str) -> Any:
    value = getattr(row, name)
    if name == "at":
        return _utc_text(value)
    if name == "ip" and value:
        return _ip_text(value)
    return value


_KEYS = tuple((name, f'"{name}":') for name in CHAIN_FIELDS)


def canonical(row: Any) -> bytes:
    """The bytes a row's hash covers. Works on historical models too (the chaining migration)."""
    return ("{" + ",".join(key + _canon(_field_value(row, name)) for name, key in _KEYS) + "}").encode()


def row_hash(row: Any, key: bytes | None = None) -> str:
    # hmac.digest is OpenSSL's one-shot HMAC: the same bytes as hmac.new(...).hexdigest(), without the object.
    return hmac.digest(key or _key(), canonical(row), "sha256").hex()


def head_mac(head: Any, key: bytes | None = None) -> str:
    text = f"{head.seq}|{head.hash}|{head.purged_seq}|{head.purged_hash}".encode()
    return hmac.new(key or _key(), text, hashlib.sha256).hexdigest()


def _lock_head() -> AuditChainHead:
    head = AuditChainHead.objects.select_for_update().filter(pk=HEAD_PK).first()
    if head is None:
        # A database created by the migrations has the row; a flushed test database does not.
        head = AuditChainHead(pk=HEAD_PK, seq=0, hash=GENESIS, purged_seq=0, purged_hash=GENESIS)
        head.mac = head_mac(head)
        head.save(force_insert=True)
    return head


def seal(events: list[AuditEvent]) -> None:
    """Give unsaved rows their place in the chain. Call inside the transaction that inserts them."""
    if not events:
        return
    if connection.get_autocommit():
        raise AuditChainError("seal() must run inside the inserting transaction")
    key = _key()
    head = _lock_head()
    seq, prev = head.seq, head.hash or GENESIS
    for event in events:
        if event.at is None:
            from django.utils import timezone

            event.at = timezone.now()
        seq += 1
        event.seq = seq
        event.prev_hash = prev
        event.hash = row_hash(event, key)
        prev = event.hash
    head.seq, head.hash = seq, prev
    head.mac = head_mac(head, key)
    head.save(update_fields=["seq", "hash", "mac"])


@dataclass(frozen=True)
class Broken:
    """The first record where the chain does not hold, and why."""

    reason: str
    record_id: int | None = None
    seq: int | None = None
    at: dt.datetime | None = None
    action: str = ""

    def describe(self) -> str:
        if self.record_id is None or self.at is None:
            return self.reason
        return f"记录 #{self.record_id} (seq {self.seq}, {self.at.isoformat()}, {self.action}): {self.reason}"


@dataclass(frozen=True)
class Verification:
    checked: int
    broken: Broken | None

    @property
    def ok(self) -> bool:
        return self.broken is None


def _broken(row: AuditEvent, reason: str) -> Broken:
    return Broken(reason=reason, record_id=row.pk, seq=row.seq, at=row.at, action=row.action)


def verify(*, chunk_size: int = 2000) -> Verification:
    """Walk the chain oldest first, streaming; stop at the first record that does not hold."""
    key = _key()
    head = AuditChainHead.objects.filter(pk=HEAD_PK).first()
    if head is None:
        first = AuditEvent.objects.order_by("seq", "id").first()
        if first is None:
            return Verification(0, None)
        return Verification(0, _broken(first, "链头缺失 / the chain head is missing"))
    if not hmac.compare_digest(head.mac, head_mac(head, key)):
        return Verification(0, Broken("链头被改动 / the chain head was altered"))
    expected, prev, checked = head.purged_seq + 1, head.purged_hash or GENESIS, 0
    rows = AuditEvent.objects.filter(seq__gt=head.purged_seq, seq__lte=head.seq).order_by("seq")
    for row in rows.iterator(chunk_size=chunk_size):
        if row.seq != expected:
            return Verification(checked, _broken(row, f"此前缺少记录 seq {expected}–{row.seq - 1} / records deleted"))
        if row.prev_hash != prev:
            return Verification(checked, _broken(row, "前一条摘要不符 / previous hash mismatch (deleted or altered)"))
        if not hmac.compare_digest(row.hash, row_hash(row, key)):
            return Verification(checked, _broken(row, "内容与摘要不符 / record altered"))
        prev, expected, checked = row.hash, expected + 1, checked + 1
    if expected - 1 != head.seq or prev != (head.hash or GENESIS):
        return Verification(checked, Broken(f"末尾缺少记录（应到 seq {head.seq}）/ the newest records were deleted"))
    # Rows outside the sealed range were not written through the chain (or the head was rolled back).
    head_now = AuditChainHead.objects.get(pk=HEAD_PK)
    stray = (
        AuditEvent.objects.filter(seq__lte=head.purged_seq).order_by("seq").first()
        or AuditEvent.objects.filter(seq__gt=head_now.seq).order_by("seq").first()
        or AuditEvent.objects.filter(seq__isnull=True).first()
    )
    if stray is not None:
        return Verification(checked, _broken(stray, "不在链内的记录 / a record outside the chain"))
    return Verification(checked, None)


@dataclass(frozen=True)
class Purge:
    purged: int
    archive: Path | None
    through_seq: int


def archive_row(row: AuditEvent) -> dict[str, Any]:
    data = {name: getattr(row, name) for name in CHAIN_FIELDS}
    data["id"] = row.pk
    data["at"] = row.at.isoformat()
    data["hash"] = row.hash
    return data


def _write_archive(directory: Path, name: str, rows: Iterable[dict[str, Any]]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / name
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=".jsonl.gz")
    try:
        with os.fdopen(fd, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb") as gz:
            for data in rows:
                gz.write(json.dumps(data, ensure_ascii=False, sort_keys=True).encode() + b"\n")
            gz.close()
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


@dataclass
class _Walk:
    """Checks each row of a segment while it is archived; a broken segment stops the purge."""

    prev: str
    expected: int
    count: int = 0

    def rows(self, segment: Any, key: bytes) -> Iterable[dict[str, Any]]:
        for row in segment.iterator(chunk_size=2000):
            if (
                row.seq != self.expected
                or row.prev_hash != self.prev
                or not hmac.compare_digest(row.hash, row_hash(row, key))
            ):
                raise AuditChainError(f"审计链在记录 #{row.pk} 处断开，拒绝清理 / chain broken, purge refused")
            self.prev, self.expected, self.count = row.hash, row.seq + 1, self.count + 1
            yield archive_row(row)


def purge(*, now: dt.datetime, retention_days: int, archive_dir: Path) -> Purge:
    """Archive, then delete, the oldest rows older than the retention period.

    Only a prefix of the chain is ever removed: everything before the first row younger
    than the cutoff, so a row inside the retention period is never deleted. The segment
    is verified while it is archived; a broken segment is kept as evidence and the
    purge refuses.
    """
    cutoff = now - dt.timedelta(days=retention_days)
    key = _key()
    with transaction.atomic():
        head = _lock_head()
        first_young = (
            AuditEvent.objects.filter(seq__gt=head.purged_seq, at__gte=cutoff)
            .order_by("seq")
            .values_list("seq", flat=True)
            .first()
        )
        last = first_young - 1 if first_young is not None else head.seq
        if last <= head.purged_seq:
            return Purge(0, None, head.purged_seq)
        segment = AuditEvent.objects.filter(seq__gt=head.purged_seq, seq__lte=last).order_by("seq")
        walk = _Walk(prev=head.purged_hash or GENESIS, expected=head.purged_seq + 1)
        name = f"audit-{head.purged_seq + 1:012d}-{last:012d}-{now:%Y%m%dT%H%M%S}.jsonl.gz"
        path = _write_archive(archive_dir, name, walk.rows(segment, key))
        if walk.expected - 1 != last:
            path.unlink(missing_ok=True)
            raise AuditChainError("审计链缺少记录，拒绝清理 / chain has gaps, purge refused")
        with connection.cursor() as cursor:
            table = connection.ops.quote_name(AuditEvent._meta.db_table)
            if connection.vendor == "postgresql":
                # The append-only trigger lets a DELETE through only under this transaction-local setting.
                cursor.execute("SELECT set_config(%s, 'on', true)", [PURGE_SETTING])
            cursor.execute(f"DELETE FROM {table} WHERE seq > %s AND seq <= %s", [head.purged_seq, last])
            if connection.vendor == "postgresql":
                cursor.execute("SELECT set_config(%s, 'off', true)", [PURGE_SETTING])
        head.purged_seq, head.purged_hash = last, walk.prev
        head.mac = head_mac(head, key)
        head.save(update_fields=["purged_seq", "purged_hash", "mac"])
        return Purge(walk.count, path, last)


def archive_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
