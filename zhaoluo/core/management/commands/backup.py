from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhaoluo.core import backup


class Command(BaseCommand):
    help = (
        "在线备份数据库（SQLite 备份接口 / pg_dump -Fc）和上传文件，生成含各表行数和校验和的清单 / "
        "online backup of the database and uploaded files with a manifest of row counts and checksums"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output", type=Path, help="备份目录的上级目录（默认 ZHAOLUO_BACKUP_DIR）/ where to create the backup"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            directory = backup.backup(options.get("output"))
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        manifest = backup.load_manifest(directory)
        rows = sum(t["rows"] for t in manifest["tables"].values())
        self.stdout.write(
            f"备份完成 / backup written: {directory}\n"
            f"  {len(manifest['tables'])} 张表 {rows} 行，上传文件 {manifest['media']['files']} 个，"
            f"完整性检查：{manifest['integrity_check']}"
        )
