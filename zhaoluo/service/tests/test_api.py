"""The API: scoped like the pages, writes through the services, Chinese field errors, nothing
written on bad input."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from zhaoluo.service import pools
from zhaoluo.service.choices import Pool
from zhaoluo.service.models import Pairing, Visit

pytestmark = pytest.mark.django_db
D = dt.date


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_pairings_are_listed_as_each_persona_may_see_them(service):
    assert [p["enterprise_name"] for p in api(service.cadre).get("/api/pairings/").json()["results"]] == [
        "襄阳盼盼食品有限公司"
    ]
    assert api(service.other_cadre).get("/api/pairings/").json()["results"] == []
    assert api(service.world.outsider).get("/api/pairings/").json()["results"] == []
    assert api(service.world.outsider).get(f"/api/pairings/{service.pairing.pk}/").status_code == 404


def test_the_organiser_pairs_through_the_api_and_an_end_before_the_start_is_400(service):
    client = api(service.world.economy)
    bad = client.post(
        "/api/pairings/",
        {
            "cadre": service.other_cadre.official.pk,
            "enterprise": service.other_enterprise.pk,
            "since": "2021-03-01",
            "until": "2021-01-01",
        },
        format="json",
    )
    assert bad.status_code == 400 and "结束日期不能早于起始日期" in str(bad.json()["error"]["fields"]["until"])
    assert Pairing.objects.count() == 1
    ok = client.post(
        "/api/pairings/",
        {"cadre": service.other_cadre.official.pk, "enterprise": service.other_enterprise.pk},
        format="json",
    )
    assert ok.status_code == 201 and ok.json()["since"] == "2021-03-31"
    assert api(service.cadre).post("/api/pairings/", {}, format="json").status_code == 403


def test_a_cadre_records_a_visit_through_the_api_and_its_flags_come_back(service):
    response = api(service.cadre).post(
        "/api/visits/",
        {
            "enterprise": service.enterprise.pk,
            "visited_on": "2021-03-29",
            "mode": "video",
            "answers": {"relocation_considered": "是"},
            "needs": [{"description": "希望协调天然气增容", "category": "utilities"}],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert [f["rule_code"] for f in body["flags"]] == ["relocation-considered"]
    assert body["needs"][0]["description"] == "希望协调天然气增容"
    flags = api(service.world.economy).get("/api/visit-flags/").json()["results"]
    assert [f["rule_name"] for f in flags] == ["考虑外迁"]
    assert api(service.world.enterprise_user).get(f"/api/visits/{body['id']}/").status_code == 200
    assert api(service.world.unit).get(f"/api/visits/{body['id']}/").status_code == 404


def test_a_visit_in_the_future_through_the_api_is_400_and_nothing_is_written(service):
    response = api(service.cadre).post(
        "/api/visits/",
        {"enterprise": service.enterprise.pk, "visited_on": "2021-04-01", "mode": "phone"},
        format="json",
    )
    assert response.status_code == 400
    assert "走访日期不能晚于今天" in str(response.json()["error"]["fields"]["visited_on"])
    assert not Visit.objects.exists()


def test_pool_memberships_are_listed_with_their_history_for_the_district_and_refused_to_others(service):
    economy = service.world.economy
    kept = pools.pool_enter(
        by=economy, enterprise=service.enterprise, pool=Pool.ABOVE_SCALE, entered_on=D(2020, 8, 31), reason="小升规"
    )
    left = pools.pool_enter(by=economy, enterprise=service.enterprise, pool=Pool.LISTING, entered_on=D(2019, 5, 1))
    pools.pool_leave(by=economy, membership=left, left_on=D(2020, 5, 26), reason="上交所主板上市")

    rows = api(economy).get("/api/pool-memberships/").json()["results"]
    assert {(r["pool_label"], r["entered_on"], r["left_on"], r["left_reason"]) for r in rows} == {
        ("规上企业", "2020-08-31", None, ""),
        ("上市后备", "2019-05-01", "2020-05-26", "上交所主板上市"),
    }
    current = api(economy).get("/api/pool-memberships/", {"current": "true"}).json()["results"]
    assert [r["id"] for r in current] == [kept.pk]
    assert api(economy).get("/api/pool-memberships/", {"entered_year": "0"}).status_code == 400
    assert api(service.world.outsider).get("/api/pool-memberships/").json()["results"] == []
    assert api(service.world.enterprise_user).get("/api/pool-memberships/").status_code == 403
    assert api(service.cadre).get("/api/pool-memberships/").status_code == 403


def test_the_schema_documents_the_service_endpoints(service):
    schema = api(service.world.economy).get("/api/schema/", {"format": "json"}).json()
    for path in (
        "/api/pairings/",
        "/api/pairings/{id}/end/",
        "/api/visits/",
        "/api/visit-flags/",
        "/api/pool-memberships/",
    ):
        assert path in schema["paths"], path
