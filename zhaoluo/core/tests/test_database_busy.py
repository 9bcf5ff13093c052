"""A database too busy to take a write answers 503 with a clear message, never a 500 page
(security issue #11 point 3): the web page in Chinese, the API in its one error shape."""

from __future__ import annotations

from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError
from django.urls import reverse
from rest_framework.test import APIClient

from zhaoluo.enterprises.models import Enterprise
from zhaoluo.ledgers import services as ledger_services

pytestmark = pytest.mark.django_db
CSV = "统一社会信用代码,企业名称\r\n91420600MA4KXHFN20,襄阳华中纺织有限公司\r\n".encode("gb18030")


def _upload() -> SimpleUploadedFile:
    return SimpleUploadedFile("企业台账.csv", CSV, content_type="text/csv")


def _locked(*args, **kwargs):
    raise OperationalError("database is locked")


def test_a_page_whose_write_finds_the_database_locked_answers_503_in_chinese(world, tmp_path, settings):
    settings.ZHAOLUO_LEDGER_UPLOAD_DIR = tmp_path / "uploads"
    client = world.client_for(world.economy)
    with mock.patch.object(ledger_services, "ledger_import", side_effect=_locked):
        response = client.post(reverse("ledgers:import", args=["enterprises"]), {"file": _upload()})
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert "系统正忙" in page and "您的操作没有保存，请稍后重试" in page
    assert "database is locked" not in page and "Traceback" not in page
    # The spooled upload does not wait for the purge either.
    assert list((tmp_path / "uploads").iterdir()) == []
    assert not Enterprise.objects.filter(uscc="91420600MA4KXHFN20").exists()


def test_the_api_answers_a_locked_database_with_503_in_its_error_shape(world, tmp_path, settings):
    settings.ZHAOLUO_LEDGER_UPLOAD_DIR = tmp_path / "uploads"
    client = APIClient(REMOTE_ADDR="10.20.30.40")
    client.force_authenticate(world.economy)
    with mock.patch.object(ledger_services, "ledger_import", side_effect=_locked):
        response = client.post("/api/ledgers/enterprises/", {"file": _upload()}, format="multipart")
    assert response.status_code == 503
    assert response["Content-Type"].startswith("application/json")
    message = "系统正忙（数据库正在处理其他写入），您的操作没有保存，请稍后重试。"
    assert response.json() == {"error": {"code": "database_busy", "message": message}}
    assert response["Retry-After"] == "30"


def test_other_database_errors_are_not_dressed_up_as_busy(world, settings):
    client = world.client_for(world.economy)
    client.raise_request_exception = False
    with mock.patch.object(ledger_services, "ledger_import", side_effect=OperationalError("no such table: x")):
        response = client.post(reverse("ledgers:import", args=["enterprises"]), {"file": _upload()})
    assert response.status_code == 500
