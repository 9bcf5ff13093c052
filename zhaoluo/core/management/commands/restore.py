from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhaoluo.core import backup


class Command(BaseCommand):
    help = (
        "把备份恢复到新的数据库（不覆盖在用库），并按清单核对各表行数和校验和 / "
        "restore a backup into a scratch database and verify row counts and checksums against its manifest"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="备份目录 / the backup directory")
        parser.add_argument(
            "--into",
            help="目标：SQLite 文件路径或 PostgreSQL 数据库名（默认备份目录下的 restore-check.sqlite3 / "
            "<库名>_restore_<时间>）/ target SQLite file or PostgreSQL database name",
        )
        parser.add_argument("--media-into", type=Path, help="同时把上传文件解压到此目录 / also unpack uploads here")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = backup.restore(options["path"], into=options.get("into"), media_into=options.get("media_into"))
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"恢复并核对通过 / restored and verified: {result.target}（{result.tables} 张表，{result.rows} 行，"
            "行数和校验和与清单一致）"
        )
