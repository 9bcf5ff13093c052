"""C4/C5, issue #11 point 2: the audit chain is anchored outside its table, so a wiped,
truncated or rolled-back log is reported with what is missing."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from zhaoluo.core import audit, audit_chain, backup
from zhaoluo.core.models import AuditChainHead, AuditEvent
from zhaoluo.core.scheduled import run_tick
from zhaoluo.core.tests.test_audit_chain import _as_table_owner, _table
from zhaoluo.core.tests.test_backup import committed, committed_db  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


def _events(world, count: int = 3) -> list[AuditEvent]:
    return [
        audit.record(actor=world.investment, action=f"test.anchor{i}", obj=world.project, after={"n": i})
        for i in range(count)
    ]


def _head() -> AuditChainHead:
    return AuditChainHead.objects.get(pk=audit_chain.HEAD_PK)


def _verify_error() -> str:
    with pytest.raises(CommandError) as exc:
        call_command("audit", "verify")
    return str(exc.value)


def _cut_after(seq: int, head: dict[str, object] | None) -> None:
    """What an intruder with the table owner's password does: delete the newest rows and put
    back an older head (from a backup, so its seal is genuine), or none at all."""
    with connection.cursor() as cursor:
        _as_table_owner(cursor)
        cursor.execute(f"DELETE FROM {_table()} WHERE seq > %s", [seq])
    AuditChainHead.objects.all().delete()
    if head is not None:
        AuditChainHead.objects.create(pk=audit_chain.HEAD_PK, **head)


def _saved_head() -> dict[str, object]:
    head = _head()
    return {k: getattr(head, k) for k in ("seq", "hash", "purged_seq", "purged_hash", "mac")}


def test_an_intact_log_passes_and_names_the_anchor_it_matched(world, capsys):
    _events(world)
    run_tick()
    call_command("audit", "verify")
    out = capsys.readouterr().out
    assert "审计链完整" in out and f"外部锚点一致：seq {_head().seq}" in out


def test_a_wiped_audit_log_and_head_are_reported_with_the_missing_range(world):
    _events(world)
    run_tick()  # the tick anchors the head outside the database
    anchored = _head().seq
    _cut_after(0, None)
    assert AuditEvent.objects.count() == 0  # the chain alone would pass: nothing left to check
    assert audit_chain.verify().ok
    message = _verify_error()
    assert "清空" in message and f"缺少 seq 1–{anchored} 共 {anchored} 条" in message


def test_newest_rows_cut_off_with_an_older_head_put_back_are_reported(world):
    _events(world)
    older = _saved_head()
    _events(world, 4)
    run_tick()
    anchored = _head().seq
    _cut_after(int(older["seq"]), older)  # type: ignore[call-overload]
    assert audit_chain.verify().ok
    assert f"缺少 seq {int(older['seq']) + 1}–{anchored}" in _verify_error()  # type: ignore[call-overload]


def test_a_rollback_written_over_past_the_anchor_is_reported(world):
    _events(world)
    older = _saved_head()
    _events(world, 2)
    call_command("audit", "anchor")
    anchored = _head().seq
    _cut_after(int(older["seq"]), older)  # type: ignore[call-overload]
    _events(world, 5)  # new rows reach past the anchored seq, with other hashes
    assert _head().seq > anchored and audit_chain.verify().ok
    message = _verify_error()
    assert f"seq {anchored} 的摘要与外部锚点" in message and "回退后重写" in message


def test_a_forged_anchor_line_is_reported(world, settings):
    _events(world)
    run_tick()
    with open(settings.ZHAOLUO_AUDIT_ANCHOR_FILE, "a", encoding="utf-8") as fh:
        fh.write(json.dumps({"seq": 1, "hash": "0" * 64, "at": "2026-01-01", "source": "tick", "mac": "f" * 64}) + "\n")
    assert "被改动或伪造" in _verify_error()


@committed_db
def test_a_backup_records_the_head_in_its_manifest_and_anchors_it(committed, settings):  # noqa: F811
    with transaction.atomic():
        audit.record(actor=None, action="test.anchor", obj=committed)
    directory = backup.backup()
    manifest = backup.load_manifest(directory)
    head = _head()
    assert manifest["audit_head"]["seq"] == head.seq > 0 and manifest["audit_head"]["hash"] == head.hash
    lines = settings.ZHAOLUO_AUDIT_ANCHOR_FILE.read_text(encoding="utf-8").splitlines()
    assert json.loads(lines[-1])["source"] == "backup"
    # Even with the anchor file gone, the backup's manifest still anchors the chain.
    settings.ZHAOLUO_AUDIT_ANCHOR_FILE.unlink()
    _cut_after(0, None)
    assert f"缺少 seq 1–{head.seq}" in _verify_error()
