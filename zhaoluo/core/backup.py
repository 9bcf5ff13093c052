"""Online backup and verified restore (等保 8.1.4.9 a; security baseline E1, H3).

A backup is a directory holding the database copy, a tar of the uploaded files and a
``manifest.json`` with per-table row counts and SHA-256 checksums computed *from the copy*
(SQLite) or *inside the snapshot pg_dump used* (PostgreSQL), so the manifest describes
exactly what was saved even while others keep writing. `restore` loads a backup into a
scratch database and recomputes the manifest there: equal counts and checksums are the
proof that the backup restores.

- SQLite: the online backup API (``sqlite3.Connection.backup``) in one step. In WAL mode it
  is one read transaction, so writers go on; never a file copy of a live database.
- PostgreSQL: ``pg_dump -Fc --snapshot`` with a REPEATABLE READ snapshot exported by the
  same transaction that computes the manifest; ``pg_restore`` into a named database.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections
from django.utils import timezone

MANIFEST = "manifest.json"
SQLITE_FILE = "db.sqlite3"
PG_FILE = "db.dump"
MEDIA_FILE = "media.tar.gz"
FORMAT = 1


class BackupError(Exception):
    pass


# ---------------------------------------------------------------- manifests


def _normalise(value: Any) -> Any:
    if isinstance(value, memoryview):
        value = value.tobytes()
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return value if isinstance(value, int | float | str | type(None)) else str(value)


def _tables(cursor: Any, vendor: str) -> list[str]:
    if vendor == "sqlite":
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    else:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name"
        )
    return [row[0] for row in cursor.fetchall()]


def _order_by(cursor: Any, vendor: str, table: str, width: int) -> str:
    """The primary key if the table has one, else every column: a total, repeatable order."""
    if vendor == "sqlite":
        cursor.execute(f'PRAGMA table_info("{table}")')
        keys = [row[1] for row in sorted(cursor.fetchall(), key=lambda r: r[5]) if row[5]]
    else:
        cursor.execute(
            "SELECT a.attname FROM pg_index i JOIN pg_attribute a "
            "ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
            "WHERE i.indrelid = %s::regclass AND i.indisprimary ORDER BY array_position(i.indkey, a.attnum)",
            [f'"{table}"'],
        )
        keys = [row[0] for row in cursor.fetchall()]
    if keys:
        return ", ".join(f'"{k}"' for k in keys)
    return ", ".join(str(i) for i in range(1, width + 1))


def table_manifest(dbapi_connection: Any, vendor: str) -> dict[str, dict[str, Any]]:
    """{table: {"rows": n, "sha256": …}} over every row in primary-key order."""
    out: dict[str, dict[str, Any]] = {}
    cursor = dbapi_connection.cursor()
    try:
        for table in _tables(cursor, vendor):
            cursor.execute(f'SELECT * FROM "{table}" LIMIT 0')
            width = len(cursor.description)
            order = _order_by(cursor, vendor, table, width)
            cursor.execute(f'SELECT * FROM "{table}" ORDER BY {order}')
            digest, rows = hashlib.sha256(), 0
            while batch := cursor.fetchmany(1000):
                for row in batch:
                    digest.update(json.dumps([_normalise(v) for v in row], ensure_ascii=False).encode())
                    digest.update(b"\n")
                    rows += 1
            out[table] = {"rows": rows, "sha256": digest.hexdigest()}
    finally:
        cursor.close()
    return out


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def compare(expected: dict[str, dict[str, Any]], actual: dict[str, dict[str, Any]]) -> list[str]:
    """Each difference between two table manifests, in words; empty when they agree."""
    problems = []
    for table in sorted(set(expected) | set(actual)):
        want, got = expected.get(table), actual.get(table)
        if want is None or got is None:
            problems.append(f"{table}: {'恢复库多出此表' if want is None else '恢复库缺少此表'}")
        elif want["rows"] != got["rows"]:
            problems.append(f"{table}: 行数 {got['rows']}，清单为 {want['rows']}")
        elif want["sha256"] != got["sha256"]:
            problems.append(f"{table}: 校验和不符")
    return problems


# ---------------------------------------------------------------- SQLite


def sqlite_backup(source: sqlite3.Connection, target: Path) -> dict[str, Any]:
    """Copy a live SQLite database with the backup API, check the copy, describe it."""
    destination = sqlite3.connect(target)
    try:
        # One step (pages=-1): one read transaction, which in WAL mode never blocks writers;
        # a paged copy would restart whenever another connection writes between steps.
        source.backup(destination, pages=-1)
        destination.execute("PRAGMA journal_mode=DELETE")  # a self-contained file, no -wal beside it
        check = destination.execute("PRAGMA integrity_check").fetchone()[0]
        if check != "ok":
            raise BackupError(f"备份副本完整性检查失败：{check}")
        tables = table_manifest(destination, "sqlite")
        audit_head = _audit_head(destination, tables)
    finally:
        destination.close()
    return {"integrity_check": check, "tables": tables, "audit_head": audit_head}


def _sqlite_source() -> sqlite3.Connection:
    connection = connections["default"]
    connection.ensure_connection()
    raw = connection.connection
    assert isinstance(raw, sqlite3.Connection)
    return raw


# ---------------------------------------------------------------- PostgreSQL


def _pg_env(settings_dict: dict[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    return env


def _pg_args(settings_dict: dict[str, Any], dbname: str) -> list[str]:
    args = []
    if settings_dict.get("HOST"):
        args += ["--host", str(settings_dict["HOST"])]
    if settings_dict.get("PORT"):
        args += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["--username", str(settings_dict["USER"])]
    return [*args, "--dbname", dbname]


def _pg_connect(settings_dict: dict[str, Any], dbname: str) -> Any:
    import psycopg

    return psycopg.connect(
        dbname=dbname,
        user=settings_dict.get("USER") or None,
        password=settings_dict.get("PASSWORD") or None,
        host=settings_dict.get("HOST") or None,
        port=settings_dict.get("PORT") or None,
    )


def pg_backup(settings_dict: dict[str, Any], target: Path) -> dict[str, Any]:
    import psycopg

    if shutil.which("pg_dump") is None:
        raise BackupError("找不到 pg_dump：请安装 PostgreSQL 客户端（apt-get install postgresql-client）")
    conn = _pg_connect(settings_dict, settings_dict["NAME"])
    try:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        with conn.transaction():
            snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
            result = subprocess.run(
                [
                    "pg_dump",
                    "--format=custom",
                    "--no-owner",
                    f"--snapshot={snapshot}",
                    f"--file={target}",
                    *_pg_args(settings_dict, settings_dict["NAME"]),
                ],
                env=_pg_env(settings_dict),
                capture_output=True,
                text=True,
                check=False,
            )
            if result.returncode != 0:
                raise BackupError(f"pg_dump 失败：{result.stderr.strip()}")
            tables = table_manifest(conn, "postgresql")
            audit_head = _audit_head(conn, tables)
    finally:
        conn.close()
    listing = subprocess.run(["pg_restore", "--list", str(target)], capture_output=True, text=True, check=False)
    if listing.returncode != 0:
        raise BackupError(f"pg_restore --list 无法读取备份：{listing.stderr.strip()}")
    return {"integrity_check": "pg_restore --list ok", "tables": tables, "audit_head": audit_head}


def _audit_head(dbapi_connection: Any, tables: dict[str, Any]) -> dict[str, Any] | None:
    """The audit chain's head inside the copy: an anchor the live log must not fall behind."""
    from .audit_anchor import HEAD_TABLE, head_of

    return head_of(dbapi_connection) if HEAD_TABLE in tables else None


# ---------------------------------------------------------------- backup / restore


@dataclass(frozen=True)
class Restored:
    target: str
    tables: int
    rows: int


def backup(output: Path | None = None, *, media_root: Path | None = None) -> Path:
    """Back up the default database and the uploaded files into a new directory under `output`."""
    base = Path(output or settings.ZHAOLUO_BACKUP_DIR)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    directory = base / f"zhaoluo-backup-{stamp}"
    suffix = 1
    while directory.exists():
        suffix += 1
        directory = base / f"zhaoluo-backup-{stamp}-{suffix}"
    directory.mkdir(parents=True)
    os.chmod(directory, 0o700)  # holds every record; readable by the service account only
    connection = connections["default"]
    if connection.vendor == "sqlite":
        db_file = SQLITE_FILE
        described = sqlite_backup(_sqlite_source(), directory / db_file)
    elif connection.vendor == "postgresql":
        db_file = PG_FILE
        described = pg_backup(connection.settings_dict, directory / db_file)
    else:  # pragma: no cover - only the two supported databases
        raise BackupError(f"不支持的数据库：{connection.vendor}")
    media = _media_tar(Path(media_root or settings.MEDIA_ROOT), directory / MEDIA_FILE)
    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "vendor": connection.vendor,
        "database_file": db_file,
        "database_sha256": file_sha256(directory / db_file),
        "integrity_check": described["integrity_check"],
        "tables": described["tables"],
        "media": media,
        "audit_head": described["audit_head"],
    }
    (directory / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    if described["audit_head"] is not None:
        from .audit_anchor import append

        append(described["audit_head"])
    return directory


def _media_tar(media_root: Path, target: Path) -> dict[str, Any]:
    files = 0
    with tarfile.open(target, "w:gz") as tar:
        if media_root.is_dir():
            for path in sorted(media_root.rglob("*")):
                if path.is_file():
                    tar.add(path, arcname=str(path.relative_to(media_root)))
                    files += 1
    return {"file": MEDIA_FILE, "files": files, "sha256": file_sha256(target)}


def load_manifest(directory: Path) -> dict[str, Any]:
    path = Path(directory) / MANIFEST
    if not path.is_file():
        raise BackupError(f"{directory} 不是备份目录（缺少 {MANIFEST}）")
    manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT:
        raise BackupError(f"不认识的备份格式 {manifest.get('format')}")
    return manifest


def restore(directory: Path, *, into: str | None = None, media_into: Path | None = None) -> Restored:
    """Load a backup into a scratch database (never over the live one) and verify it."""
    directory = Path(directory)
    manifest = load_manifest(directory)
    db_path = directory / manifest["database_file"]
    if file_sha256(db_path) != manifest["database_sha256"]:
        raise BackupError("备份数据库文件的校验和与清单不符：文件已损坏或被改动")
    media_path = directory / manifest["media"]["file"]
    if file_sha256(media_path) != manifest["media"]["sha256"]:
        raise BackupError("上传文件归档的校验和与清单不符")
    if manifest["vendor"] == "sqlite":
        target, actual = _restore_sqlite(db_path, Path(into) if into else directory / "restore-check.sqlite3")
    else:
        target, actual = _restore_pg(db_path, into)
    problems = compare(manifest["tables"], actual)
    if problems:
        raise BackupError("恢复结果与备份清单不符：" + "；".join(problems))
    if media_into is not None:
        _extract_media(media_path, Path(media_into))
    return Restored(target=target, tables=len(actual), rows=sum(t["rows"] for t in actual.values()))


def _restore_sqlite(source: Path, target: Path) -> tuple[str, dict[str, dict[str, Any]]]:
    live = Path(str(settings.DATABASES["default"].get("NAME", "")))
    if target.exists():
        if live.exists() and target.resolve() == live.resolve():
            raise BackupError("不能恢复到正在使用的数据库：请指定新的目标文件（--into）")
        raise BackupError(f"目标 {target} 已存在：请指定新的目标文件")
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
        check = dst.execute("PRAGMA integrity_check").fetchone()[0]
        if check != "ok":
            raise BackupError(f"恢复库完整性检查失败：{check}")
        return str(target), table_manifest(dst, "sqlite")
    finally:
        src.close()
        dst.close()


def _restore_pg(dump: Path, into: str | None) -> tuple[str, dict[str, dict[str, Any]]]:
    from psycopg import sql

    settings_dict = connections["default"].settings_dict
    if shutil.which("pg_restore") is None:
        raise BackupError("找不到 pg_restore：请安装 PostgreSQL 客户端")
    dbname = into or f"{settings_dict['NAME']}_restore_{timezone.now():%Y%m%d%H%M%S}"
    if dbname == settings_dict["NAME"]:
        raise BackupError("不能恢复到正在使用的数据库：请指定新的数据库名（--into）")
    admin = _pg_connect(settings_dict, "postgres")
    admin.autocommit = True
    try:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [dbname]).fetchone()
        if exists:
            raise BackupError(f"数据库 {dbname} 已存在：请指定新的数据库名")
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))
    finally:
        admin.close()
    result = subprocess.run(
        ["pg_restore", "--no-owner", "--exit-on-error", *_pg_args(settings_dict, dbname), str(dump)],
        env=_pg_env(settings_dict),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_restore 失败：{result.stderr.strip()}")
    conn = _pg_connect(settings_dict, dbname)
    try:
        return dbname, table_manifest(conn, "postgresql")
    finally:
        conn.close()


def drop_pg_database(dbname: str) -> None:
    """Remove a scratch database made by a restore drill."""
    from psycopg import sql

    admin = _pg_connect(connections["default"].settings_dict, "postgres")
    admin.autocommit = True
    try:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(dbname)))
    finally:
        admin.close()


def _extract_media(archive: Path, target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive, "r:gz") as tar:
        tar.extractall(target, filter="data")  # refuses absolute paths and ../ members
