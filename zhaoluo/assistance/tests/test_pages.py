"""The pages: what is due, the draft table, submit (409 on a stale version), print and PDF."""

from __future__ import annotations

import re
import zlib

import pytest
from django.urls import reverse

from zhaoluo.assistance import services
from zhaoluo.assistance.choices import FormStatus
from zhaoluo.assistance.models import AssistanceForm
from zhaoluo.core.models import AuditEvent
from zhaoluo.problems.models import Problem

from .conftest import project_form

pytestmark = pytest.mark.django_db


def test_the_due_page_lists_key_projects_still_owing_this_months_form_and_those_submitted(world, march):
    client = world.client_for(world.investment)
    html = client.get(reverse("assistance:due")).content.decode()
    assert "2021年3月" in html and "2021年第1季度" in html
    missing = re.search(r'id="due-month".*?<ul class="small missing">(.*?)</ul>', html, re.S)
    assert missing and "盼盼食品精深加工基地" in missing.group(1)
    assert "张湾物流园" not in html  # not a key project: no monthly form

    form = project_form(world)
    services.form_submit(form=form, by=world.task_force, expected_version=form.version)
    html = client.get(reverse("assistance:due")).content.decode()
    month = re.search(
        r'id="due-month".*?<ul class="small missing">(.*?)</ul>.*?class="small submitted">(.*?)</ul>', html, re.S
    )
    assert month and "盼盼食品精深加工基地" not in month.group(1) and "盼盼食品精深加工基地" in month.group(2)


def test_filling_in_the_draft_table_on_the_page_saves_each_factor(world, march):
    form = services.form_create(by=world.task_force, project=world.project)
    client = world.client_for(world.task_force)
    response = client.post(
        reverse("assistance:edit", args=[form.pk]),
        {
            "version": form.version,
            "land-need": "二期用地 80 亩",
            "land-still_needed": "用地指标尚未下达",
            "land-suggested_unit": world.lead_unit.pk,
            "land-suggested_due_on": "2021-04-30",
            "summary": "项目主体已封顶",
        },
    )
    assert response.status_code == 302
    line = form.lines.get(factor="land")
    assert (line.need, line.still_needed, line.suggested_unit) == (
        "二期用地 80 亩",
        "用地指标尚未下达",
        world.lead_unit,
    )
    event = AuditEvent.objects.get(action="assistance.updated", object_id=str(form.pk))
    assert event.after["lines"]["用地"]["still_needed"] == "用地指标尚未下达"
    assert event.after["summary"] == "项目主体已封顶"


def test_submitting_on_the_page_shows_each_lines_problem_and_its_status_and_a_stale_page_gets_409(world, march):
    form = project_form(world)
    read_version = form.version
    client = world.client_for(world.task_force)
    url = reverse("assistance:submit", args=[form.pk])
    assert client.post(url, {"version": read_version}).status_code == 302
    detail = client.get(reverse("assistance:detail", args=[form.pk])).content.decode()
    for problem in Problem.objects.filter(project=world.project):
        assert problem.code in detail
    assert detail.count("待交办") == 3 and "已提交" in detail

    stale = world.client_for(world.leader).post(url, {"version": read_version})
    assert stale.status_code == 409 and "已被" in stale.content.decode()
    assert Problem.objects.count() == 3
    assert AssistanceForm.objects.get(pk=form.pk).status == FormStatus.SUBMITTED


def test_a_submitted_form_can_no_longer_be_edited_on_the_page(world, march):
    form = project_form(world)
    services.form_submit(form=form, by=world.task_force, expected_version=form.version)
    client = world.client_for(world.task_force)
    assert client.get(reverse("assistance:edit", args=[form.pk])).status_code == 403
    detail = client.get(reverse("assistance:detail", args=[form.pk])).content.decode()
    assert reverse("assistance:edit", args=[form.pk]) not in detail


def test_the_print_view_is_the_official_sheet_with_subject_period_factors_and_signature_lines(world, march):
    form = project_form(world)
    services.form_submit(form=form, by=world.task_force, expected_version=form.version)
    html = world.client_for(world.leader).get(reverse("assistance:print", args=[form.pk])).content.decode()
    assert '<h1 class="zl-sheet-title">帮扶情况收集表</h1>' in html
    assert "盼盼食品精深加工基地" in html and "2021年3月" in html
    sheet = html[html.index('<article class="zl-sheet"') :]
    factors = re.findall(r'<th class="c-factor">(.+?)</th>', sheet)
    assert factors[1:] == ["用地", "用工", "融资", "用电用气", "审批", "基础设施", "供应链", "政策"]
    assert "填报人（签字）" in sheet and "单位（盖章）" in sheet and "2021年3月15日" in sheet
    assert "assistance-print.css" in html and "<script>" not in html  # CSP: no inline script


def _pdf_text_streams(data: bytes) -> bytes:
    out = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            out.append(zlib.decompress(stream))
        except zlib.error:
            out.append(stream)
    return b"\n".join(out)


def test_the_pdf_is_one_a4_page_set_in_the_simplified_chinese_face(world, march):
    form = project_form(world)
    response = world.client_for(world.task_force).get(reverse("assistance:pdf", args=[form.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    data = response.content
    assert data.startswith(b"%PDF-")
    body = data + _pdf_text_streams(data)
    assert len(re.findall(rb"/Type\s*/Page\b", body)) == 1
    assert re.search(rb"/MediaBox\s*\[\s*0 0 595\.\d+ 841\.\d+", body)  # A4 in points
    fonts = set(re.findall(rb"/BaseFont\s*/[A-Z]{6}\+([\w-]+)", body))
    assert fonts and all(b"CJK" in name and b"JP" not in name for name in fonts), fonts


def test_outsiders_get_404_for_a_form_and_cannot_reach_its_pdf(world, march):
    form = project_form(world)
    for user in (world.outsider, world.enterprise_user, world.nobody):
        client = world.client_for(user)
        assert client.get(reverse("assistance:detail", args=[form.pk])).status_code == 404
        assert client.get(reverse("assistance:pdf", args=[form.pk])).status_code == 404


def test_the_due_page_the_list_and_the_api_list_cost_the_same_few_queries_for_many_forms(
    world, march, django_assert_max_num_queries
):
    from zhaoluo.testing import factories as f

    for n in range(8):
        enterprise = f.EnterpriseFactory.create(district=world.district, name=f"襄阳测试企业{n}有限公司")
        services.form_create(by=world.economy, enterprise=enterprise)
    client = world.client_for(world.economy)
    client.get(reverse("assistance:due"))  # warm the session and the scope cache
    with django_assert_max_num_queries(15):
        html = client.get(reverse("assistance:due")).content.decode()
    assert html.count("襄阳测试企业") == 8
    with django_assert_max_num_queries(15):
        assert client.get(reverse("assistance:list")).status_code == 200
    with django_assert_max_num_queries(15):
        assert len(client.get("/api/assistance-forms/").json()["results"]) == 8
