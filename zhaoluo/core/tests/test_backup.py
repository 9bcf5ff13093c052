"""Online backup and proven restore (E1, H3), including the drill under concurrent writes."""

from __future__ import annotations

import json
import sqlite3
import tarfile
import threading
import time
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from zhaoluo.core import backup
from zhaoluo.enterprises.models import Enterprise
from zhaoluo.orgs.choices import RegionLevel
from zhaoluo.orgs.models import Region
from zhaoluo.testing import factories as f

SENTINEL_PHONE = "13987650000"

on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite variant")
on_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL variant")


# Committed data (pg_dump is another session), flushed afterwards. Only these apps' tables are
# flushed: rows that migrations seed elsewhere (light presets, the tick schedule) stay for the
# transactional tests that follow (the browser tests).
committed_db = pytest.mark.django_db(
    transaction=True, available_apps=["zhaoluo.core", "zhaoluo.orgs", "zhaoluo.chains", "zhaoluo.enterprises"]
)


@pytest.fixture
def committed():
    district = Region.objects.create(code="420607", name="襄州区", level=RegionLevel.DISTRICT)
    f.EnterpriseFactory.create_batch(3, district=district)
    return f.EnterpriseFactory.create(district=district, phone=SENTINEL_PHONE, contact="哨兵")


def _only_backup(tmp_path: Path) -> Path:
    (directory,) = (tmp_path / "backups").iterdir()
    return directory


@committed_db
def test_backup_then_restore_reproduces_every_table_and_keeps_pi_encrypted(committed, tmp_path, settings, capsys):
    media = Path(settings.MEDIA_ROOT)
    (media / "evidence").mkdir(parents=True)
    (media / "evidence" / "开工证明.pdf").write_bytes(b"%PDF-1.4 test")
    call_command("backup", "--output", str(tmp_path / "backups"))
    assert "备份完成" in capsys.readouterr().out
    directory = _only_backup(tmp_path)
    manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["tables"]["enterprises_enterprise"]["rows"] == Enterprise.objects.count()
    assert manifest["tables"]["enterprises_enterprise"]["rows"] == 4
    assert manifest["media"]["files"] == 1
    # D3: the sentinel is encrypted in the backup as in the database.
    database = (directory / manifest["database_file"]).read_bytes()
    assert SENTINEL_PHONE.encode() not in database and "哨兵".encode() not in database
    with tarfile.open(directory / "media.tar.gz") as tar:
        assert tar.getnames() == ["evidence/开工证明.pdf"]

    into = (
        str(tmp_path / "restored.sqlite3")
        if connection.vendor == "sqlite"
        else f"{connection.settings_dict['NAME']}_r1"
    )
    try:
        call_command("restore", str(directory), "--into", into, "--media-into", str(tmp_path / "media"))
        out = capsys.readouterr().out
        assert "恢复并核对通过" in out and into in out
        assert (tmp_path / "media" / "evidence" / "开工证明.pdf").read_bytes() == b"%PDF-1.4 test"
    finally:
        if connection.vendor == "postgresql":
            backup.drop_pg_database(into)


@on_sqlite
@committed_db
def test_a_restore_that_differs_from_the_manifest_is_refused(committed, tmp_path):
    directory = backup.backup(tmp_path / "backups")
    manifest_path = directory / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["tables"]["enterprises_enterprise"]["rows"] += 1
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(CommandError, match="enterprises_enterprise: 行数"):
        call_command("restore", str(directory), "--into", str(tmp_path / "r.sqlite3"))


@on_sqlite
@committed_db
def test_a_damaged_backup_file_is_refused_before_restoring(committed, tmp_path):
    directory = backup.backup(tmp_path / "backups")
    with (directory / "db.sqlite3").open("r+b") as fh:
        fh.seek(200)
        fh.write(b"\xff")
    with pytest.raises(CommandError, match="校验和与清单不符"):
        call_command("restore", str(directory), "--into", str(tmp_path / "r.sqlite3"))
    assert not (tmp_path / "r.sqlite3").exists()


@on_sqlite
@committed_db
def test_restore_never_overwrites_an_existing_database(committed, tmp_path):
    directory = backup.backup(tmp_path / "backups")
    target = tmp_path / "existing.sqlite3"
    target.write_bytes(b"precious")
    with pytest.raises(CommandError, match="已存在"):
        call_command("restore", str(directory), "--into", str(target))
    assert target.read_bytes() == b"precious"


def test_a_directory_without_a_manifest_is_not_a_backup(tmp_path):
    with pytest.raises(CommandError, match="不是备份目录"):
        call_command("restore", str(tmp_path))


class Writers:
    """Threads inserting one row per transaction until stopped, timing every commit."""

    def __init__(self, connect, count: int = 4) -> None:
        self.connect = connect
        self.stop = threading.Event()
        self.errors: list[BaseException] = []
        self.commits: list[tuple[float, float]] = []  # (started, finished)
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self.run, args=(n,)) for n in range(count)]

    def run(self, n: int) -> None:
        conn = self.connect()
        try:
            i = 0
            while not self.stop.is_set():
                started = time.monotonic()
                try:
                    conn.execute_insert(n, i)
                except Exception as exc:  # noqa: BLE001 - any failure is recorded and asserted on
                    self.errors.append(exc)
                    return
                with self.lock:
                    self.commits.append((started, time.monotonic()))
                i += 1
                time.sleep(0.002)
        finally:
            conn.close()

    def __enter__(self) -> Writers:
        for t in self.threads:
            t.start()
        time.sleep(0.2)
        return self

    def __exit__(self, *exc: object) -> None:
        time.sleep(0.2)
        self.stop.set()
        for t in self.threads:
            t.join(timeout=30)

    def during(self, start: float, end: float) -> int:
        return sum(1 for s, f in self.commits if s >= start and f <= end)


class SqliteWriter:
    def __init__(self, path: Path) -> None:
        self.conn = sqlite3.connect(path, timeout=20, isolation_level=None)
        self.conn.execute("PRAGMA busy_timeout=20000")

    def execute_insert(self, n: int, i: int) -> None:
        self.conn.execute("BEGIN IMMEDIATE")
        self.conn.execute("INSERT INTO ledger (writer, seq, payload) VALUES (?, ?, ?)", (n, i, "x" * 200))
        self.conn.execute("COMMIT")

    def close(self) -> None:
        self.conn.close()


def test_sqlite_drill_backup_under_concurrent_writers_restores_to_its_manifest(tmp_path):
    live = tmp_path / "live.sqlite3"
    setup = sqlite3.connect(live, isolation_level=None)
    setup.execute("PRAGMA journal_mode=WAL")
    setup.execute("CREATE TABLE ledger (id INTEGER PRIMARY KEY, writer INT, seq INT, payload TEXT)")
    setup.execute("BEGIN")
    setup.executemany(
        "INSERT INTO ledger (writer, seq, payload) VALUES (9, ?, ?)", [(i, "y" * 500) for i in range(40000)]
    )
    setup.execute("COMMIT")
    source = sqlite3.connect(live, check_same_thread=False)

    with Writers(lambda: SqliteWriter(live)) as writers:
        started = time.monotonic()
        described = backup.sqlite_backup(source, tmp_path / "copy.sqlite3")
        finished = time.monotonic()
    source.close()

    assert writers.errors == []  # no "database is locked"
    assert writers.during(started, finished) > 0
    assert max(f - s for s, f in writers.commits) < 5  # far below the 20 s busy timeout
    assert described["integrity_check"] == "ok"
    total = setup.execute("SELECT count(*) FROM ledger").fetchone()[0]
    assert 40000 <= described["tables"]["ledger"]["rows"] < total  # a snapshot, and writing went on
    restored = sqlite3.connect(tmp_path / "copy.sqlite3")
    assert backup.compare(described["tables"], backup.table_manifest(restored, "sqlite")) == []
    assert restored.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


class PgWriter:
    def __init__(self, settings_dict) -> None:
        self.conn = backup._pg_connect(settings_dict, settings_dict["NAME"])
        self.conn.autocommit = True

    def execute_insert(self, n: int, i: int) -> None:
        self.conn.execute("INSERT INTO backup_drill (writer, seq, payload) VALUES (%s, %s, %s)", (n, i, "x" * 200))

    def close(self) -> None:
        self.conn.close()


@on_postgres
@committed_db
def test_postgres_drill_pg_dump_under_concurrent_writers_restores_to_its_manifest(committed, tmp_path):
    settings_dict = connection.settings_dict
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE backup_drill (id bigserial PRIMARY KEY, writer int, seq int, payload text)")
        cursor.execute(
            "INSERT INTO backup_drill (writer, seq, payload) "
            "SELECT 9, g, repeat('y', 500) FROM generate_series(1, 20000) g"
        )
    scratch = f"{settings_dict['NAME']}_drill"
    try:
        with Writers(lambda: PgWriter(settings_dict)) as writers:
            started = time.monotonic()
            directory = backup.backup(tmp_path / "backups")
            finished = time.monotonic()
        assert writers.errors == []
        assert writers.during(started, finished) > 0
        manifest = backup.load_manifest(directory)
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM backup_drill")
            total = cursor.fetchone()[0]
        assert 20000 <= manifest["tables"]["backup_drill"]["rows"] < total
        result = backup.restore(directory, into=scratch)
        assert result.target == scratch and result.tables == len(manifest["tables"])
    finally:
        backup.drop_pg_database(scratch)
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS backup_drill")
