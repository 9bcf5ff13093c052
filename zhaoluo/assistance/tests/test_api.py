"""The API: scoped list, create with lines (idempotent with a key), submit (409 when stale)."""

from __future__ import annotations

import json
import uuid

import pytest

from zhaoluo.assistance.models import AssistanceForm
from zhaoluo.problems.choices import Status
from zhaoluo.problems.models import Problem

pytestmark = pytest.mark.django_db

LINES = [
    {"factor": "land", "need": "二期用地 80 亩", "still_needed": "用地指标尚未下达"},
    {"factor": "approval", "need": "施工许可", "done": "材料已齐", "still_needed": "施工许可证待核发"},
    {"factor": "finance", "need": "贷款 5000 万元", "done": "授信已落实"},
]


def _post(client, url, body, **headers):
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def test_a_form_created_and_submitted_through_the_api_raises_its_problems_once(world, march):
    client = world.client_for(world.leader)
    created = _post(client, "/api/assistance-forms/", {"project": world.project.pk, "lines": LINES})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["period_label"] == "2021年3月" and body["status"] == "draft" and len(body["lines"]) == 8
    url = f"/api/assistance-forms/{body['id']}/submit/"

    submitted = _post(client, url, {"version": body["version"]})
    assert submitted.status_code == 200, submitted.content
    lines = {line["factor"]: line for line in submitted.json()["lines"]}
    assert lines["land"]["problem_status"] == Status.PENDING and lines["land"]["problem_code"].startswith("WT2021-")
    assert lines["finance"]["problem"] is None
    again = _post(client, url, {"version": body["version"]})
    assert again.status_code == 409 and again.json()["error"]["code"] == "conflict"
    assert Problem.objects.filter(project=world.project).count() == 2


def test_an_api_create_retried_with_its_idempotency_key_makes_one_form(world, march):
    client = world.client_for(world.task_force)
    key = str(uuid.uuid4())
    first = _post(client, "/api/assistance-forms/", {"project": world.project.pk}, HTTP_IDEMPOTENCY_KEY=key)
    second = _post(client, "/api/assistance-forms/", {"project": world.project.pk}, HTTP_IDEMPOTENCY_KEY=key)
    assert first.status_code == second.status_code == 201
    assert second["Idempotent-Replayed"] == "true" and second.json()["id"] == first.json()["id"]
    assert AssistanceForm.objects.count() == 1
    duplicate = _post(client, "/api/assistance-forms/", {"project": world.project.pk})
    assert duplicate.status_code == 400 and "已存在" in json.dumps(duplicate.json(), ensure_ascii=False)


def test_the_api_list_holds_only_the_callers_forms_and_others_get_404(world, march):
    created = _post(
        world.client_for(world.economy), "/api/assistance-forms/", {"enterprise": world.project.enterprise.pk}
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert [
        f["id"] for f in world.client_for(world.enterprise_user).get("/api/assistance-forms/").json()["results"]
    ] == [pk]
    assert world.client_for(world.outsider).get("/api/assistance-forms/").json()["results"] == []
    assert world.client_for(world.outsider).get(f"/api/assistance-forms/{pk}/").status_code == 404
    # Another district's enterprise cannot even be named.
    refused = _post(
        world.client_for(world.outsider), "/api/assistance-forms/", {"enterprise": world.project.enterprise.pk}
    )
    assert refused.status_code == 400
    assert AssistanceForm.objects.count() == 1
