"""H2 (SQLite concurrency settings) and H6 (race-safe stage moves, idempotent creates under a race).

On SQLite the workloads run in a child process on a database file with the platform's own
settings (the in-memory test database does not lock like a deployment's file); on
PostgreSQL they run in-process against the test database with SELECT … FOR UPDATE.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from zhaoluo import settings as platform_settings
from zhaoluo.testing import concurrency

ON_SQLITE = connection.vendor == "sqlite"


@pytest.fixture(scope="module")
def sqlite_report(tmp_path_factory) -> dict:
    path = Path(tmp_path_factory.mktemp("concurrency")) / "zhaoluo.sqlite3"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    done = subprocess.run(
        [sys.executable, "-m", "zhaoluo.testing.concurrency", str(path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


@pytest.fixture
def report(request) -> dict:
    if ON_SQLITE:
        return request.getfixturevalue("sqlite_report")
    return {
        "counter": concurrency.counter(lock=True),
        "advance": concurrency.advance_race(),
        "create_once": concurrency.create_once_race(),
        "resolve": concurrency.resolve_race(),
    }


def test_the_embedded_database_is_configured_for_wal_immediate_transactions_and_full_sync(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("ZHAOLUO_SQLITE_PATH", str(tmp_path / "x.sqlite3"))
    db = platform_settings._database()
    options = db["OPTIONS"]
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 5
    pragmas = options["init_command"].replace(" ", "").lower()
    assert "journal_mode=wal" in pragmas and "synchronous=full" in pragmas and "foreign_keys=on" in pragmas


# Committed data, so the worker threads' own connections see it (PostgreSQL runs in-process).
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_lose_no_update_and_races_end_with_one_winner_and_one_record(report):
    # One test, so the child process runs once per test run (it takes a few seconds).
    counter = report["counter"]
    assert counter["other"] == []
    assert counter["locked"] == 0, "database is locked"
    # H2: 8 threads × 50 read-modify-write transactions.
    assert (counter["attempts"], counter["committed"], counter["final"]) == (400, 400, 400)
    # H6: two 开工 of one project at one version, ten times: one wins, one is told of the conflict.
    rounds = report["advance"]["rounds"]
    assert rounds == [{"won": 1, "conflict": 1, "transitions": 1}] * 10
    # H6: two submissions with one idempotency token, ten times: one record.
    rounds = report["create_once"]["rounds"]
    assert rounds == [{"created": 1, "replayed": 1, "rows": 1}] * 10
    # H6: two 办结 of one problem at once, without versions, ten times: the status-conditional UPDATE lets one through.
    rounds = report["resolve"]["rounds"]
    assert rounds == [{"won": 1, "refused": 1, "resolved_rows": 1}] * 10
    if ON_SQLITE:
        assert report["pragmas"] == {"journal_mode": "wal", "synchronous": 2, "busy_timeout": 20000}
