"""The approvals list (green channel first), totals, .xlsx exports, the project section and the API."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from zhaoluo.approvals import services
from zhaoluo.approvals.choices import Status
from zhaoluo.approvals.models import Approval, ApprovalItem
from zhaoluo.core.models import AuditEvent
from zhaoluo.orgs.models import Unit
from zhaoluo.problems.models import Problem
from zhaoluo.projects import services as project_services
from zhaoluo.projects.models import Project

pytestmark = pytest.mark.django_db
CST = dt.timezone(dt.timedelta(hours=8))
NOW = dt.datetime(2020, 10, 30, 9, tzinfo=CST)


def _item(code: str) -> ApprovalItem:
    return ApprovalItem.objects.get(code=code)


@pytest.fixture
def approvals(world):
    """On the world's project: 立项 on time (区发改局), 施工许可 decided late, 能评 pending past due;
    on the green-channel 张湾物流园: 施工许可 on time."""
    housing = Unit.objects.create(name="区住建局", region=world.district)
    Project.objects.filter(pk=world.other_project.pk).update(green_channel=True)
    world.other_project.refresh_from_db()
    with time_machine.travel(NOW, tick=False):
        record = services.approval_record
        made = {
            "filing": record(
                by=world.investment,
                project=world.project,
                item=_item("project-filing"),
                submitted_on=dt.date(2020, 8, 3),
                decided_on=dt.date(2020, 8, 14),
            ),
            "construction": record(
                by=world.investment,
                project=world.project,
                item=_item("construction"),
                submitted_on=dt.date(2020, 9, 25),
                decided_on=dt.date(2020, 10, 14),
            ),
            "energy": record(
                by=world.investment,
                project=world.project,
                item=_item("energy"),
                department=world.lead_unit,
                submitted_on=dt.date(2020, 9, 1),
            ),
            "green": record(
                by=world.investment,
                project=world.other_project,
                item=_item("construction"),
                submitted_on=dt.date(2020, 10, 19),
                decided_on=dt.date(2020, 10, 21),
            ),
        }
    made["housing"] = housing
    return made


@time_machine.travel(NOW, tick=False)
def test_the_list_puts_green_channel_projects_first_and_marks_late_approvals(world, approvals):
    page = world.client_for(world.investment).get("/approvals/")
    assert page.status_code == 200
    rows = page.context["rows"]
    assert rows[0]["a"] == approvals["green"]
    assert {r["a"].pk for r in rows if r["late"]} == {approvals["construction"].pk, approvals["energy"].pk}
    html = page.content.decode()
    assert "绿色通道项目：时限减半" in html
    late_only = world.client_for(world.investment).get("/approvals/", {"late": "true"})
    assert {r["a"].pk for r in late_only.context["rows"]} == {approvals["construction"].pk, approvals["energy"].pk}


@time_machine.travel(NOW, tick=False)
def test_the_totals_count_done_average_days_on_time_rate_and_late_per_item_and_department(world, approvals):
    page = world.client_for(world.supervision).get("/approvals/totals/")
    by_item = {r["name"]: r for r in page.context["by_item"]}
    construction = by_item["施工许可"]
    # 9 working days (late) and 2 (on time): average 5.5, one of two on time.
    assert (construction["total"], construction["done"], construction["late"]) == (2, 2, 1)
    assert construction["average"] == 5.5 and construction["on_time_rate"] == 50.0
    energy = by_item["节能审查（能评）"]
    assert (energy["total"], energy["done"], energy["pending"], energy["late"]) == (1, 0, 1, 1)
    assert energy["on_time_rate"] is None
    by_department = {r["name"]: r for r in page.context["by_department"]}
    assert by_department["区住建局"]["late"] == 1 and by_department["区住建局"]["total"] == 2
    assert by_department["区发改局"]["total"] == 2 and by_department["区发改局"]["late"] == 1


@time_machine.travel(NOW, tick=False)
def test_the_exports_hold_the_filtered_rows_and_are_audited(world, approvals):
    client = world.client_for(world.investment)
    response = client.get("/approvals/export.xlsx", {"late": "true"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "项目名称" and len(rows) == 3
    assert {r[3] for r in rows[1:]} == {"施工许可", "节能审查（能评）"}
    totals = load_workbook(io.BytesIO(client.get("/approvals/totals.xlsx").content))
    assert totals.sheetnames == ["按审批事项", "按办理部门"]
    assert AuditEvent.objects.filter(action="approvals.exported", actor=world.investment).count() == 2
    assert world.client_for(world.nobody).get("/approvals/export.xlsx").status_code == 403


@time_machine.travel(NOW, tick=False)
def test_the_project_page_shows_its_approvals_the_late_problem_and_the_timeline_sentences(world, approvals):
    html = world.client_for(world.task_force).get(f"/projects/{world.project.pk}/").content.decode()
    assert 'id="approvals"' in html
    problem = approvals["construction"].problem
    assert problem is not None and problem.code in html
    assert "登记审批事项“施工许可”" in html
    assert f"审批事项“施工许可”超时，自动生成问题 {problem.code}" in html
    # The task force sees but may not record.
    assert "＋ 登记审批事项" not in html
    assert (
        "＋ 登记审批事项" in world.client_for(world.investment).get(f"/projects/{world.project.pk}/").content.decode()
    )


@time_machine.travel(NOW, tick=False)
def test_an_outsider_and_an_account_without_a_role_see_no_approvals_and_get_404_on_one(world, approvals):
    for persona in (world.outsider, world.nobody):
        client = world.client_for(persona)
        assert client.get("/approvals/").context["page"].paginator.count == 0
        assert client.get(f"/approvals/{approvals['energy'].pk}/edit/").status_code == 404
        assert client.get(f"/api/approvals/{approvals['energy'].pk}/").status_code == 404
        assert client.get("/api/approvals/").json()["count"] == 0


@time_machine.travel(NOW, tick=False)
def test_the_department_sees_the_approvals_it_handles_and_a_township_only_its_own_projects(world, approvals):
    # 张湾物流园 lies in another township and is not led by 区发改局; its 能评 is handled by 区发改局.
    handled = services.approval_record(
        by=world.investment,
        project=world.other_project,
        item=_item("energy"),
        department=world.lead_unit,
        submitted_on=dt.date(2020, 10, 26),
    )
    own = {approvals[k].pk for k in ("filing", "construction", "energy")}
    township_ids = {a["id"] for a in world.client_for(world.township_user).get("/api/approvals/").json()["results"]}
    assert township_ids == own
    unit_ids = {a["id"] for a in world.client_for(world.unit).get("/api/approvals/").json()["results"]}
    assert unit_ids == own | {handled.pk}
    assert world.client_for(world.township_user).get(f"/api/approvals/{handled.pk}/").status_code == 404


@time_machine.travel(NOW, tick=False)
def test_the_web_form_records_an_approval_once_and_a_late_one_raises_its_problem(world, approvals):
    client = world.client_for(world.investment)
    form = client.get(f"/approvals/project/{world.project.pk}/new/")
    key = form.context["form"]["idempotency_key"].value()
    data = {
        "item": _item("fire-design").pk,
        "submitted_on": "2020-09-01",
        "decided_on": "2020-10-20",
        "idempotency_key": key,
    }
    assert client.post(f"/approvals/project/{world.project.pk}/new/", data).status_code == 302
    assert client.post(f"/approvals/project/{world.project.pk}/new/", data).status_code == 302
    approval = Approval.objects.get(project=world.project, item__code="fire-design")
    assert approval.status == Status.APPROVED and approval.is_late and approval.problem is not None
    assert Problem.objects.filter(approvals=approval).count() == 1


@time_machine.travel(NOW, tick=False)
def test_the_api_creates_and_updates_with_a_409_on_a_stale_version(world, approvals):
    client = world.client_for(world.investment)
    created = client.post(
        "/api/approvals/",
        json.dumps({"project": world.project.pk, "item": _item("land-siting").pk, "submitted_on": "2020-10-26"}),
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == Status.HANDLING and body["limit_workdays"] == 20 and body["workdays_elapsed"] == 4
    url = f"/api/approvals/{body['id']}/"
    patch = {"decided_on": "2020-10-29", "version": body["version"]}
    ok = client.patch(url, json.dumps(patch), content_type="application/json")
    assert ok.status_code == 200 and ok.json()["status"] == Status.APPROVED and ok.json()["workdays_taken"] == 3
    stale = client.patch(url, json.dumps({**patch, "note": "再改"}), content_type="application/json")
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "conflict"
    unit = world.client_for(world.unit)
    denied = unit.post(
        "/api/approvals/",
        json.dumps({"project": world.project.pk, "item": _item("energy").pk}),
        content_type="application/json",
    )
    assert denied.status_code == 403


@time_machine.travel(NOW, tick=False)
def test_the_list_page_costs_the_same_few_queries_whatever_the_number_of_rows(
    world, approvals, django_assert_max_num_queries
):
    client = world.client_for(world.investment)
    client.get("/approvals/")
    with django_assert_max_num_queries(20):
        page = client.get("/approvals/")
    assert len(page.context["rows"]) == 4


@time_machine.travel(NOW, tick=False)
def test_the_approvals_card_shows_the_project_code_and_links_only_managers_to_the_project_form(world):
    project_services.project_update(
        project=world.project,
        by=world.investment,
        data={"national_code": "20203205063903512345"},
        expected_version=world.project.version,
    )
    edit = reverse("projects:edit", args=[world.project.pk])
    for user, may_edit in ((world.investment, True), (world.task_force, False)):
        html = world.client_for(user).get(f"/projects/{world.project.pk}/").content.decode()
        start = html.index('id="approvals"')
        card = html[start : html.index("</table>", start)]
        assert "全国投资项目代码 2020-320506-39-03-512345" in card
        assert (f'href="{edit}"' in card) is may_edit
    # The old approvals-owned page is gone, so there is one place to change the code.
    assert world.client_for(world.investment).get(f"/approvals/project/{world.project.pk}/code/").status_code == 404
