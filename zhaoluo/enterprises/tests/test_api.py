from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from zhaoluo.core.models import AuditEvent
from zhaoluo.enterprises.models import Enterprise
from zhaoluo.orgs.models import User
from zhaoluo.testing import factories as f

pytestmark = pytest.mark.django_db

URL = "/api/enterprises/"


def client_for(user: User, ip: str = "10.9.8.7") -> APIClient:
    client = APIClient(REMOTE_ADDR=ip)
    client.force_login(user)
    return client


def fields(response: Any) -> dict[str, list[str]]:
    return response.json()["error"]["fields"]


def names(response: Any) -> list[str]:
    return [row["name"] for row in response.json()["results"]]


@pytest.fixture
def others(world):
    other_township = f.EnterpriseFactory.create(
        district=world.district, township=world.other_township, name="襄阳张湾机械有限公司", above_scale=True
    )
    other_district = f.EnterpriseFactory.create(district=world.other_district, name="襄城外区企业有限公司")
    return other_township, other_district


def test_the_economy_bureau_lists_every_enterprise_of_its_district(world, others):
    response = client_for(world.economy).get(URL)
    assert response.status_code == 200
    assert sorted(names(response)) == sorted(["襄阳张湾机械有限公司", "襄阳盼盼食品有限公司"])
    row = next(r for r in response.json()["results"] if r["name"] == "襄阳盼盼食品有限公司")
    assert row["township_name"] == "双沟镇" and row["listing"] == "none" and row["listing_display"] == "无"


def test_an_enterprise_contact_sees_only_their_own_enterprise(world, others):
    client = client_for(world.enterprise_user)
    assert names(client.get(URL)) == ["襄阳盼盼食品有限公司"]
    own = world.enterprise_user.enterprise
    assert client.get(f"{URL}{own.pk}/").status_code == 200
    assert client.get(f"{URL}{others[0].pk}/").status_code == 404


def test_a_township_sees_the_enterprises_of_its_township(world, others):
    assert names(client_for(world.township_user).get(URL)) == ["襄阳盼盼食品有限公司"]


def test_outsiders_and_users_without_a_role_see_nothing_and_get_404(world, others):
    own = world.enterprise_user.enterprise
    for persona in (world.outsider, world.nobody):
        client = client_for(persona)
        assert client.get(URL).json()["count"] == (1 if persona is world.outsider else 0)
        response = client.get(f"{URL}{own.pk}/")
        assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_the_list_uses_the_shared_filters(world, others):
    client = client_for(world.economy)
    assert names(client.get(URL, {"above_scale": "true"})) == ["襄阳张湾机械有限公司"]
    assert names(client.get(URL, {"q": "盼盼"})) == ["襄阳盼盼食品有限公司"]


def test_the_economy_bureau_registers_an_enterprise_and_the_audit_row_says_api(world):
    uscc = f.uscc_with_check("91420607MA4ABCDE1")
    payload = {
        "uscc": uscc.lower(),
        "name": "襄阳科德智能装备有限公司",
        "township": world.township.pk,
        "phone": "0710-3456789",
    }
    response = client_for(world.economy, ip="10.9.8.7").post(URL, payload, format="json")
    assert response.status_code == 201, response.json()
    enterprise = Enterprise.objects.get(name="襄阳科德智能装备有限公司")
    assert enterprise.uscc == uscc and enterprise.district == world.district
    assert response.json()["uscc"] == uscc
    event = AuditEvent.objects.get(action="enterprise.created")
    assert (event.source, event.ip, event.actor) == ("api", "10.9.8.7", world.economy)


def test_an_invalid_credit_code_is_a_400_naming_the_field(world):
    valid = f.uscc_with_check("91420607MA4ABCDE1")
    wrong = valid[:-1] + ("0" if valid[-1] != "0" else "1")
    response = client_for(world.economy).post(URL, {"uscc": wrong, "name": "坏代码企业"}, format="json")
    assert response.status_code == 400
    assert fields(response)["uscc"] == ["统一社会信用代码校验位错误"]
    short = client_for(world.economy).post(URL, {"uscc": "9142", "name": "坏代码企业"}, format="json")
    assert "18 位" in fields(short)["uscc"][0]
    assert not Enterprise.objects.filter(name="坏代码企业").exists()


def test_a_duplicate_credit_code_is_a_400(world):
    own = world.enterprise_user.enterprise
    response = client_for(world.economy).post(URL, {"uscc": own.uscc, "name": "另一家"}, format="json")
    assert response.status_code == 400
    assert "uscc" in fields(response)
    assert Enterprise.objects.filter(uscc=own.uscc).count() == 1


def test_a_pool_date_without_the_pool_is_refused_by_the_service(world):
    own = world.enterprise_user.enterprise
    response = client_for(world.economy).patch(
        f"{URL}{own.pk}/", {"high_tech_since": "2020-01-01", "version": own.version}, format="json"
    )
    assert response.status_code == 400
    assert "认定日期" in fields(response)["high_tech_since"][0]
    assert Enterprise.objects.get(pk=own.pk).high_tech_since is None


def test_an_edit_with_the_current_version_saves(world):
    own = world.enterprise_user.enterprise
    response = client_for(world.economy).patch(
        f"{URL}{own.pk}/", {"employees": 320, "listing": "reserve", "version": own.version}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["version"] == own.version + 1
    saved = Enterprise.objects.get(pk=own.pk)
    assert (saved.employees, saved.listing) == (320, "reserve")


def test_a_stale_edit_is_a_409_and_the_database_keeps_the_first_edit(world):
    own = world.enterprise_user.enterprise
    version = own.version
    client = client_for(world.economy)
    assert client.patch(f"{URL}{own.pk}/", {"employees": 100, "version": version}, format="json").status_code == 200
    stale = client.patch(f"{URL}{own.pk}/", {"employees": 5, "version": version}, format="json")
    assert stale.status_code == 409
    assert stale.json()["error"]["changes"] == {"employees": 100}
    assert Enterprise.objects.get(pk=own.pk).employees == 100


def test_an_edit_without_a_version_is_refused(world):
    own = world.enterprise_user.enterprise
    response = client_for(world.economy).patch(f"{URL}{own.pk}/", {"employees": 5}, format="json")
    assert response.status_code == 400 and "version" in fields(response)
    assert Enterprise.objects.get(pk=own.pk).employees is None


def test_an_enterprise_contact_may_read_but_not_edit_their_enterprise(world):
    own = world.enterprise_user.enterprise
    response = client_for(world.enterprise_user).patch(
        f"{URL}{own.pk}/", {"name": "改名", "version": own.version}, format="json"
    )
    assert response.status_code == 403
    assert Enterprise.objects.get(pk=own.pk).name == "襄阳盼盼食品有限公司"


def test_an_outsider_cannot_edit_an_enterprise_of_another_district(world):
    own = world.enterprise_user.enterprise
    response = client_for(world.outsider).patch(
        f"{URL}{own.pk}/", {"name": "改名", "version": own.version}, format="json"
    )
    assert response.status_code == 404
    assert Enterprise.objects.get(pk=own.pk).name == "襄阳盼盼食品有限公司"


def test_the_enterprise_list_takes_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    cluster = f.ClusterFactory.create()
    for _ in range(20):
        f.EnterpriseFactory.create(district=world.district, township=world.township, cluster=cluster)
    client = client_for(world.economy)
    with django_assert_max_num_queries(6):
        response = client.get(URL)
    assert response.json()["count"] == 21
