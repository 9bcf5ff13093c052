"""`zhaoluo template KIND FILE.xlsx`: an empty ledger, with a sheet explaining each column."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhaoluo.ledgers import xlsx

from ._common import kind_named, kind_names


class Command(BaseCommand):
    help = "生成空白台账模板 / write an empty ledger template with column notes"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", help="台账类型 / kind: " + ", ".join(kind_names()))
        parser.add_argument("file", help="输出文件 / output .xlsx")

    def handle(self, *args: Any, **options: Any) -> None:
        kind = kind_named(options["kind"])
        out = Path(options["file"])
        if out.suffix.lower() != ".xlsx":
            raise CommandError("输出文件须为 .xlsx")
        out.parent.mkdir(parents=True, exist_ok=True)
        xlsx.write_template(kind, out)
        self.stdout.write(f"已生成{kind.label}模板：{out}")
