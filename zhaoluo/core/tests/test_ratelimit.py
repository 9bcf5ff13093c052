"""G9: exports, imports and audit searches are limited per user and minute."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from zhaoluo.core.models import AuditEvent

pytestmark = pytest.mark.django_db
# Five seconds into the next minute (near the real clock: sessions have their own time limits).
START = (dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1)).replace(second=5, microsecond=0)


def test_the_eleventh_export_in_a_minute_is_refused_and_the_next_minute_is_free(world, settings):
    settings.ZHAOLUO_RATE_EXPORTS_PER_MINUTE = 10
    client = world.client_for(world.investment)
    url = reverse("ledgers:export", args=["projects"])
    with time_machine.travel(START, tick=False) as clock:
        assert all(client.get(url).status_code == 200 for _ in range(10))
        refused = client.get(url)
        assert refused.status_code == 429 and refused["Retry-After"] == "55"
        assert "导出过于频繁" in refused.content.decode()
        assert AuditEvent.objects.filter(action="rate.limited", actor=world.investment, outcome="denied").count() == 1
        # Another person is not slowed down by the first one's scripts.
        assert world.client_for(world.township_user).get(url).status_code == 200
        clock.move_to(START + dt.timedelta(minutes=1))
        assert client.get(url).status_code == 200


def test_the_api_answers_429_in_its_error_shape(world, settings):
    settings.ZHAOLUO_RATE_IMPORTS_PER_MINUTE = 2
    api = APIClient()
    api.force_authenticate(world.economy)
    csv = "统一社会信用代码,企业名称\n91420600MA4KXHFN20,某公司\n".encode()
    with time_machine.travel(START, tick=False):
        for _ in range(2):
            upload = SimpleUploadedFile("e.csv", csv, content_type="text/csv")
            api.post("/api/ledgers/enterprises/", {"file": upload, "dry_run": "true"}, format="multipart")
        upload = SimpleUploadedFile("e.csv", csv, content_type="text/csv")
        refused = api.post("/api/ledgers/enterprises/", {"file": upload, "dry_run": "true"}, format="multipart")
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "throttled" and refused["Retry-After"]


def test_showing_the_import_form_does_not_count_only_uploads_do(world, settings):
    settings.ZHAOLUO_RATE_IMPORTS_PER_MINUTE = 1
    client = world.client_for(world.economy)
    url = reverse("ledgers:import", args=["enterprises"])
    with time_machine.travel(START, tick=False):
        assert all(client.get(url).status_code == 200 for _ in range(5))
        upload = SimpleUploadedFile("e.csv", "统一社会信用代码,企业名称\n".encode(), content_type="text/csv")
        assert client.post(url, {"file": upload}).status_code != 429
        upload = SimpleUploadedFile("e.csv", "统一社会信用代码,企业名称\n".encode(), content_type="text/csv")
        assert client.post(url, {"file": upload}).status_code == 429
