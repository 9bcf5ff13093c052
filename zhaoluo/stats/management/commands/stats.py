from __future__ import annotations

import unicodedata
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhaoluo.orgs.models import Region
from zhaoluo.stats.figures import LABELS, UnknownRegionError, figures, plain_number, region_by_code, to_json

NO_DATA = "—（无数据）"


class Command(BaseCommand):
    help = "计算年度指标 / compute a year's figures (shared/LEDGERS.md, Figures)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True, help="年份 / year, e.g. 2020")
        parser.add_argument("--region", help="区或镇街代码 / district or township code (default: all)")
        parser.add_argument(
            "--format", choices=["json", "table"], default="json", help="输出格式 / output format (json|table)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        year: int = options["year"]
        if not 1900 <= year <= 2999:
            raise CommandError(f"年份无效：{year}")
        region = _region(options.get("region"))
        result = figures(year=year, region=region)
        if options["format"] == "json":
            self.stdout.write(to_json(result))
        else:
            self.stdout.write(render_table(result, year=year, region=region))


def _region(code: str | None) -> Region | None:
    if not code:
        return None
    try:
        return region_by_code(code)
    except UnknownRegionError as exc:
        raise CommandError(str(exc)) from exc


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def _cell(value: Any) -> str:
    if value is None:
        return NO_DATA
    if isinstance(value, dict):
        return " / ".join(_cell(value[k]) for k in ("min", "median", "max"))
    if isinstance(value, int):
        return str(value)
    return plain_number(value)


def render_table(result: dict[str, Any], *, year: int, region: Region | None) -> str:
    scope = f"{region.name}（{region.code}）" if region is not None else "全部"
    rows = [(LABELS[key], key, _cell(value)) for key, value in result.items()]
    label_w = max(_width(r[0]) for r in rows)
    key_w = max(len(r[1]) for r in rows)
    lines = [f"{year} 年指标 · 范围：{scope}", ""]
    lines += [f"{_pad(label, label_w)}  {key.ljust(key_w)}  {value}" for label, key, value in rows]
    return "\n".join(lines)
