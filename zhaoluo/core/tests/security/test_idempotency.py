"""H6 idempotent creates: a create form or API call submitted twice with the same token
makes one record, and the second submission is led to it."""

from __future__ import annotations

import datetime as dt
import io
import re
import uuid

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from rest_framework.test import APIClient

from zhaoluo.core import idempotency
from zhaoluo.core.models import AuditEvent, IdempotencyKey
from zhaoluo.enterprises.models import Enterprise
from zhaoluo.projects.models import FundArrival, Milestone, ProgressPhoto, ProgressReport, Project
from zhaoluo.testing.factories import uscc_with_check

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="idempotency_key" value="([0-9a-f-]{36})"')


def token_of(response) -> str:
    match = TOKEN.search(response.content.decode())
    assert match, "the form carries no idempotency token"
    return match.group(1)


def jpeg() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "#336699").save(buffer, "JPEG")
    return SimpleUploadedFile("site.jpg", buffer.getvalue(), content_type="image/jpeg")


def api(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


NEW_PROJECT = {"stage": "lead", "name": "新能源电池材料", "planned_investment": "1.5", "kind": "new"}


def test_a_project_create_form_submitted_twice_makes_one_project_and_the_second_lands_on_it(world):
    client = world.client_for(world.investment)
    token = token_of(client.get(reverse("projects:create")))
    first = client.post(reverse("projects:create"), {**NEW_PROJECT, "idempotency_key": token})
    second = client.post(reverse("projects:create"), {**NEW_PROJECT, "idempotency_key": token})
    project = Project.objects.get(name="新能源电池材料")
    detail = reverse("projects:detail", args=[project.pk])
    assert (first.status_code, first["Location"]) == (302, detail)
    assert (second.status_code, second["Location"]) == (302, detail)
    assert AuditEvent.objects.filter(action="project.created", object_id=str(project.pk)).count() == 1
    claim = IdempotencyKey.objects.get(key=token)
    assert (claim.user, claim.scope, claim.object_type, claim.object_id) == (
        world.investment,
        "projects.create",
        "projects.project",
        str(project.pk),
    )
    page = client.get(detail)
    assert "该表单已提交过，未重复保存" in page.content.decode()


def test_every_showing_of_the_create_form_issues_a_fresh_token(world):
    client = world.client_for(world.investment)
    assert token_of(client.get(reverse("projects:create"))) != token_of(client.get(reverse("projects:create")))


def test_without_the_token_a_second_submission_is_not_protected(world):
    # The control: what the token prevents is real (here the duplicate name stops it, with an error).
    client = world.client_for(world.investment)
    assert client.post(reverse("projects:create"), NEW_PROJECT).status_code == 302
    assert client.post(reverse("projects:create"), NEW_PROJECT).status_code == 422


def test_a_refused_submission_claims_nothing_and_the_corrected_one_with_the_same_token_creates(world):
    client = world.client_for(world.investment)
    token = token_of(client.get(reverse("projects:create")))
    bad = client.post(reverse("projects:create"), {**NEW_PROJECT, "name": world.project.name, "idempotency_key": token})
    assert bad.status_code == 422 and token in bad.content.decode()
    assert not IdempotencyKey.objects.exists()
    good = client.post(reverse("projects:create"), {**NEW_PROJECT, "idempotency_key": token})
    assert good.status_code == 302 and Project.objects.filter(name="新能源电池材料").count() == 1


def test_a_token_is_one_persons_own(world):
    token = str(uuid.uuid4())
    mine = world.client_for(world.investment)
    assert mine.post(reverse("projects:create"), {**NEW_PROJECT, "idempotency_key": token}).status_code == 302
    # Someone else sending the same token is not led to the first person's record.
    other = world.client_for(world.outsider).post(
        reverse("projects:create"), {**NEW_PROJECT, "name": "外区项目", "idempotency_key": token}
    )
    assert other.status_code == 302
    assert Project.objects.filter(name="外区项目").exists()


def test_a_token_used_for_another_form_is_refused_with_a_chinese_message(world):
    client = world.client_for(world.investment)
    token = str(uuid.uuid4())
    assert client.post(reverse("projects:create"), {**NEW_PROJECT, "idempotency_key": token}).status_code == 302
    response = client.post(
        reverse("projects:funds", args=[world.project.pk]),
        {"period": "2020-05", "amount": "100", "origin": "out_of_province", "idempotency_key": token},
    )
    assert response.status_code == 422 and "已用于其他操作" in response.content.decode()
    assert not FundArrival.objects.exists()


@time_machine.travel(dt.datetime(2020, 7, 15, 10, tzinfo=dt.UTC), tick=False)
def test_a_progress_report_submitted_twice_keeps_its_photo_once(world):
    client = world.client_for(world.task_force)
    url = reverse("projects:progress", args=[world.project.pk])
    token = token_of(client.get(url))
    form = {"period": "2020-07", "completed_investment": "10", "image_progress": "5", "text": "开工"}
    for _ in range(2):
        response = client.post(url, {**form, "photos": [jpeg()], "idempotency_key": token})
        assert response.status_code == 302
    assert ProgressReport.objects.count() == 1
    assert ProgressPhoto.objects.count() == 1


@time_machine.travel(dt.datetime(2020, 7, 15, 10, tzinfo=dt.UTC), tick=False)
def test_a_milestone_and_a_fund_submitted_twice_are_each_recorded_once(world):
    client = world.client_for(world.investment)
    p = world.project
    milestone_url = reverse("projects:milestone_create", args=[p.pk])
    token = token_of(client.get(milestone_url))
    for _ in range(2):
        data = {"name": "完成供地", "planned_on": "2020-09-30", "weight": "1", "idempotency_key": token}
        assert client.post(milestone_url, data).status_code == 302
    assert Milestone.objects.filter(project=p).count() == 1
    fund_url = reverse("projects:funds", args=[p.pk])
    token = token_of(client.get(fund_url))
    for _ in range(2):
        data = {"period": "2020-06", "amount": "300", "origin": "out_of_province", "idempotency_key": token}
        assert client.post(fund_url, data).status_code == 302
    assert FundArrival.objects.count() == 1
    assert AuditEvent.objects.filter(action="funds.recorded").count() == 1


def test_an_api_create_retried_with_the_same_idempotency_key_answers_with_the_first_record(world):
    uscc = uscc_with_check("91420607MA4999999")
    payload = {"uscc": uscc, "name": "襄阳重试科技有限公司"}
    key = str(uuid.uuid4())
    client = api(world.economy)
    first = client.post("/api/enterprises/", payload, format="json", HTTP_IDEMPOTENCY_KEY=key)
    second = client.post("/api/enterprises/", payload, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert first.status_code == 201 and "Idempotent-Replayed" not in first
    assert second.status_code == 201 and second["Idempotent-Replayed"] == "true"
    assert first.json()["id"] == second.json()["id"]
    assert Enterprise.objects.filter(uscc=uscc).count() == 1
    assert AuditEvent.objects.filter(action="enterprise.created").count() == 1


def test_an_api_project_create_retried_with_its_key_makes_one_project(world):
    key = str(uuid.uuid4())
    client = api(world.investment)
    payload = {"name": "重试项目", "planned_investment": "100"}
    ids = {client.post("/api/projects/", payload, format="json", HTTP_IDEMPOTENCY_KEY=key).json()["id"] for _ in "ab"}
    assert len(ids) == 1 and Project.objects.filter(name="重试项目").count() == 1


@time_machine.travel(dt.datetime(2020, 7, 15, 10, tzinfo=dt.UTC), tick=False)
def test_api_milestone_progress_and_fund_creates_honour_the_key(world):
    client = api(world.investment)
    p = world.project
    calls = [
        (f"/api/projects/{p.pk}/milestones/", {"name": "完成供地", "planned_on": "2020-09-30"}),
        (f"/api/projects/{p.pk}/progress/", {"period": "2020-07", "completed_investment": "1", "image_progress": 3}),
        ("/api/funds/", {"project": p.pk, "period": "2020-06", "amount": "10"}),
    ]
    for url, payload in calls:
        key = str(uuid.uuid4())
        first = client.post(url, payload, format="json", HTTP_IDEMPOTENCY_KEY=key)
        again = client.post(url, payload, format="json", HTTP_IDEMPOTENCY_KEY=key)
        assert first.status_code == 201, (url, first.json())
        assert again["Idempotent-Replayed"] == "true" and again.json()["id"] == first.json()["id"]
    assert Milestone.objects.count() == ProgressReport.objects.count() == FundArrival.objects.count() == 1
    for action in ("milestone.created", "progress.recorded", "funds.recorded"):
        assert AuditEvent.objects.filter(action=action).count() == 1
    assert not AuditEvent.objects.filter(action__in=["progress.updated", "funds.updated"]).exists()


def test_a_malformed_idempotency_key_is_a_400_not_silently_ignored(world):
    response = api(world.investment).post(
        "/api/projects/", {"name": "坏令牌", "planned_investment": "1"}, format="json", HTTP_IDEMPOTENCY_KEY="abc"
    )
    assert response.status_code == 400
    assert "UUID" in response.json()["error"]["fields"]["idempotency_key"][0]
    assert not Project.objects.filter(name="坏令牌").exists()


def test_old_claims_are_purged_after_a_week(world):
    client = world.client_for(world.investment)
    client.post(reverse("projects:create"), {**NEW_PROJECT, "idempotency_key": str(uuid.uuid4())})
    assert idempotency.purge(now=dt.datetime.now(dt.UTC) + dt.timedelta(days=6)) == 0
    assert idempotency.purge(now=dt.datetime.now(dt.UTC) + dt.timedelta(days=8)) == 1
