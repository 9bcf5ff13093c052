"""C6: audit rows are kept at least 184 days, archived before they are deleted, and the
chain still verifies after a purge."""

from __future__ import annotations

import datetime as dt
import gzip
import json

import pytest
import time_machine
from django.core.checks import run_checks
from django.core.management import call_command
from django.utils import timezone

from zhaoluo.core import audit, audit_chain
from zhaoluo.core.models import AuditEvent
from zhaoluo.core.scheduled import run_tick

pytestmark = pytest.mark.django_db

START = dt.datetime(2025, 1, 10, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def archive_dir(settings, tmp_path):
    settings.ZHAOLUO_AUDIT_ARCHIVE_DIR = tmp_path / "audit-archive"
    return settings.ZHAOLUO_AUDIT_ARCHIVE_DIR


def _rows_on(days: list[int], world) -> dict[int, AuditEvent]:
    """One audit row written on each day (counted from START)."""
    out = {}
    for day in days:
        with time_machine.travel(START + dt.timedelta(days=day), tick=False):
            out[day] = audit.record(actor=world.investment, action=f"test.day{day}", obj=world.project)
    return out


def _archived(directory) -> list[dict]:
    rows = []
    for path in sorted(directory.glob("audit-*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            rows.extend(json.loads(line) for line in fh)
    return rows


@pytest.mark.parametrize("days", [1, 90, 183])
def test_a_retention_shorter_than_184_days_fails_the_start_up_check(settings, days):
    settings.ZHAOLUO_AUDIT_RETENTION_DAYS = days
    assert "zhaoluo.E001" in {m.id for m in run_checks()}


def test_a_retention_of_184_days_or_more_passes_the_start_up_check(settings):
    settings.ZHAOLUO_AUDIT_RETENTION_DAYS = 184
    assert "zhaoluo.E001" not in {m.id for m in run_checks()}


def test_tick_archives_then_deletes_only_rows_older_than_retention(world, settings, archive_dir):
    settings.ZHAOLUO_AUDIT_RETENTION_DAYS = 184
    # Rows the world fixture or anything before START left behind are older still: purge them too.
    rows = _rows_on([0, 10, 100, 300, 400], world)
    now = START + dt.timedelta(days=500)
    with time_machine.travel(now, tick=False):
        result = run_tick()
    cutoff = now - dt.timedelta(days=184)
    assert result["audit_purged"] >= 3
    remaining = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"test.day0", "test.day10", "test.day100"}.isdisjoint(remaining)
    assert {"test.day400", "audit.purged"} <= remaining
    # Nothing younger than the retention period was deleted.
    assert not AuditEvent.objects.filter(at__lt=cutoff).exists()
    assert rows[400].pk in set(AuditEvent.objects.values_list("id", flat=True))
    archived = _archived(archive_dir)
    assert {r["action"] for r in archived} >= {"test.day0", "test.day10", "test.day100", "test.day300"}
    assert all(dt.datetime.fromisoformat(r["at"]) < cutoff for r in archived)
    assert {r["id"] for r in archived}.isdisjoint(set(AuditEvent.objects.values_list("id", flat=True)))
    purged = AuditEvent.objects.get(action="audit.purged")
    assert purged.source == "tick" and "sha256=" in purged.note
    assert audit_chain.verify().ok
    call_command("audit", "verify")


def test_rows_younger_than_184_days_are_never_purged_whatever_the_clock(world, settings, archive_dir):
    settings.ZHAOLUO_AUDIT_RETENTION_DAYS = 184
    _rows_on([0, 1, 2], world)
    for offset in (0, 100, 183):
        with time_machine.travel(START + dt.timedelta(days=offset), tick=False):
            audit_chain.purge(
                now=timezone.now(), retention_days=settings.ZHAOLUO_AUDIT_RETENTION_DAYS, archive_dir=archive_dir
            )
    assert set(AuditEvent.objects.filter(action__startswith="test.day").values_list("action", flat=True)) == {
        "test.day0",
        "test.day1",
        "test.day2",
    }
    assert audit_chain.verify().ok


def test_a_second_purge_continues_the_chain_from_the_first(world, settings, archive_dir):
    settings.ZHAOLUO_AUDIT_RETENTION_DAYS = 200
    _rows_on([0, 50, 100], world)
    with time_machine.travel(START + dt.timedelta(days=230), tick=False):
        call_command("audit", "purge")
    _rows_on([240], world)
    with time_machine.travel(START + dt.timedelta(days=320), tick=False):
        call_command("audit", "purge")
    assert not AuditEvent.objects.filter(action__in=["test.day0", "test.day50", "test.day100"]).exists()
    assert len(list(archive_dir.glob("audit-*.jsonl.gz"))) == 2
    assert audit_chain.verify().ok


def test_a_broken_segment_is_kept_as_evidence_and_the_purge_refuses(world, settings, archive_dir):
    from django.db import connection

    rows = _rows_on([0, 1], world)
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER core_auditevent_append_only")
        cursor.execute(f"UPDATE {table} SET note = 'x' WHERE id = %s", [rows[0].pk])
    with pytest.raises(audit_chain.AuditChainError):
        audit_chain.purge(now=START + dt.timedelta(days=400), retention_days=184, archive_dir=archive_dir)
    assert AuditEvent.objects.filter(pk=rows[0].pk).exists()
    assert not list(archive_dir.glob("audit-*.jsonl.gz"))
