"""The projects ledger beyond the first import: stage moves and 专班 changes through a re-import,
partial files, other districts, Excel cell types, the error cap, the importer and templates."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from zhaoluo.core.models import AuditEvent
from zhaoluo.ledgers.models import ImportRun
from zhaoluo.orgs.models import Official, Unit
from zhaoluo.projects.choices import Stage, TransitionKind
from zhaoluo.projects.models import Project, StageTransition
from zhaoluo.testing import factories as f

from .conftest import FIXTURES, counts, write_csv, write_xlsx, zhaoluo

pytestmark = pytest.mark.django_db
HEADER = ["项目编号", "项目名称", "投资方", "计划总投资（万元）", "专班成员", "签约日期", "开工日期", "当前阶段"]


def first_import(tmp_path, rows):  # type: ignore[no-untyped-def]
    result = zhaoluo("import", "projects", str(write_csv(tmp_path / "first.csv", [HEADER, *rows])))
    assert result.code == 0, result.err


def test_a_reimport_with_a_start_date_moves_the_stage_with_a_dated_transition(world, tmp_path):
    first_import(tmp_path, [["XZ-1", "双沟纺纱", "湖北纺织", "5000", "李专", "2020-03-01", "", ""]])
    project = Project.objects.get(code="XZ-1")
    assert project.stage == Stage.SIGNED
    last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()

    rows = [HEADER, ["XZ-1", "双沟纺纱", "湖北纺织", "5000", "李专", "2020-03-01", "2020年4月8日", ""]]
    result = zhaoluo("import", "projects", str(write_csv(tmp_path / "second.csv", rows)))
    assert result.out.strip() == "已导入：读取 1 行，新增 0，更新 1，未变 0，警告 0，错误 0"
    project.refresh_from_db()
    assert (project.stage, project.started_on) == (Stage.STARTED, dt.date(2020, 4, 8))
    moved = StageTransition.objects.filter(project=project).order_by("id").last()
    assert moved is not None
    assert (moved.kind, moved.from_stage, moved.to_stage, moved.on) == (
        TransitionKind.IMPORT,
        Stage.SIGNED,
        Stage.STARTED,
        dt.date(2020, 4, 8),
    )
    event = AuditEvent.objects.filter(id__gt=last, action="project.updated").get()
    assert set(event.after) == {"stage", "started_on"}


def test_a_reimport_with_another_task_force_replaces_it_and_audits_the_names(world, tmp_path):
    first_import(tmp_path, [["XZ-1", "双沟纺纱", "", "5000", "李专、赵牵头", "", "", ""]])
    rows = [HEADER, ["XZ-1", "双沟纺纱", "", "5000", "赵牵头；李专", "", "", ""]]
    last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
    result = zhaoluo("import", "projects", str(write_csv(tmp_path / "second.csv", rows)))
    assert "更新 1" in result.out
    project = Project.objects.get(code="XZ-1")
    assert [(m.official.name, m.is_lead) for m in project.task_force.order_by("-is_lead", "official__name")] == [
        ("赵牵头", True),
        ("李专", False),
    ]
    event = AuditEvent.objects.filter(id__gt=last, action="project.updated").get()
    assert (event.before["task_force"], event.after["task_force"]) == (["李专", "赵牵头"], ["赵牵头", "李专"])


def test_a_file_without_stage_or_date_columns_leaves_stages_alone(world, tmp_path):
    first_import(tmp_path, [["XZ-1", "双沟纺纱", "湖北纺织", "5000", "", "2020-03-01", "2020-04-01", ""]])
    rows = [["项目编号", "项目名称", "计划总投资（万元）"], ["XZ-1", "双沟纺纱", "1.2亿元"]]
    result = zhaoluo("import", "projects", str(write_csv(tmp_path / "amounts.csv", rows)))
    assert result.out.strip() == "已导入：读取 1 行，新增 0，更新 1，未变 0，警告 0，错误 0"
    project = Project.objects.get(code="XZ-1")
    assert (project.stage, project.started_on, project.planned_investment) == (
        Stage.STARTED,
        dt.date(2020, 4, 1),
        Decimal("12000"),
    )
    assert project.investor == "湖北纺织"  # a column the file lacks is left as it was


def test_a_project_of_another_district_is_not_taken_over(world, tmp_path):
    f.ProjectFactory.create(district=world.other_district, name="襄城物流园", code="XC-1")
    before = counts()
    rows = [HEADER, ["XC-1", "襄城物流园", "", "5000", "", "", "", ""], ["", "襄城物流园", "", "5000", "", "", "", ""]]
    result = zhaoluo("import", "projects", str(write_csv(tmp_path / "other.csv", rows)))
    assert result.code == 2
    assert result.errors == [
        "第2行 项目编号: 该项目属于其他区，不能在本区导入",
        "第3行 项目名称: 与第2行重复",
    ]
    assert counts() == before


def test_excel_cells_are_read_by_their_type(world, tmp_path):
    rows = [
        ["项目名称", "计划总投资（万元）", "重点项目", "战略性新兴产业", "投资方", "签约日期", "开工日期"],
        ["布尔与日期", 15000.5, True, False, "某公司", dt.datetime(2020, 3, 14, 0, 0), dt.date(2020, 5, 1)],
    ]
    path = write_xlsx(tmp_path / "cells.xlsx", rows, cells=lambda v: v)
    result = zhaoluo("import", "projects", str(path))
    assert result.code == 0, result.err
    project = Project.objects.get(name="布尔与日期")
    assert (project.planned_investment, project.is_key, project.is_strategic) == (Decimal("15000.5"), True, False)
    assert (project.signed_on, project.started_on, project.stage) == (
        dt.date(2020, 3, 14),
        dt.date(2020, 5, 1),
        Stage.STARTED,
    )


def test_a_cell_spanning_lines_in_a_csv_is_still_one_excel_row(world, tmp_path):
    rows = [
        ["项目名称", "计划总投资（万元）", "投资方"],
        ["多行投资方", "5000", "湖北纺织集团\n（香港）有限公司"],
        ["坏金额", "很多", ""],
    ]
    result = zhaoluo("import", "projects", str(write_csv(tmp_path / "multi.csv", rows)))
    assert result.errors == ["第3行 计划总投资（万元）: “很多”不是金额，应为万元数字，如 15000、15,000、1.5亿元"]


def test_past_the_error_cap_the_rest_are_counted_not_listed(world, tmp_path, settings):
    settings.ZHAOLUO_LEDGER_MAX_ERRORS = 3
    rows = [["项目名称", "计划总投资（万元）"]] + [[f"项目{i}", "x"] for i in range(5)]
    result = zhaoluo("import", "projects", str(write_csv(tmp_path / "many.csv", rows)))
    assert result.code == 2
    assert result.err_lines[-1] == "另有 2 个错误未列出"
    assert len(result.errors) == 4
    assert result.out.strip().endswith("错误 5")


def test_an_import_is_attributed_to_the_named_user_with_the_files_hash(world):
    result = zhaoluo("import", "projects", str(FIXTURES / "projects_2020.csv"), "--user", world.investment.username)
    assert result.code == 0
    run = ImportRun.objects.get()
    digest = hashlib.sha256((FIXTURES / "projects_2020.csv").read_bytes()).hexdigest()
    assert (run.by, run.sha256, run.file_name, run.kind, run.district) == (
        world.investment,
        digest,
        "projects_2020.csv",
        "projects",
        world.district,
    )
    created = AuditEvent.objects.filter(action="project.created")
    assert created.count() == 60 and set(created.values_list("actor", flat=True)) == {world.investment.pk}
    logged = AuditEvent.objects.get(action="ledger.imported")
    assert logged.actor == world.investment and logged.after["sha256"] == digest


def test_a_user_whose_role_may_not_import_projects_is_refused(world):
    before = counts()
    result = zhaoluo("import", "projects", str(FIXTURES / "projects_2020.csv"), "--user", world.economy.username)
    assert result.code == 1 and "您的角色不能导入项目台账" in result.err
    assert counts() == before


def test_the_template_has_the_exported_columns_and_a_sheet_explaining_each(world, tmp_path):
    template = tmp_path / "模板.xlsx"
    assert zhaoluo("template", "projects", str(template)).code == 0
    export = tmp_path / "导出.xlsx"
    assert zhaoluo("export", "projects", str(export)).code == 0
    book, exported = load_workbook(template), load_workbook(export)
    header = [c.value for c in book.worksheets[0][1]]
    assert header == [c.value for c in exported.worksheets[0][1]]
    assert header[:2] == ["项目编号", "项目名称"] and "计划总投资（万元）" in header
    notes = list(book["填写说明"].iter_rows(values_only=True))
    assert [row[0] for row in notes[1 : len(header) + 1]] == header
    assert all(row[3] for row in notes[1 : len(header) + 1] if row[2] == "必填")
    # The empty template is itself a valid ledger.
    assert zhaoluo("import", "projects", str(template)).out.strip().startswith("已导入：读取 0 行")


def test_an_export_follows_the_list_filters(world, tmp_path):
    assert zhaoluo("import", "projects", str(FIXTURES / "projects_2020.csv")).code == 0
    out = tmp_path / "signed.xlsx"
    result = zhaoluo("export", "projects", str(out), "stage=signed")
    assert result.code == 0
    names = [row[1] for row in load_workbook(out).worksheets[0].iter_rows(min_row=2, values_only=True)]
    # 签约 and not started in the fixture: rows 1–12, 40–44 (一般项目04–08) and 55, 56, 59, 60.
    expected = [f"签约项目{i:02d}" for i in range(1, 13)] + [f"一般项目{i:02d}" for i in range(4, 9)]
    expected += ["跨年项目01", "跨年项目02", "跨年项目05", "跨年项目06"]
    assert sorted(names) == sorted(expected)
    assert zhaoluo("export", "projects", str(out), "colour=red").code == 1


def test_a_name_shared_by_two_officials_or_a_unit_of_another_district_is_an_error_not_a_guess(world, tmp_path):
    Official.objects.create(name="李专", title="科员", unit=world.township_unit)  # a second 李专 in the district
    Unit.objects.create(name="襄城区发改局", region=world.other_district)
    rows = [
        ["项目名称", "计划总投资（万元）", "专班成员", "牵头单位"],
        ["双沟纺纱", "5000", "李专", "区发改局"],
        ["黄集粮油", "5000", "赵牵头", "襄城区发改局"],
    ]
    before = counts()
    result = zhaoluo("import", "projects", str(write_csv(tmp_path / "names.csv", rows)))
    assert result.code == 2
    assert result.errors == [
        "第2行 专班成员: 本区有 2 名干部同名“李专”，请在系统中区分后再导入",
        "第3行 牵头单位: 单位“襄城区发改局”不是本区单位",
    ]
    assert counts() == before


def test_every_project_of_a_chunked_import_has_its_sealed_history_row_and_the_light_the_tick_would_give(
    world, tmp_path
):
    from zhaoluo.core import audit_chain, clock
    from zhaoluo.ledgers.engine import run_import
    from zhaoluo.ledgers.spec import get as kind_named
    from zhaoluo.projects import lights
    from zhaoluo.projects.models import LightRule
    from zhaoluo.projects.services.light_refresh import with_light_inputs

    header = ["项目名称", "投资方", "计划总投资（万元）", "重点项目", "包保领导", "牵头单位", "专班成员", "签约日期"]
    rows = [
        ["古驿纺纱", "湖北纺织", "5000", "是", "", "", "", "2020-03-01"],  # key, no 六个一: red
        ["程河食品", "正大食品", "1.2亿", "是", "王海", "区发改局", "李专、赵牵头", "2020-09-01"],  # no plan yet
        ["双沟机电", "康豪机电", "800", "否", "", "", "", ""],
        ["黄集包装", "襄阳包装", "15000万元", "否", "", "", "李专", "2018-01-05"],  # signed long ago
        ["东津数据", "易华录", "110000", "是", "王海", "", "", "2020-09-20"],
    ]
    path = write_csv(tmp_path / "chunks.csv", [header, *rows])
    last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0

    result = run_import(
        kind=kind_named("projects"), path=path, file_name="chunks.csv", by=None, district=world.district, chunk_size=2
    )

    assert result.ok and result.created == 5, result.errors
    rules = list(LightRule.objects.filter(enabled=True))
    names = [row[0] for row in rows]
    for project in with_light_inputs(Project.objects.filter(name__in=names)):
        expected = lights.evaluate(project, rules, clock.today())
        assert (project.light, project.light_reasons) == (expected.light, [r.as_dict() for r in expected.reasons])
        created = AuditEvent.objects.get(id__gt=last, action="project.created", object_id=str(project.pk))
        assert (created.object_type, created.source) == ("projects.project", "import")
        assert created.parent_id == str(project.pk)
        assert (created.after["name"], created.after["light"]) == (project.name, project.light)
    assert Project.objects.get(name="古驿纺纱").light == "red"
    verification = audit_chain.verify()
    assert verification.ok, verification.broken
    assert verification.checked == AuditEvent.objects.count()
