"""`zhaoluo import KIND FILE [--dry-run] [--strict]`: exit 0 imported, 2 rejected with row
errors (nothing written), 1 any other failure. Errors go to stderr one per line; stdout gets
one summary line."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhaoluo.core.errors import PermissionDeniedError
from zhaoluo.ledgers.services import ledger_import

from ._common import district_for, kind_named, kind_names, user_named


class Command(BaseCommand):
    help = "导入台账（.xlsx 或 .csv）/ import a ledger; exit 0 imported, 2 row errors, 1 other failure"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", help="台账类型 / kind: " + ", ".join(kind_names()))
        parser.add_argument("file", help="文件 / file (.xlsx or .csv)")
        parser.add_argument("--dry-run", action="store_true", help="只校验不写入 / validate only")
        parser.add_argument(
            "--strict", action="store_true", help="未知的单位、干部等视为错误 / unknown names are errors"
        )
        parser.add_argument("--district", help="区县代码 / district code (default: the configured district)")
        parser.add_argument("--user", help="记为哪个账号导入 / attribute the import to this login")

    def handle(self, *args: Any, **options: Any) -> None:
        kind = kind_named(options["kind"])
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"找不到文件：{path}")
        try:
            result = ledger_import(
                kind=kind,
                path=path,
                file_name=path.name,
                by=user_named(options.get("user")),
                district=district_for(options.get("district")),
                dry_run=options["dry_run"],
                strict=options["strict"],
            )
        except PermissionDeniedError as exc:
            raise CommandError(str(exc)) from exc
        if result.file_error:
            raise CommandError(result.file_error)
        for warning in result.warnings:
            self.stderr.write(f"警告 {warning}")
        for error in result.errors:
            self.stderr.write(str(error))
        if result.errors_not_listed:
            self.stderr.write(f"另有 {result.errors_not_listed} 个错误未列出")
        self.stdout.write(result.summary())
        if not result.ok:
            sys.exit(2)
