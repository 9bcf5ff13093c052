"""Audit rows that could not be written when they happened, kept on disk until they can.

A refused request (403, or a 404 for a record outside the user's scope) leaves an
`access.denied` row (checklist C1). That row is written after the answer has gone out
(core/middleware.py), so a busy or locked database never turns the refusal into a 500. If
the write still fails, the row is not dropped: it goes to ZHAOLUO_AUDIT_SPOOL_DIR as one
JSON file (written to a temporary name, then renamed, so a crash leaves no half file), and
an ERROR log line names it. Each `zhaoluo tick` (step "audit_spool") writes the waiting rows
into the hash chain, oldest first, with their original time, address and request id, and
deletes each file once its row is committed. If even the spool cannot be written (disk full),
the row goes to the log in full at CRITICAL: the last place it can be kept.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DatabaseError, transaction

from .models import AuditEvent

logger = logging.getLogger(__name__)

REPLAYED_NOTE = "数据库繁忙时暂存，事后补写"


def spool_dir() -> Path:
    return Path(settings.ZHAOLUO_AUDIT_SPOOL_DIR)


def _encode(row: dict[str, Any]) -> str:
    return json.dumps({**row, "at": row["at"].isoformat()}, ensure_ascii=False, sort_keys=True)


def spool(row: dict[str, Any]) -> Path | None:
    """Keep one row (as built by `audit.raw_row`) on disk; None when even that failed."""
    text = _encode(row)
    directory = spool_dir()
    name = f"{row['at']:%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex}.json"
    try:
        directory.mkdir(parents=True, exist_ok=True)
        partial = directory / f".{name}.part"
        with open(partial, "w", encoding="utf-8") as handle:
            os.fchmod(handle.fileno(), 0o600)  # it names a user and an address
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        path = directory / name
        os.replace(partial, path)
    except OSError:
        logger.critical("审计记录无法写入数据库也无法暂存，全文如下 / audit row lost to disk, kept here: %s", text)
        return None
    logger.error("审计记录暂存待补写 / audit row spooled until the next tick: %s", path.name)
    return path


def write_or_spool(row: dict[str, Any]) -> AuditEvent | None:
    """Write the row into the chain now; if the database refuses (busy, locked, down), spool it."""
    try:
        return _save(row)
    except DatabaseError:
        pass
    except Exception:  # runs after the answer, where Django would swallow it: log, and keep the row
        logger.exception("审计记录写入失败 / audit row could not be written")
    spool(row)
    return None


def _save(row: dict[str, Any], note: str | None = None) -> AuditEvent:
    event = AuditEvent(**({**row, "note": note} if note is not None else row))
    with transaction.atomic():
        event.save()
    return event


def pending() -> list[Path]:
    directory = spool_dir()
    return sorted(directory.glob("*.json")) if directory.is_dir() else []


def replay() -> dict[str, int]:
    """Write every spooled row into the chain, oldest first; stop at the first database error
    (the next tick goes on from there). A file that is not a row is renamed `.bad` and logged."""
    written = bad = 0
    for path in pending():
        try:
            row = json.loads(path.read_text(encoding="utf-8"))
            row["at"] = dt.datetime.fromisoformat(row["at"])
            note = f"{row.get('note', '')}（{REPLAYED_NOTE}）".lstrip()
        except (ValueError, KeyError, TypeError):
            path.rename(path.with_suffix(".bad"))
            logger.error("暂存的审计记录无法读取，已改名 / unreadable spooled audit row: %s", path.name)
            bad += 1
            continue
        try:
            _save(row, note=note)
        except DatabaseError:
            logger.warning("补写审计记录时数据库仍不可用，下次再试 / database still refusing: %s", path.name)
            break
        path.unlink()
        written += 1
    return {"audit_spool_written": written, "audit_spool_bad": bad}
