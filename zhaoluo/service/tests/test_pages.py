"""The pages: the cadre's day, the visit form end to end, the portal, coverage and what the
enterprise contact may not open."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from zhaoluo.problems.choices import Origin, Status
from zhaoluo.problems.models import Problem
from zhaoluo.service import services
from zhaoluo.service.models import Pairing, Visit, VisitNeed

pytestmark = pytest.mark.django_db
D = dt.date


def test_the_cadre_start_page_lists_my_enterprises_with_visits_due(service):
    client = service.world.client_for(service.cadre)
    page = client.get(reverse("service:start")).content.decode()
    assert "襄阳盼盼食品有限公司" in page and "尚未走访" in page
    assert "襄阳金恒昌纺织有限公司" not in page  # not paired with 沈耀
    services.visit_record(by=service.cadre, enterprise=service.enterprise, visited_on=D(2021, 3, 1), mode="phone")
    page = client.get(reverse("service:start")).content.decode()
    assert "上次走访：2021-03-01" in page and "没有到期未走访的企业" in page


def test_the_home_page_sends_the_cadre_to_their_start_page(service):
    response = service.world.client_for(service.cadre).get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == reverse("service:start")


def test_a_visit_posted_from_the_form_raises_its_flag_and_keeps_the_need(service):
    client = service.world.client_for(service.cadre)
    url = reverse("service:visit_create", args=[service.enterprise.pk])
    form = client.get(url)
    assert form.status_code == 200
    token = form.context["form"]["idempotency_key"].value()
    response = client.post(
        url,
        {
            "idempotency_key": token,
            "visited_on": "2021-03-30",
            "mode": "on_site",
            "q_orders_change_pct": "-30",
            "need_0": "需要本地货架钢材供应商",
            "need_category_0": "supply_chain",
        },
    )
    visit = Visit.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("service:visit", args=[visit.pk])
    assert [f.rule.code for f in visit.flags.all()] == ["orders-down-20"]
    detail = client.get(response["Location"]).content.decode()
    assert "订单下降 20% 以上" in detail and "转为问题" in detail
    need = VisitNeed.objects.get(visit=visit)
    client.post(reverse("service:need_raise", args=[need.pk]))
    need.refresh_from_db()
    assert need.problem is not None and need.problem.origin == Origin.VISIT


def test_a_visit_in_the_future_from_the_form_is_shown_again_in_chinese_and_nothing_is_saved(service):
    client = service.world.client_for(service.cadre)
    url = reverse("service:visit_create", args=[service.enterprise.pk])
    response = client.post(url, {"visited_on": "2021-04-02", "mode": "on_site", "q_employees": "-1"})
    assert response.status_code == 422
    text = response.content.decode()
    assert "走访日期不能晚于今天" in text or "现有职工（人）" in text
    assert not Visit.objects.exists()


def test_the_enterprise_contact_cannot_open_the_supervision_pages(service):
    client = service.world.client_for(service.world.enterprise_user)
    for name in ("supervision:queue", "supervision:notices", "supervision:rules", "supervision:queue_export"):
        assert client.get(reverse(name)).status_code == 403, name
    page = client.get(reverse("service:portal")).content.decode()
    assert "沈耀" in page and "督办" not in page


def test_the_portal_need_is_a_problem_of_the_enterprise(service):
    client = service.world.client_for(service.world.enterprise_user)
    token = client.get(reverse("service:portal_need")).context["form"]["idempotency_key"].value()
    response = client.post(
        reverse("service:portal_need"),
        {"idempotency_key": token, "description": "需要本地包装供应商", "category": "supply_chain"},
    )
    assert response.status_code == 302
    problem = Problem.objects.get()
    assert problem.enterprise == service.enterprise and problem.status == Status.PENDING
    assert problem.raiser == service.world.enterprise_user


def test_coverage_counts_drill_down_to_their_lists(service):
    Pairing.objects.create(
        district=service.world.district,
        cadre=service.other_cadre.official,
        enterprise=service.enterprise,
        since=D(2020, 3, 1),
    )
    client = service.world.client_for(service.world.economy)
    page = client.get(reverse("service:coverage"))
    counts = page.context["counts"]
    assert counts == {"unpaired": 1, "due": 2, "over": 0, "under": 0}
    unpaired = client.get(reverse("service:coverage"), {"show": "unpaired"}).context["page"].object_list
    assert [e.name for e in unpaired] == ["襄阳金恒昌纺织有限公司"]
    over = client.get(reverse("service:coverage"), {"show": "over", "max": "0"}).context["page"].object_list
    assert sorted(o.name for o in over) == ["周平", "沈耀"]


def test_the_organiser_pairs_from_the_page(service):
    client = service.world.client_for(service.world.economy)
    url = reverse("service:pairing_create")
    token = client.get(url).context["form"]["idempotency_key"].value()
    response = client.post(
        url,
        {
            "idempotency_key": token,
            "cadre": service.other_cadre.official.pk,
            "enterprise": service.other_enterprise.pk,
            "since": "2021-03-01",
            "until": "2021-02-01",
        },
    )
    assert response.status_code == 422 and "结束日期不能早于起始日期" in response.content.decode()
    assert Pairing.objects.count() == 1


def test_the_enterprise_page_names_its_cadre_and_shows_its_visits(service):
    services.visit_record(
        by=service.cadre,
        enterprise=service.enterprise,
        visited_on=D(2021, 3, 2),
        mode="on_site",
        answers={"wage_arrears": "是"},
    )
    url = reverse("enterprises:detail", args=[service.enterprise.pk])
    page = service.world.client_for(service.world.economy).get(url).content.decode()
    assert "包联干部：沈耀（区科经局）" in page and "2021-03-02 沈耀实地走访" in page and "拖欠工资" in page
    # The lead unit sees the enterprise through its project, but pairings and visits are not its business.
    assert "包联干部与走访" not in service.world.client_for(service.world.unit).get(url).content.decode()
