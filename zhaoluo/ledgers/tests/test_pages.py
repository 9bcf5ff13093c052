"""The ledger pages: upload → preview (nothing written) → confirm; issues workbook; templates."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zhaoluo.core.models import AuditEvent
from zhaoluo.enterprises.models import Enterprise
from zhaoluo.ledgers.models import ImportRun
from zhaoluo.projects.models import Project

from .test_hostile_files import macro_workbook

pytestmark = pytest.mark.django_db

HEADER = "统一社会信用代码,企业名称,所属镇街,规上企业,从业人员\r\n"
GOOD = "91420600MA4KXHFN20,襄阳华中纺织有限公司,双沟镇,是,120\r\n"
BAD = "91420600MA4KXHFN2X,坏代码公司,双沟镇,也许,-3\r\n"


def csv_upload(text: str, name: str = "企业台账.csv", encoding: str = "gb18030") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def xlsx_of(response) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def test_a_clean_file_previews_without_writing_and_confirming_writes_it(world):
    client = world.client_for(world.economy)
    url = reverse("ledgers:import", args=["enterprises"])
    before = Enterprise.objects.count()
    preview = client.post(url, {"file": csv_upload(HEADER + GOOD)})
    assert preview.status_code == 200
    assert "校验通过" in preview.content.decode() and "新增 <strong>1</strong>" in preview.content.decode()
    assert Enterprise.objects.count() == before and not ImportRun.objects.exists()
    token = preview.context["token"]
    done = client.post(reverse("ledgers:confirm", args=["enterprises", token]))
    assert done.status_code == 302 and done["Location"] == reverse("ledgers:index")
    assert Enterprise.objects.get(uscc="91420600MA4KXHFN20").employees == 120
    run = ImportRun.objects.get()
    assert (run.by, run.created, run.file_name) == (world.economy, 1, "企业台账.csv")
    assert AuditEvent.objects.filter(action="ledger.imported", object_id=str(run.pk), actor=world.economy).exists()
    # The pending upload is gone: confirming twice cannot import twice.
    assert client.post(reverse("ledgers:confirm", args=["enterprises", token])).status_code == 404


def test_a_broken_file_is_shown_with_its_rows_marked_and_cannot_be_confirmed(world):
    client = world.client_for(world.economy)
    response = client.post(reverse("ledgers:import", args=["enterprises"]), {"file": csv_upload(HEADER + GOOD + BAD)})
    assert response.status_code == 422
    page = response.content.decode()
    assert "第3行 统一社会信用代码: 统一社会信用代码校验位错误" in page
    assert "第3行 规上企业:" in page and "第3行 从业人员:" in page
    assert "确认导入" not in page
    grid = response.context["preview"]
    [bad_row] = [r for r in grid.rows if r.has_error]
    assert bad_row.number == 3
    assert [c["bad"] for c in bad_row.cells] == [True, False, False, True, True]
    issues = xlsx_of(client.get(reverse("ledgers:issues", args=["enterprises", response.context["token"]]))).active
    rows = list(issues.iter_rows(min_row=2, values_only=True))
    assert {(r[0], r[2]) for r in rows if r[1] == "错误"} == {(3, "统一社会信用代码"), (3, "规上企业"), (3, "从业人员")}
    assert not Enterprise.objects.filter(name="襄阳华中纺织有限公司").exists()


def test_a_refused_file_says_why(world):
    client = world.client_for(world.investment)
    fake = SimpleUploadedFile("项目台账.xlsx", b"MZ\x90\x00 not a workbook", content_type="application/octet-stream")
    response = client.post(reverse("ledgers:import", args=["projects"]), {"file": fake})
    assert response.status_code == 422
    assert "内容不是 Excel 工作簿" in response.content.decode()


def test_only_the_roles_of_a_kind_may_import_it(world):
    url = reverse("ledgers:import", args=["projects"])
    assert world.client_for(world.investment).get(url).status_code == 200
    for user in (world.economy, world.leader, world.township_user, world.enterprise_user, world.sysadmin, world.nobody):
        assert world.client_for(user).get(url).status_code == 403, user
    assert world.client_for(world.economy).get(reverse("ledgers:import", args=["indicators"])).status_code == 200
    assert world.client_for(world.investment).get(reverse("ledgers:import", args=["nonsense"])).status_code == 404


def test_someone_elses_pending_upload_is_not_reachable(world):
    owner = world.client_for(world.economy)
    preview = owner.post(reverse("ledgers:import", args=["enterprises"]), {"file": csv_upload(HEADER + GOOD)})
    token = preview.context["token"]
    other = world.client_for(world.investment)
    assert other.post(reverse("ledgers:confirm", args=["enterprises", token])).status_code == 404
    assert other.get(reverse("ledgers:issues", args=["enterprises", token])).status_code == 404
    assert not Enterprise.objects.filter(uscc="91420600MA4KXHFN20").exists()


def test_the_template_has_the_columns_and_a_sheet_explaining_them(world):
    response = world.client_for(world.township_user).get(reverse("ledgers:template", args=["projects"]))
    book = xlsx_of(response)
    assert book.sheetnames == ["项目台账", "填写说明"]
    headers = [c.value for c in book["项目台账"][1]]
    assert headers[:2] == ["项目编号", "项目名称"] and "计划总投资（万元）" in headers and len(headers) == 22
    notes = {row[0]: row for row in book["填写说明"].iter_rows(min_row=2, values_only=True) if row[0]}
    assert notes["项目名称"][2] == "必填" and "签约" in notes["投资方"][3]


def test_the_export_is_scoped_filtered_and_audited(world):
    response = world.client_for(world.township_user).get(reverse("ledgers:export", args=["projects"]))
    sheet = xlsx_of(response).active
    assert "no-store" in response["Cache-Control"]
    assert [r[1] for r in sheet.iter_rows(min_row=2, values_only=True)] == [world.project.name]
    outsider = xlsx_of(world.client_for(world.outsider).get(reverse("ledgers:export", args=["projects"]))).active
    assert outsider.max_row == 1
    event = AuditEvent.objects.filter(action="ledger.exported", actor=world.township_user).get()
    assert event.after["kind"] == "projects" and event.after["rows"] == 1
    assert Project.objects.count() == 2  # nothing written but the audit row


def test_the_index_lists_recent_imports_to_those_who_import(world):
    client = world.client_for(world.economy)
    preview = client.post(reverse("ledgers:import", args=["enterprises"]), {"file": csv_upload(HEADER + GOOD)})
    client.post(reverse("ledgers:confirm", args=["enterprises", preview.context["token"]]))
    page = client.get(reverse("ledgers:index")).content.decode()
    assert "企业台账.csv" in page and "最近导入" in page and "<td>企业台账</td>" in page
    assert "企业台账.csv" not in world.client_for(world.leader).get(reverse("ledgers:index")).content.decode()


def test_the_export_keeps_every_value_of_a_multiple_choice_filter(world):
    from zhaoluo.projects.choices import Stage

    Project.objects.filter(pk=world.other_project.pk).update(stage=Stage.LEAD)
    client = world.client_for(world.investment)
    both = xlsx_of(client.get(reverse("ledgers:export", args=["projects"]), {"stage": ["lead", "negotiating"]}))
    one = xlsx_of(client.get(reverse("ledgers:export", args=["projects"]), {"stage": ["lead"]}))
    assert sorted(r[1] for r in both.active.iter_rows(min_row=2, values_only=True)) == sorted(
        [world.project.name, world.other_project.name]
    )
    assert [r[1] for r in one.active.iter_rows(min_row=2, values_only=True)] == [world.other_project.name]
    event = AuditEvent.objects.filter(action="ledger.exported").order_by("-seq").first()
    assert event.after["filters"] == {"stage": "lead"}


def test_a_file_refused_as_a_whole_is_deleted_at_once_and_leaves_nothing_to_confirm(world, tmp_path, settings):
    settings.ZHAOLUO_LEDGER_UPLOAD_DIR = tmp_path / "uploads"
    macro = macro_workbook(tmp_path)
    client = world.client_for(world.investment)
    upload = SimpleUploadedFile("项目台账.xlsx", macro.read_bytes(), content_type="application/octet-stream")
    response = client.post(reverse("ledgers:import", args=["projects"]), {"file": upload})
    assert response.status_code == 422
    assert "不接受带宏的工作簿" in response.content.decode()
    assert list((tmp_path / "uploads").iterdir()) == []
    assert client.session.get("ledger_uploads", {}) == {}


def test_a_file_with_row_errors_waits_for_its_issues_download(world, tmp_path, settings):
    settings.ZHAOLUO_LEDGER_UPLOAD_DIR = tmp_path / "uploads"
    client = world.client_for(world.economy)
    response = client.post(reverse("ledgers:import", args=["enterprises"]), {"file": csv_upload(HEADER + BAD)})
    assert response.status_code == 422
    token = response.context["token"]
    assert sorted(p.name for p in (tmp_path / "uploads").iterdir()) == [f"{token}.csv", f"{token}.issues.json"]
