"""Big files must not hold the database (security issue #11 point 3): a row limit per file,
checked before the sheet is loaded, and a dry run that checks every row outside any
transaction and runs the writers, rolled back, on a bounded sample only."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import connection

from zhaoluo.ledgers import engine
from zhaoluo.projects.models import Project

from .conftest import counts, write_csv, write_xlsx, zhaoluo

pytestmark = pytest.mark.django_db
HEADER = ["项目编号", "项目名称", "计划总投资（万元）"]


def _rows(n: int) -> list[list[str]]:
    return [HEADER, *([f"XZ-{i:03d}", f"项目{i:03d}", "100"] for i in range(1, n + 1))]


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_a_file_far_over_the_row_limit_is_refused_before_a_row_is_read(world, tmp_path, settings, suffix):
    settings.ZHAOLUO_LEDGER_MAX_ROWS = 5
    rows = _rows(60)  # beyond the limit and the allowance for title rows above the header
    path = (write_xlsx if suffix == "xlsx" else write_csv)(tmp_path / f"big.{suffix}", rows)
    before = counts()
    with mock.patch.object(engine, "_read_header", side_effect=AssertionError("a row was read")):
        result = zhaoluo("import", "projects", str(path), "--dry-run")
    assert result.code == 1
    assert "文件超过每次导入 5 行数据的上限，请拆分为几个文件分别导入" in result.err
    assert counts() == before


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_a_file_just_over_the_row_limit_is_refused_whole_and_nothing_is_written(world, tmp_path, settings, suffix):
    settings.ZHAOLUO_LEDGER_MAX_ROWS = 5
    path = (write_xlsx if suffix == "xlsx" else write_csv)(tmp_path / f"six.{suffix}", _rows(6))
    before = counts()
    result = zhaoluo("import", "projects", str(path))
    assert result.code == 1
    assert "文件超过每次导入 5 行数据的上限" in result.err
    assert counts() == before
    assert zhaoluo("import", "projects", str(write_csv(tmp_path / "five.csv", _rows(5)))).code == 0
    assert Project.objects.filter(code__startswith="XZ-").count() == 5


def test_a_dry_run_checks_every_row_outside_any_transaction(world, tmp_path):
    depth_outside = len(connection.atomic_blocks)
    depths: list[int] = []
    parse = engine._parse_row

    def spy(*args, **kwargs):
        depths.append(len(connection.atomic_blocks))
        return parse(*args, **kwargs)

    with mock.patch.object(engine, "_parse_row", side_effect=spy):
        result = zhaoluo("import", "projects", str(write_csv(tmp_path / "ok.csv", _rows(3))), "--dry-run")
    assert result.code == 0, result.err
    # SQLite begins every transaction IMMEDIATE: a transaction here would lock out every writer.
    assert depths == [depth_outside] * 3


def test_a_long_dry_run_writes_a_sample_reports_every_broken_row_and_says_so(world, tmp_path, settings):
    settings.ZHAOLUO_LEDGER_PREVIEW_ROWS = 2
    rows = _rows(5)
    rows[5][2] = "很多"  # row 6 of the sheet, beyond the sample
    before = counts()
    result = zhaoluo("import", "projects", str(write_csv(tmp_path / "long.csv", rows)), "--dry-run")
    assert result.code == 2
    assert result.errors == ["第6行 计划总投资（万元）: “很多”不是金额，应为万元数字，如 15000、15,000、1.5亿元"]
    assert counts() == before
    rows[5][2] = "100"
    clean = zhaoluo("import", "projects", str(write_csv(tmp_path / "long.csv", rows)), "--dry-run")
    assert clean.code == 0, clean.err
    assert clean.out.strip() == (
        "校验（未写入）：读取 5 行，新增 2，更新 0，未变 0，警告 0，错误 0"
        "（新增、更新、未变及名称提示按前 2 行统计；确认导入时全部重新校验）"
    )
    assert counts() == before
