"""Enterprise pages: list, page, edit with the optimistic lock."""

from __future__ import annotations

import pytest
from django.urls import reverse

from zhaoluo.core.models import AuditEvent
from zhaoluo.enterprises import services
from zhaoluo.enterprises.models import Enterprise
from zhaoluo.testing import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def enterprise(world) -> Enterprise:
    return world.project.enterprise


def _data(e: Enterprise, **changes: str) -> dict[str, str]:
    data = {
        "version": str(e.version),
        "uscc": e.uscc,
        "name": e.name,
        "township": str(e.township_id or ""),
        "listing": e.listing,
        "products": e.products,
        "employees": "" if e.employees is None else str(e.employees),
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def test_the_list_and_page_render_for_the_economy_bureau(world, enterprise):
    client = world.client_for(world.economy)
    listing = client.get(reverse("enterprises:list"))
    assert listing.status_code == 200 and enterprise.name in listing.content.decode()
    page = client.get(reverse("enterprises:detail", args=[enterprise.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and enterprise.uscc in html and "盼盼食品精深加工基地" in html
    assert reverse("enterprises:edit", args=[enterprise.pk]) in html


def test_the_list_filters_and_answers_htmx_with_the_table(world, enterprise):
    f.EnterpriseFactory.create(district=world.district, name="襄阳高企科技有限公司", high_tech=True)
    client = world.client_for(world.economy)
    response = client.get(reverse("enterprises:list"), {"high_tech": "true"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html and "襄阳高企科技有限公司" in html and enterprise.name not in html


def test_outsiders_and_nobody_see_no_enterprise(world, enterprise):
    for user in (world.outsider, world.nobody):
        client = world.client_for(user)
        assert client.get(reverse("enterprises:detail", args=[enterprise.pk])).status_code == 404
        assert list(client.get(reverse("enterprises:list")).context["page"].object_list) == []


def test_the_pools_show_their_entry_dates(world, enterprise):
    services.enterprise_update(
        enterprise=enterprise,
        by=world.economy,
        data={"high_tech": True, "high_tech_since": __import__("datetime").date(2020, 11, 1), "listing": "reserve"},
        expected_version=enterprise.version,
    )
    html = world.client_for(world.economy).get(reverse("enterprises:detail", args=[enterprise.pk])).content.decode()
    assert "2020-11-01" in html and "上市后备" in html


def test_the_economy_bureau_edits_an_enterprise_and_it_is_audited(world, enterprise):
    client = world.client_for(world.economy)
    response = client.post(
        reverse("enterprises:edit", args=[enterprise.pk]), _data(enterprise, products="烘焙食品", employees="860")
    )
    assert response.status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.products == "烘焙食品" and enterprise.employees == 860 and enterprise.version == 2
    event = AuditEvent.objects.get(action="enterprise.updated")
    assert event.actor == world.economy and event.after == {"products": "烘焙食品", "employees": 860}


def test_a_stale_enterprise_edit_is_409_and_changes_nothing(world, enterprise):
    stale = enterprise.version
    services.enterprise_update(
        enterprise=enterprise, by=world.investment, data={"contact": "张经理"}, expected_version=stale
    )
    response = world.client_for(world.economy).post(
        reverse("enterprises:edit", args=[enterprise.pk]),
        _data(enterprise, version=str(stale), contact="李四", products="改"),
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "请刷新后再保存" in html and "联系人：张经理" in html
    enterprise.refresh_from_db()
    assert enterprise.contact == "张经理" and enterprise.products == ""


def test_enterprise_errors_are_chinese_and_others_may_not_edit(world, enterprise):
    response = world.client_for(world.economy).post(
        reverse("enterprises:edit", args=[enterprise.pk]), _data(enterprise, phone="123", industry_code="12")
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "联系电话：联系电话应为 11 位手机号" in html and "行业代码：行业代码应为" in html
    leader = world.client_for(world.leader)
    assert leader.get(reverse("enterprises:edit", args=[enterprise.pk])).status_code == 403
    assert (
        reverse("enterprises:edit", args=[enterprise.pk])
        not in leader.get(reverse("enterprises:detail", args=[enterprise.pk])).content.decode()
    )


def test_an_enterprise_contact_sees_their_own_enterprise_but_no_project_records(world, enterprise):
    client = world.client_for(world.enterprise_user)
    page = client.get(reverse("enterprises:detail", args=[enterprise.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert enterprise.uscc in html
    assert world.project.name not in html and reverse("projects:detail", args=[world.project.pk]) not in html
    assert 'id="enterprise-projects"' not in html
    assert reverse("enterprises:edit", args=[enterprise.pk]) not in html
    other = f.EnterpriseFactory.create(district=world.district, name="别家企业有限公司")
    assert client.get(reverse("enterprises:detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("enterprises:edit", args=[enterprise.pk])).status_code == 403


def test_the_enterprise_conflict_names_fields_and_choice_labels_in_chinese(world, enterprise):
    stale = enterprise.version
    services.enterprise_update(
        enterprise=enterprise,
        by=world.investment,
        data={"listing": "reserve", "high_tech": True},
        expected_version=stale,
    )
    response = world.client_for(world.economy).post(
        reverse("enterprises:edit", args=[enterprise.pk]), _data(enterprise, version=str(stale), products="改")
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "上市状态：上市后备" in html and "高新技术企业：是" in html
    assert reverse("enterprises:edit", args=[enterprise.pk]) in html.split('id="conflict"')[1]
    enterprise.refresh_from_db()
    assert enterprise.listing == "reserve" and enterprise.products == ""
