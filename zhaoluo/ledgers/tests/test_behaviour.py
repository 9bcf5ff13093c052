"""The contract's "Behaviour" for the projects ledger: encodings, idempotent re-import, one
changed row, dry runs, unknown names and --strict, headers, and the command's exit codes."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from zhaoluo.chains.models import ChainLink, Cluster
from zhaoluo.core.models import AuditEvent
from zhaoluo.ledgers.models import ImportRun
from zhaoluo.orgs.models import Official, Region, Unit
from zhaoluo.projects.models import Project

from .conftest import FIXTURES, counts, fixture_rows, write_csv, write_xlsx, zhaoluo

pytestmark = pytest.mark.django_db
LEDGER = FIXTURES / "projects_2020.csv"
SMALL = [
    ["项目名称", "计划总投资（万元）", "投资方", "签约日期"],
    ["双沟纺纱", "1.5亿元", "湖北纺织集团", "2020年3月14日"],
    ["黄集粮油", "12,000", "", ""],
]


# Encodings ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "newline"),
    [("utf-8", "\n"), ("utf-8-sig", "\r\n"), ("gb18030", "\r\n"), ("gbk", "\n")],
)
def test_a_csv_imports_in_utf8_with_or_without_bom_and_in_gbk(world, tmp_path, encoding, newline):
    # 项目名称 is the first column: a BOM left on it would lose the required column.
    path = write_csv(tmp_path / "small.csv", SMALL, encoding=encoding, newline=newline)
    result = zhaoluo("import", "projects", str(path))
    assert result.code == 0, result.err
    assert result.out.strip() == "已导入：读取 2 行，新增 2，更新 0，未变 0，警告 0，错误 0"
    spun = Project.objects.get(name="双沟纺纱")
    assert (str(spun.planned_investment), str(spun.signed_on), spun.investor) == (
        "15000.00",
        "2020-03-14",
        "湖北纺织集团",
    )
    assert Project.objects.get(name="黄集粮油").planned_investment == 12000


# Idempotence -------------------------------------------------------------------------------


def test_the_same_file_twice_changes_nothing_the_second_time(world):
    assert zhaoluo("import", "projects", str(LEDGER)).code == 0
    before = counts()
    last_event = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
    versions = dict(Project.objects.values_list("pk", "version"))

    again = zhaoluo("import", "projects", str(LEDGER))
    assert again.code == 0
    assert again.out.strip() == "已导入：读取 60 行，新增 0，更新 0，未变 60，警告 0，错误 0"
    after = counts()
    # The import itself is recorded (file hash, importer), and nothing else moved.
    assert after == {**before, "ImportRun": before["ImportRun"] + 1, "AuditEvent": before["AuditEvent"] + 1}
    assert list(AuditEvent.objects.filter(id__gt=last_event).values_list("action", flat=True)) == ["ledger.imported"]
    assert dict(Project.objects.values_list("pk", "version")) == versions
    run = ImportRun.objects.first()
    assert run is not None and (run.created, run.updated, run.unchanged, run.rows_read) == (0, 0, 60, 60)


def test_one_changed_row_is_exactly_one_update_with_its_audit_row(world, tmp_path):
    assert zhaoluo("import", "projects", str(LEDGER)).code == 0
    rows = fixture_rows("projects_2020.csv")
    assert rows[5][:2] == ["XZ2020-005", "签约项目05"] and rows[5][8] == "20000万元"
    rows[5][8] = "2.1亿元"
    last_event = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()

    result = zhaoluo("import", "projects", str(write_csv(tmp_path / "changed.csv", rows)))
    assert result.code == 0
    assert result.out.strip() == "已导入：读取 60 行，新增 0，更新 1，未变 59，警告 0，错误 0"
    project = Project.objects.get(code="XZ2020-005")
    assert project.planned_investment == 21000 and project.version == 2
    events = AuditEvent.objects.filter(id__gt=last_event).exclude(action="ledger.imported")
    assert [(e.action, e.object_id, e.before, e.after) for e in events] == [
        ("project.updated", str(project.pk), {"planned_investment": "20000"}, {"planned_investment": "21000"})
    ]
    assert events.get().source == "import"


def test_a_dry_run_writes_nothing_and_reports_what_the_import_would_do(world):
    before = counts()
    dry = zhaoluo("import", "projects", str(LEDGER), "--dry-run")
    assert dry.code == 0
    assert counts() == before
    real = zhaoluo("import", "projects", str(LEDGER))
    assert real.code == 0
    assert dry.out.strip() == "校验（未写入）：读取 60 行，新增 60，更新 0，未变 0，警告 8，错误 0"
    assert real.out.strip() == "已导入：读取 60 行，新增 60，更新 0，未变 0，警告 8，错误 0"
    assert dry.warnings == real.warnings


# Names the platform does not know ----------------------------------------------------------

NAMES = [
    ["项目名称", "计划总投资（万元）", "所属镇街", "产业集群", "产业链环节", "包保领导", "牵头单位", "专班成员"],
    ["黄集粮油", "5000", "黄集镇", "农产品加工", "农产品加工/粮油", "孙副区长", "区农业农村局", "周干部、赵牵头"],
    ["黄集面粉", "6000", "黄集镇", "农产品加工", "农产品加工/粮油", "孙副区长", "区农业农村局", "周干部"],
    ["双沟纺纱", "7000", "双沟镇", "", "", "王海", "区发改局", "李专"],
]


def test_unknown_names_are_created_once_and_each_listed_as_a_warning(world, tmp_path):
    result = zhaoluo("import", "projects", str(write_csv(tmp_path / "names.csv", NAMES)))
    assert result.code == 0, result.err
    assert result.warnings == [
        "第2行 所属镇街: 已新建镇街“黄集镇”（临时地区代码，请在系统管理中核实）",
        "第2行 产业集群: 已新建产业集群“农产品加工”",
        "第2行 产业链环节: 已新建产业链环节“农产品加工/粮油”",
        "第2行 包保领导: 已新建领导“孙副区长”（默认列入区政府，请在系统管理中核实所属四大家）",
        "第2行 牵头单位: 已新建单位“区农业农村局”",
        "第2行 专班成员: 已新建干部“周干部”",
    ]
    township = Region.objects.get(name="黄集镇")
    assert township.parent == world.district and township.code == "420607990"
    assert Cluster.objects.filter(name="农产品加工").count() == 1
    assert ChainLink.objects.filter(chain__name="农产品加工", name="粮油").count() == 1
    assert Official.objects.get(name="孙副区长").is_leader
    assert Unit.objects.get(name="区农业农村局").region == world.district
    both = Project.objects.filter(name__in=["黄集粮油", "黄集面粉"])
    assert {p.township_id for p in both} == {township.pk}
    assert {p.leader.name for p in both if p.leader} == {"孙副区长"}


def test_under_strict_unknown_names_are_errors_and_nothing_is_written(world, tmp_path):
    before = counts()
    result = zhaoluo("import", "projects", str(write_csv(tmp_path / "names.csv", NAMES)), "--strict")
    assert result.code == 2
    suffix = "（--strict 模式下不自动新建）"
    assert result.errors == [
        f"第2行 所属镇街: 未找到镇街“黄集镇”{suffix}",
        f"第2行 产业集群: 未找到产业集群“农产品加工”{suffix}",
        f"第2行 产业链环节: 未找到产业链环节“农产品加工/粮油”{suffix}",
        f"第2行 包保领导: 未找到领导“孙副区长”{suffix}",
        f"第2行 牵头单位: 未找到单位“区农业农村局”{suffix}",
        f"第2行 专班成员: 未找到干部“周干部”{suffix}",
        f"第3行 所属镇街: 未找到镇街“黄集镇”{suffix}",
        f"第3行 产业集群: 未找到产业集群“农产品加工”{suffix}",
        f"第3行 产业链环节: 未找到产业链环节“农产品加工/粮油”{suffix}",
        f"第3行 包保领导: 未找到领导“孙副区长”{suffix}",
        f"第3行 牵头单位: 未找到单位“区农业农村局”{suffix}",
        f"第3行 专班成员: 未找到干部“周干部”{suffix}",
    ]
    assert counts() == before


# Headers -----------------------------------------------------------------------------------


def test_a_missing_required_column_rejects_the_file_with_one_message_naming_it(world, tmp_path):
    rows = [["项目编号", "项目名称", "签约日期"], ["XZ-1", "双沟纺纱", ""], ["XZ-2", "黄集粮油", ""]]
    before = counts()
    result = zhaoluo("import", "projects", str(write_csv(tmp_path / "short.csv", rows)))
    assert result.code == 2
    assert result.errors == ["第1行: 缺少必填列“计划总投资（万元）”"]
    assert counts() == before


def test_an_unknown_column_is_ignored_with_a_warning(world, tmp_path):
    rows = [["项目名称", "计划总投资（万元）", "备注"], ["双沟纺纱", "5000", "市长交办"]]
    result = zhaoluo("import", "projects", str(write_csv(tmp_path / "extra.csv", rows)))
    assert result.code == 0
    assert result.warnings == ["第1行: 未识别的列“备注”，已忽略"]
    assert Project.objects.filter(name="双沟纺纱").exists()


def test_headers_may_carry_spaces_either_bracket_width_and_the_english_key(world, tmp_path):
    rows = [
        ["  项目名称\u3000", "计划总投资(万元)", "investor", " signed_on ", "重点项目 ", "STAGE"],
        ["双沟纺纱", "5000", "湖北纺织集团", "2020-03-14", "是", "签约"],
    ]
    result = zhaoluo("import", "projects", str(write_csv(tmp_path / "headers.csv", rows)))
    assert result.code == 0, result.err
    assert result.warnings == []
    project = Project.objects.get(name="双沟纺纱")
    assert (project.investor, str(project.signed_on), project.is_key, project.stage) == (
        "湖北纺织集团",
        "2020-03-14",
        True,
        "signed",
    )


def test_an_amount_header_in_yuan_is_refused_with_a_unit_message(world, tmp_path):
    rows = [["项目名称", "计划总投资（元）"], ["双沟纺纱", "150000000"]]
    before = counts()
    result = zhaoluo("import", "projects", str(write_csv(tmp_path / "yuan.csv", rows)))
    assert result.code == 2
    assert result.errors == ["第1行: 列“计划总投资(元)”的单位应为万元，请换算后填写"]
    assert counts() == before


# The command line --------------------------------------------------------------------------


def test_the_summary_is_one_line_on_stdout_and_errors_go_to_stderr(world, tmp_path):
    ok = zhaoluo("import", "projects", str(write_csv(tmp_path / "ok.csv", SMALL)))
    assert ok.code == 0 and len(ok.out.splitlines()) == 1 and ok.err == ""
    bad = zhaoluo("import", "projects", str(write_csv(tmp_path / "bad.csv", [SMALL[0], ["坏", "x", "", ""]])))
    assert bad.code == 2 and len(bad.out.splitlines()) == 1
    assert bad.err_lines == ["第2行 计划总投资（万元）: “x”不是金额，应为万元数字，如 15000、15,000、1.5亿元"]


def test_other_failures_exit_1_with_a_chinese_message(world, tmp_path):
    before = counts()
    missing = zhaoluo("import", "projects", str(tmp_path / "nope.csv"))
    assert missing.code == 1 and "找不到文件" in missing.err
    unknown = zhaoluo("import", "contracts", str(LEDGER))
    assert unknown.code == 1 and "未知的台账类型“contracts”" in unknown.err
    text = tmp_path / "台账.txt"
    text.write_text("项目名称,计划总投资\n双沟纺纱,5000\n", encoding="utf-8")
    refused = zhaoluo("import", "projects", str(text))
    assert refused.code == 1 and "只接受 .xlsx 或 .csv 文件" in refused.err
    assert counts() == before


def test_the_installed_command_exits_1_for_an_unknown_kind(tmp_path):
    # One real process, to see the status the shell sees; the in-process runs cover the rest.
    unknown = subprocess.run(
        [sys.executable, "-m", "zhaoluo.cli", "import", "contracts", str(tmp_path / "x.csv")],
        capture_output=True,
        text=True,
        timeout=60,
        # A configured field key, as a deployment has (the system checks refuse the development
        # key on PostgreSQL with DEBUG off).
        env={**os.environ, "ZHAOLUO_FIELD_KEYS": "test:bGVkZ2VyLXRlc3RzLWtleQ==", "ZHAOLUO_FIELD_KEY_ID": "test"},
    )
    assert unknown.returncode == 1 and "未知的台账类型" in unknown.stderr


def test_an_xlsx_and_its_csv_import_to_the_same_records(world, tmp_path):
    rows = fixture_rows("projects_2020.csv")
    assert zhaoluo("import", "projects", str(write_xlsx(tmp_path / "a.xlsx", rows))).code == 0
    again = zhaoluo("import", "projects", str(LEDGER))
    assert again.out.strip() == "已导入：读取 60 行，新增 0，更新 0，未变 60，警告 0，错误 0"
