"""The OpenAPI document tells the truth about what the API answers (issue #11 point 17)."""

from __future__ import annotations

import pytest
import time_machine
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from zhaoluo.testing.fixtures import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(world) -> dict:
    client = APIClient()
    client.force_login(world.investment)
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def _property(schema: dict, component: str, name: str) -> dict:
    return schema["components"]["schemas"][component]["properties"][name]


def _allows(prop: dict, value) -> bool:
    """Whether a (read-only) property schema admits None or "" — enough of JSON Schema for these."""
    if value is None and prop.get("nullable"):
        return True
    if value == "" and prop.get("type") == "string" and "enum" not in prop and not prop.get("minLength"):
        return True
    return any(_allows(branch, value) for branch in prop.get("oneOf", [])) or (
        value == "" and "" in prop.get("enum", [])
    )


@pytest.mark.parametrize(
    ("component", "name", "value"),
    [
        ("Approval", "department_name", None),
        ("Approval", "problem_code", None),
        ("Problem", "owner_name", None),
        ("Problem", "unit_name", None),
        ("Problem", "satisfaction", ""),
        ("Escalation", "from_color", ""),
        ("Official", "body", ""),
        ("AgendaItem", "problem_code", None),
    ],
)
def test_fields_that_can_be_empty_are_declared_so(schema, component, name, value):
    assert _allows(_property(schema, component, name), value), (component, name)


def test_every_patch_body_with_a_version_requires_it_as_the_code_does(schema):
    patched = {
        name: comp
        for name, comp in schema["components"]["schemas"].items()
        if name.startswith("Patched") and "version" in comp.get("properties", {})
    }
    assert {"PatchedProjectUpdateRequest", "PatchedEnterpriseUpdateRequest"} <= set(patched)
    for name, comp in patched.items():
        assert "version" in comp.get("required", []), name


def test_the_escalations_path_declares_only_its_own_id(schema):
    operation = schema["paths"]["/api/problems/{id}/escalations/"]["get"]
    assert [(p["in"], p["name"]) for p in operation["parameters"] if p["in"] == "path"] == [("path", "id")]


def test_the_login_endpoint_is_anonymous_with_its_400_and_429(schema):
    operation = schema["paths"]["/api/auth/token/"]["post"]
    assert operation.get("security") in (None, [], [{}])
    assert {"200", "400", "429"} <= set(operation["responses"])


def test_nested_400_bodies_are_documented(schema):
    fields = _property(schema, "ErrorBody", "fields")
    # A nested field's reasons come as a list of objects (task-force members): not only strings.
    assert fields["additionalProperties"] in ({}, True) or "items" not in fields["additionalProperties"]


def test_paging_past_the_end_is_documented_and_answers_404_in_the_error_shape(schema, world):
    for path in ("/api/projects/", "/api/problems/", "/api/funds/", "/api/enterprises/"):
        assert "404" in schema["paths"][path]["get"]["responses"], path
        assert "400" in schema["paths"][path]["get"]["responses"], path
    client = APIClient()
    client.force_login(world.investment)
    response = client.get("/api/projects/", {"page": 99})
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("with_token", [False, True])
def test_the_login_allows_ten_attempts_a_minute_per_address_then_429_token_or_not(world, with_token):
    cache.clear()
    client = APIClient()
    if with_token:
        client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=world.economy).key}")
    with time_machine.travel("2021-03-31 09:00 +0800", tick=False):
        for i in range(10):
            answer = client.post(
                "/api/auth/token/", {"username": f"nobody{i}", "password": "x"}, REMOTE_ADDR="198.51.100.4"
            )
            assert answer.status_code == 400
        refused = client.post(
            "/api/auth/token/", {"username": "zhaoshang", "password": PASSWORD}, REMOTE_ADDR="198.51.100.4"
        )
        assert refused.status_code == 429 and refused.json()["error"]["code"] == "throttled"
        other = APIClient().post(
            "/api/auth/token/", {"username": "zhaoshang", "password": PASSWORD}, REMOTE_ADDR="198.51.100.5"
        )
        assert other.status_code == 200


def test_a_stale_token_sent_to_the_login_is_ignored_not_answered_401(world):
    cache.clear()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0000000000000000000000000000000000000000")
    response = client.post("/api/auth/token/", {"username": "zhaoshang", "password": PASSWORD})
    assert response.status_code == 200 and response.json()["token"]


def test_an_address_blocked_for_failed_logins_gets_429_not_400(world, settings):
    settings.ZHAOLUO_LOGIN_MAX_FAILURES_PER_IP_HOUR = 3
    cache.clear()
    with time_machine.travel("2021-03-31 09:00 +0800", tick=False):
        for i in range(3):
            answer = APIClient().post(
                "/api/auth/token/", {"username": f"guess{i}", "password": "x"}, REMOTE_ADDR="198.51.100.9"
            )
            assert answer.status_code == 400
        blocked = APIClient().post(
            "/api/auth/token/", {"username": "zhaoshang", "password": PASSWORD}, REMOTE_ADDR="198.51.100.9"
        )
    assert blocked.status_code == 429
    assert blocked.json()["error"] == {"code": "throttled", "message": "本机登录失败次数过多，请稍后再试。"}


def test_an_empty_single_choice_filter_is_declared_as_no_filter(schema):
    event = next(p for p in schema["paths"]["/api/notifications/"]["get"]["parameters"] if p["name"] == "event")
    assert "" in event["schema"]["enum"]


@pytest.mark.parametrize(("value", "status"), [("1", 200), ("true", 200), ("0", 200), ("", 200), ("-5e306", 400)])
def test_the_leaders_switch_of_the_officials_picker_refuses_what_is_not_yes_or_no(world, value, status):
    client = APIClient()
    client.force_login(world.investment)
    response = client.get("/api/orgs/officials/", {"leaders": value})
    assert response.status_code == status
    if status == 400:
        assert list(response.json()["error"]["fields"]) == ["leaders"]
    elif value in ("1", "true"):
        assert [o["name"] for o in response.json()] == [world.leader_official.name]


def test_year_and_id_filters_state_their_bounds(schema):
    def parameter(path, name):
        return next(p for p in schema["paths"][path]["get"]["parameters"] if p["name"] == name)["schema"]

    assert parameter("/api/projects/", "signed_year") == {"type": "integer", "minimum": 1, "maximum": 9999}
    funds_project = parameter("/api/funds/", "project")
    assert (funds_project["minimum"], funds_project["maximum"]) == (1, 2**63 - 1)
