"""POST /api/ledgers/{kind}/ and GET /api/ledgers/{kind}/export."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from zhaoluo.enterprises.models import Enterprise
from zhaoluo.ledgers.models import ImportRun

pytestmark = pytest.mark.django_db

CSV = (
    "统一社会信用代码,企业名称,所属镇街,从业人员\n"
    "91420600MA4KXHFN20,襄阳华中纺织有限公司,双沟镇,120\n"
    "91420600MA4KXHFN2X,坏代码公司,双沟镇,-3\n"
)


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def upload(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("企业.csv", text.encode("utf-8-sig"), content_type="text/csv")


def test_a_rejected_file_answers_422_with_the_contracts_row_list(world):
    response = api(world.economy).post("/api/ledgers/enterprises/", {"file": upload(CSV)}, format="multipart")
    assert response.status_code == 422
    assert response.json() == [
        {
            "row": 3,
            "column": "统一社会信用代码",
            "value": "91420600MA4KXHFN2X",
            "message": "统一社会信用代码校验位错误",
        },
        {"row": 3, "column": "从业人员", "value": "-3", "message": "不能为负数"},
    ]
    assert not Enterprise.objects.filter(uscc="91420600MA4KXHFN20").exists()


def test_a_clean_file_answers_200_with_the_summary_and_dry_run_writes_nothing(world):
    good = CSV.rsplit("9142", 1)[0]
    client = api(world.economy)
    dry = client.post("/api/ledgers/enterprises/", {"file": upload(good), "dry_run": "true"}, format="multipart")
    assert dry.status_code == 200
    assert dry.json()["created"] == 1 and dry.json()["imported"] is False
    assert not Enterprise.objects.filter(uscc="91420600MA4KXHFN20").exists()
    real = client.post("/api/ledgers/enterprises/", {"file": upload(good)}, format="multipart")
    body = real.json()
    assert real.status_code == 200 and body["imported"] is True
    assert (body["rows_read"], body["created"], body["updated"], body["unchanged"]) == (1, 1, 0, 0)
    assert Enterprise.objects.get(uscc="91420600MA4KXHFN20").employees == 120
    assert ImportRun.objects.get().sha256 == body["sha256"]
    again = client.post("/api/ledgers/enterprises/", {"file": upload(good)}, format="multipart").json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 1)


def test_a_file_refused_as_a_whole_is_a_400_in_the_error_shape(world):
    exe = SimpleUploadedFile("企业.xlsx", b"MZ\x90\x00\x03", content_type="application/octet-stream")
    response = api(world.economy).post("/api/ledgers/enterprises/", {"file": exe}, format="multipart")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "file_rejected"


def test_roles_without_import_rights_get_403_and_strangers_401(world):
    response = api(world.leader).post("/api/ledgers/enterprises/", {"file": upload(CSV)}, format="multipart")
    assert response.status_code == 403 and response.json()["error"]["code"] == "permission_denied"
    assert APIClient().post("/api/ledgers/enterprises/", {"file": upload(CSV)}, format="multipart").status_code == 401
    assert api(world.economy).post("/api/ledgers/nope/", {"file": upload(CSV)}, format="multipart").status_code == 404


def test_the_export_uses_the_list_filters_and_scope(world):
    response = api(world.investment).get("/api/ledgers/projects/export", {"q": "盼盼"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [r[1] for r in sheet.iter_rows(min_row=2, values_only=True)] == ["盼盼食品精深加工基地"]
    outsider = api(world.outsider).get("/api/ledgers/projects/export")
    assert openpyxl.load_workbook(io.BytesIO(b"".join(outsider.streaming_content))).active.max_row == 1
