"""`zhaoluo export KIND FILE.xlsx [key=value …]`: the district's records in the contract's
columns (so the file imports back to the same state), filtered like the list page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import QueryDict

from zhaoluo.ledgers.services import ledger_export
from zhaoluo.ledgers.spec import as_request
from zhaoluo.orgs.scope import ConsoleUser

from ._common import district_for, kind_named, kind_names


class Command(BaseCommand):
    help = "导出台账为 .xlsx / export a ledger (filters as key=value, e.g. stage=signed signed_year=2020)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", help="台账类型 / kind: " + ", ".join(kind_names()))
        parser.add_argument("file", help="输出文件 / output .xlsx")
        parser.add_argument("filters", nargs="*", help="筛选条件 / filters, key=value")
        parser.add_argument("--district", help="区县代码 / district code (default: the configured district)")
        parser.add_argument(
            "--unmask", action="store_true", help="导出完整联系方式（逐条记入审计）/ full contact data, audited"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        kind = kind_named(options["kind"])
        out = Path(options["file"])
        if out.suffix.lower() != ".xlsx":
            raise CommandError("输出文件须为 .xlsx")
        district = district_for(options.get("district"))
        params = _filters(kind, options["filters"], ConsoleUser(district))
        out.parent.mkdir(parents=True, exist_ok=True)
        count = ledger_export(kind=kind, by=None, district=district, params=params, out=out, unmask=options["unmask"])
        self.stdout.write(f"已导出 {count} 行到 {out}")


def _filters(kind: Any, pairs: list[str], reader: Any) -> QueryDict:
    params = QueryDict(mutable=True)
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise CommandError(f"筛选条件应写成 key=value：{pair}")
        params.appendlist(key.strip(), value.strip())
    if kind.filterset is not None:
        known = set(kind.filterset.base_filters)
        unknown = sorted(set(params) - known)
        if unknown:
            raise CommandError(f"未知的筛选条件：{', '.join(unknown)}；可用：{', '.join(sorted(known))}")
        form = kind.filterset(params, request=as_request(reader)).form
        if not form.is_valid():
            problems = "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items())
            raise CommandError(f"筛选条件无效：{problems}")
    return params
