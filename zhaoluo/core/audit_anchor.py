"""Anchoring the audit chain outside the table it protects.

The hash chain (audit_chain.py) proves that the rows present were not altered, inserted or
removed in the middle. It cannot prove that the newest rows are still there: whoever deletes
the newest rows, or every row and the head, or puts back an older head from a backup, leaves a
chain that checks. So the head's `seq` and `hash` are also written outside the database:

- each tick and each `audit verify` that passes append a line to ZHAOLUO_AUDIT_ANCHOR_FILE
  (under the log directory; make it append-only on the server: `chattr +a`, or ship it to the
  log server), and
- each backup writes the head of the copy it made into its manifest (`audit_head`) and appends
  the same line to the file.

Each line is sealed with the audit key, so a forged or edited line is reported. `verify`
takes the newest anchor (the highest seq, from the file and the backup manifests) and
compares: a head below it means truncation or rollback, with the missing seq range named; the
row at the anchored seq must still carry the anchored hash, else the log was rolled back
and rewritten.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from . import audit_chain
from .models import AuditChainHead, AuditEvent

HEAD_TABLE = AuditChainHead._meta.db_table
_TAIL_BYTES = 4096


@dataclass(frozen=True)
class Anchor:
    seq: int
    hash: str
    at: str
    source: str

    def describe(self) -> str:
        return f"{self.source} {self.at}"


@dataclass(frozen=True)
class Anchored:
    """A chain verification, and the external anchor it was compared with (None: none yet)."""

    verification: audit_chain.Verification
    anchor: Anchor | None


def anchor_file() -> Path:
    return Path(settings.ZHAOLUO_AUDIT_ANCHOR_FILE)


def _mac(seq: int, head_hash: str, at: str, source: str) -> str:
    text = f"anchor|{seq}|{head_hash}|{at}|{source}".encode()
    return hmac.new(audit_chain._key(), text, hashlib.sha256).hexdigest()


def line_for(*, seq: int, head_hash: str, source: str, at: str | None = None) -> dict[str, Any]:
    at = at or timezone.now().isoformat()
    return {"seq": seq, "hash": head_hash, "at": at, "source": source, "mac": _mac(seq, head_hash, at, source)}


def current_head() -> tuple[int, str]:
    head = AuditChainHead.objects.filter(pk=audit_chain.HEAD_PK).first()
    if head is None:
        return 0, audit_chain.GENESIS
    return head.seq, head.hash or audit_chain.GENESIS


def head_of(dbapi_connection: Any) -> dict[str, Any] | None:
    """The chain head inside a database copy (a backup), as an anchor line; None if it has none."""
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f'SELECT seq, hash FROM "{HEAD_TABLE}" WHERE id = 1')
        row = cursor.fetchone()
    finally:
        cursor.close()
    if row is None:
        return None
    return line_for(seq=int(row[0]), head_hash=row[1] or audit_chain.GENESIS, source="backup")


def _last_line(path: Path) -> dict[str, Any] | None:
    # Read the tail only: the file grows by a line a tick, for years.
    with path.open("rb") as fh:
        fh.seek(0, os.SEEK_END)
        size = fh.tell()
        fh.seek(max(0, size - _TAIL_BYTES))
        lines = [line for line in fh.read().splitlines() if line.strip()]
    try:
        return json.loads(lines[-1]) if lines else None
    except ValueError:
        return None


def append(line: dict[str, Any]) -> None:
    path = anchor_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n")
        fh.flush()
        os.fsync(fh.fileno())


def write(*, source: str) -> tuple[Anchor, bool]:
    """Append the current head to the anchor file (nothing when the last line already says it);
    the anchor, and whether a line was written."""
    seq, head_hash = current_head()
    path = anchor_file()
    last = _last_line(path) if path.is_file() else None
    if last is not None and last.get("seq") == seq and last.get("hash") == head_hash:
        return Anchor(seq, head_hash, str(last.get("at", "")), str(last.get("source", ""))), False
    line = line_for(seq=seq, head_hash=head_hash, source=source)
    append(line)
    return Anchor(seq, head_hash, line["at"], source), True


def start_new(*, reason: str) -> Path | None:
    """A new database (the demo loaded from scratch) starts a new anchor file; the old one is kept aside."""
    path = anchor_file()
    if not path.is_file():
        return None
    aside = path.with_name(f"{path.name}.{reason}-{timezone.now():%Y%m%dT%H%M%S}")
    path.rename(aside)
    return aside


class AnchorError(Exception):
    pass


def _checked(data: Any, where: str) -> Anchor:
    try:
        anchor = Anchor(int(data["seq"]), str(data["hash"]), str(data["at"]), str(data["source"]))
        ok = hmac.compare_digest(str(data["mac"]), _mac(anchor.seq, anchor.hash, anchor.at, anchor.source))
    except (KeyError, TypeError, ValueError) as exc:
        raise AnchorError(f"{where}无法读取 / unreadable anchor") from exc
    if not ok:
        raise AnchorError(f"{where}被改动或伪造 / anchor altered or forged")
    return anchor


def anchors() -> list[Anchor]:
    """Every anchor: the file's lines and the backup manifests'; AnchorError at a bad one."""
    found: list[Anchor] = []
    path = anchor_file()
    if path.is_file():
        with path.open(encoding="utf-8") as fh:
            for number, text in enumerate(fh, start=1):
                if not text.strip():
                    continue
                try:
                    data = json.loads(text)
                except ValueError as exc:
                    raise AnchorError(f"锚点文件 {path} 第 {number} 行无法读取 / unreadable anchor") from exc
                found.append(_checked(data, f"锚点文件 {path} 第 {number} 行"))
    backups = Path(settings.ZHAOLUO_BACKUP_DIR)
    if backups.is_dir():
        for manifest in sorted(backups.glob("*/manifest.json")):
            try:
                head = json.loads(manifest.read_text(encoding="utf-8")).get("audit_head")
            except ValueError:
                continue  # `restore` judges a damaged manifest; it anchors nothing
            if head is not None:
                found.append(_checked(head, f"备份清单 {manifest} 的审计链头"))
    return found


def _broken(reason: str) -> audit_chain.Broken:
    return audit_chain.Broken(reason=reason)


def compare(anchor: Anchor) -> audit_chain.Broken | None:
    """Whether the table still holds what the anchor saw."""
    head = AuditChainHead.objects.filter(pk=audit_chain.HEAD_PK).first()
    seq = head.seq if head is not None else 0
    if anchor.seq > seq:
        rows = AuditEvent.objects.count()
        return _broken(
            f"审计记录被截断、清空或回退：外部锚点（{anchor.describe()}）记录链头为 seq {anchor.seq}，"
            f"当前链头只到 seq {seq}（表中现有 {rows} 条），缺少 seq {seq + 1}–{anchor.seq} 共 {anchor.seq - seq} 条"
            f" / truncated, wiped or rolled back: seq {seq + 1}-{anchor.seq} missing"
        )
    if head is None:
        return None  # an anchor of the empty chain, and still no row: nothing is missing
    if anchor.seq > head.purged_seq:
        row_hash = AuditEvent.objects.filter(seq=anchor.seq).values_list("hash", flat=True).first()
    elif anchor.seq == head.purged_seq:
        row_hash = head.purged_hash or audit_chain.GENESIS
    else:
        return None  # archived by the retention purge; the archive file holds it
    if row_hash != anchor.hash:
        return _broken(
            f"seq {anchor.seq} 的摘要与外部锚点（{anchor.describe()}）不符：审计日志被回退后重写"
            f" / seq {anchor.seq} differs from its anchor: rolled back and rewritten"
        )
    return None


def verify() -> Anchored:
    """The chain check, then the comparison with the newest external anchor."""
    result = audit_chain.verify()
    if not result.ok:
        return Anchored(result, None)
    try:
        found = anchors()
    except AnchorError as exc:
        return Anchored(audit_chain.Verification(result.checked, _broken(str(exc))), None)
    if not found:
        return Anchored(result, None)
    newest = max(found, key=lambda a: a.seq)
    broken = compare(newest)
    return Anchored(audit_chain.Verification(result.checked, broken), newest)
