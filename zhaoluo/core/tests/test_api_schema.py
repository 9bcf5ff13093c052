from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from django.core.cache import cache
from django.core.management import call_command
from rest_framework.test import APIClient

from zhaoluo.projects.models import Project

pytestmark = pytest.mark.django_db


def logged_in(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


@pytest.fixture
def schema(world) -> dict:
    response = logged_in(world.investment).get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def test_the_schema_generates_without_warnings_and_validates(tmp_path: Path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    doc = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert doc["info"]["title"] == "招落通 API"


def test_the_schema_documents_the_endpoints_of_the_brief(schema):
    paths = set(schema["paths"])
    for expected in [
        "/api/auth/token/",
        "/api/me/",
        "/api/projects/",
        "/api/projects/{id}/",
        "/api/projects/{id}/advance/",
        "/api/projects/{id}/terminate/",
        "/api/projects/{id}/reopen/",
        "/api/projects/{id}/transitions/",
        "/api/projects/{id}/task-force/",
        "/api/projects/{id}/milestones/",
        "/api/projects/{id}/progress/",
        "/api/projects/{id}/timeline/",
        "/api/milestones/{id}/",
        "/api/funds/",
        "/api/enterprises/",
        "/api/enterprises/{id}/",
    ]:
        assert expected in paths, expected


def test_writes_document_the_error_responses_in_one_shape(schema):
    patch = schema["paths"]["/api/projects/{id}/"]["patch"]["responses"]
    assert {"200", "400", "401", "403", "404", "409"} <= set(patch)
    assert patch["409"]["content"]["application/json"]["schema"]["$ref"] == "#/components/schemas/Error"
    error_body = schema["components"]["schemas"]["ErrorBody"]["properties"]
    assert {"code", "message", "fields", "current_version", "changes"} <= set(error_body)
    advance = schema["paths"]["/api/projects/{id}/advance/"]["post"]
    assert {"application/json", "multipart/form-data"} <= set(advance["requestBody"]["content"])
    assert {"400", "403", "404", "409"} <= set(advance["responses"])


def test_choice_sets_are_named_enums(schema):
    components = schema["components"]["schemas"]
    assert components["StageEnum"]["enum"] == [
        "lead",
        "negotiating",
        "signed",
        "started",
        "producing",
        "at_capacity",
        "terminated",
    ]
    assert components["InitialStageEnum"]["enum"] == ["lead", "negotiating"]
    assert {"ProjectKindEnum", "TransitionKindEnum", "UnitKindEnum", "LightEnum", "FundOriginEnum"} <= set(components)


def test_every_api_operation_refuses_anonymous_callers_with_401(schema, world):
    anonymous = APIClient()
    checked = 0
    for path, operations in schema["paths"].items():
        if path == "/api/auth/token/":
            continue
        concrete = path.replace("{id}", str(world.project.pk)).replace("{kind}", "projects")
        for method in operations:
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            response = getattr(anonymous, method)(concrete)
            assert response.status_code == 401, (method, path)
            assert response.json()["error"]["code"] == "not_authenticated"
            checked += 1
    assert checked >= 20
    assert APIClient().get("/api/schema/").status_code == 401
    assert APIClient().get("/api/docs/").status_code == 401


def test_session_writes_without_a_csrf_token_are_refused(world):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(world.investment)
    response = client.patch(f"/api/projects/{world.project.pk}/", {"name": "改名", "version": 1}, format="json")
    assert response.status_code == 403
    assert Project.objects.get(pk=world.project.pk).name == "盼盼食品精深加工基地"


def test_the_docs_page_loads_everything_from_local_static_files(world):
    client = logged_in(world.investment)
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert not re.search(r"https?://", html), "the docs page must not reference any external URL"
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    # Its start-up script comes from the page's own URL (no inline script under the CSP).
    assert "/api/docs/?script=" in assets
    assets.remove("/api/docs/?script=")
    assert len(assets) >= 3
    for asset in assets:
        assert asset.startswith("/static/drf_spectacular_sidecar/"), asset
        assert client.get(asset).status_code == 200, asset
    script = client.get("/api/docs/?script=").content.decode()
    assert "SwaggerUIBundle" in script and '"validatorUrl": null' in script
    assert not re.search(r"https?://", script)


def test_the_token_endpoint_slows_down_password_guessing(world):
    cache.clear()
    anonymous = APIClient()
    codes = [
        anonymous.post("/api/auth/token/", {"username": "zhaoshang", "password": f"guess{i}"}).status_code
        for i in range(11)
    ]
    cache.clear()
    assert codes[:10] == [400] * 10
    assert codes[10] == 429


def test_stage_moves_and_milestone_deletes_document_the_required_version(schema):
    components = schema["components"]["schemas"]
    for name in ("AdvanceRequest", "TerminateRequest", "ReopenRequest"):
        assert "version" in components[name]["required"], name
    delete = schema["paths"]["/api/milestones/{id}/"]["delete"]
    params = {p["name"]: p for p in delete["parameters"]}
    assert params["version"]["in"] == "query"
    assert {"204", "400", "409"} <= set(delete["responses"])
    assert params["version"]["schema"]["type"] == "integer" and '{"version": N}' in delete["description"]
    photo = components["ProgressPhoto"]["properties"]["image"]
    evidence = components["StageTransition"]["properties"]["evidence"]
    assert photo["format"] == evidence["format"] == "uri-reference" and evidence["nullable"]
