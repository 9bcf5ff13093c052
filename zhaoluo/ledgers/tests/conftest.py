"""Helpers for the ledger tests: run the command line in-process, build workbooks, count rows."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Iterable, Sequence
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.core.management import ManagementUtility, call_command
from django.db import connections
from openpyxl import Workbook

from zhaoluo.chains.models import ChainLink, Cluster
from zhaoluo.core.models import AuditEvent
from zhaoluo.enterprises.models import Enterprise
from zhaoluo.indicators.models import IndicatorValue
from zhaoluo.ledgers.models import ImportRun
from zhaoluo.orgs.models import Official, Region, Unit
from zhaoluo.projects.models import FundArrival, Project, StageTransition, TaskForceMember


@pytest.fixture(autouse=True)
def _configured_field_key(settings):
    """The commands run with Django's system checks, as from a shell. On PostgreSQL with DEBUG off
    the public development field key is refused (zhaoluo.E102), so these tests configure a key of
    their own, as a deployment does."""
    settings.ZHAOLUO_FIELD_KEYS, settings.ZHAOLUO_FIELD_KEY_ID = "test:bGVkZ2VyLXRlc3RzLWtleQ==", "test"


FIXTURES = Path(__file__).parent / "fixtures"
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_WHOLE = re.compile(r"^\d+$")
COUNTED = (
    Project,
    StageTransition,
    TaskForceMember,
    FundArrival,
    Enterprise,
    IndicatorValue,
    AuditEvent,
    ImportRun,
    Official,
    Unit,
    Region,
    Cluster,
    ChainLink,
)


@dataclass
class Outcome:
    code: int
    out: str
    err: str

    @property
    def err_lines(self) -> list[str]:
        return [line for line in self.err.splitlines() if line.strip()]

    @property
    def errors(self) -> list[str]:
        return [line for line in self.err_lines if not line.startswith("警告 ")]

    @property
    def warnings(self) -> list[str]:
        return [line.removeprefix("警告 ") for line in self.err_lines if line.startswith("警告 ")]


def zhaoluo(*argv: str) -> Outcome:
    """`zhaoluo ARGV…` as the shell runs it: run_from_argv turns a CommandError into exit 1 and
    lets the command's own sys.exit(2) through. Its closing of every connection is held back,
    or the test's transaction would be lost."""
    out, err = io.StringIO(), io.StringIO()
    code = 0
    with redirect_stdout(out), redirect_stderr(err), mock.patch.object(connections, "close_all"):
        try:
            ManagementUtility(["zhaoluo", *argv]).execute()
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
    return Outcome(code, out.getvalue(), err.getvalue())


def stats(year: int, *args: str) -> dict[str, Any]:
    out = io.StringIO()
    call_command("stats", "--year", str(year), *args, "--format", "json", stdout=out)
    parsed: dict[str, Any] = json.loads(out.getvalue(), parse_float=Decimal)
    return parsed


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


def fixture_rows(name: str) -> list[list[str]]:
    with (FIXTURES / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def write_csv(path: Path, rows: Iterable[Sequence[Any]], encoding: str = "utf-8", newline: str = "\n") -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=newline).writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def typed(value: Any) -> Any:
    """A cell as Excel holds it when a clerk types it: ISO dates become date cells, whole numbers
    numbers; everything else (1.5亿元, 2020年3月1日, 12,000) stays text."""
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value  # Excel keeps an impossible date as the text typed
    if isinstance(value, str) and _WHOLE.match(value) and len(value) < 10:
        return int(value)
    return value


def write_xlsx(
    path: Path, rows: Sequence[Sequence[Any]], *, title: str = "", note: str = "", cells: Any = typed
) -> Path:
    """A workbook as offices keep it: optionally a merged title row and a note row above the header."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    width = max(len(r) for r in rows)
    if title:
        sheet.append([title])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
        sheet.append([note] if note else [])
    for index, row in enumerate(rows):
        sheet.append(list(row) if index == 0 else [cells(v) for v in row])
    workbook.save(path)
    return path
