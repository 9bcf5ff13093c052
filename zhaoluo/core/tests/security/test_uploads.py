"""G1: upload size and count limits, explicit in settings; an oversized file is refused in
Chinese and leaves no temporary file behind; more than 100 files in one request is a 400."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
import time_machine
from django.conf import settings
from django.core.files import uploadhandler
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from zhaoluo import settings as platform_settings
from zhaoluo.projects.choices import Stage
from zhaoluo.projects.models import ProgressPhoto, ProgressReport, Project, StageTransition

from .conftest import client_as

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _july_2020():
    with time_machine.travel(dt.datetime(2020, 7, 15, 10, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def temp_dir(settings, tmp_path):
    """Where Django streams uploads too big to hold in memory, watched by the tests."""
    path = tmp_path / "uploads"
    path.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(path)
    return path


@pytest.fixture
def spooled(monkeypatch) -> list[str]:
    """The temporary files Django made, so "none left" is not true merely because none was made."""
    made: list[str] = []
    original = uploadhandler.TemporaryUploadedFile

    def recording(*args, **kwargs):
        upload = original(*args, **kwargs)
        made.append(upload.temporary_file_path())
        return upload

    monkeypatch.setattr(uploadhandler, "TemporaryUploadedFile", recording)
    return made


def oversized_pdf() -> SimpleUploadedFile:
    limit = settings.ZHAOLUO_MAX_UPLOAD_BYTES
    return SimpleUploadedFile("签约协议.pdf", b"%PDF-1.7\n" + b"0" * (limit + 1 - 9), content_type="application/pdf")


def png(name: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), "red").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def test_the_upload_limits_are_set_explicitly_in_the_platforms_settings():
    assert platform_settings.DATA_UPLOAD_MAX_NUMBER_FILES == 100
    assert platform_settings.FILE_UPLOAD_MAX_MEMORY_SIZE == 5 * 1024 * 1024
    assert platform_settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 25 * 1024 * 1024
    assert platform_settings.DATA_UPLOAD_MAX_NUMBER_FIELDS == 1000
    assert platform_settings.ZHAOLUO_MAX_UPLOAD_BYTES == 20 * 1024 * 1024
    # Bigger than the memory threshold, so an oversized upload really goes through a temp file.
    assert platform_settings.ZHAOLUO_MAX_UPLOAD_BYTES > platform_settings.FILE_UPLOAD_MAX_MEMORY_SIZE


def test_evidence_over_the_limit_is_refused_in_chinese_and_leaves_no_temp_file(world, temp_dir, spooled):
    client = client_as(world, "investment")
    url = reverse("projects:advance", args=[world.project.pk])
    data = {"to": Stage.SIGNED, "on": "2020-07-01", "version": world.project.version, "evidence": oversized_pdf()}
    response = client.post(url, data)
    assert response.status_code == 422
    assert "超过 20 MB 的上限" in response.content.decode()
    assert len(spooled) == 1 and spooled[0].startswith(str(temp_dir))
    assert list(temp_dir.iterdir()) == []
    assert Project.objects.get(pk=world.project.pk).stage == Stage.NEGOTIATING
    assert not StageTransition.objects.exists()


def test_the_api_refuses_oversized_evidence_the_same_way(world, temp_dir, spooled):
    client = client_as(world, "investment")
    data = {"to": Stage.SIGNED, "on": "2020-07-01", "version": world.project.version, "evidence": oversized_pdf()}
    response = client.post(f"/api/projects/{world.project.pk}/advance/", data)
    assert response.status_code == 400
    assert "超过 20 MB 的上限" in json.dumps(response.json(), ensure_ascii=False)
    assert len(spooled) == 1
    assert list(temp_dir.iterdir()) == []
    assert not StageTransition.objects.exists()


def test_a_photo_over_the_limit_is_refused_and_no_report_is_kept(world, temp_dir, settings):
    settings.ZHAOLUO_MAX_UPLOAD_BYTES = 64  # a real PNG just over a small limit: the same rule
    client = client_as(world, "task_force")
    data = {"period": "2020-07", "completed_investment": "1", "image_progress": "5", "photos": [png("site.png")]}
    response = client.post(reverse("projects:progress", args=[world.project.pk]), data)
    assert response.status_code == 422 and "超过" in response.content.decode()
    assert not ProgressReport.objects.exists() and list(temp_dir.iterdir()) == []


def test_a_hundred_and_one_files_in_one_request_is_a_400(world, temp_dir):
    client = client_as(world, "task_force")
    base = {"period": "2020-07", "completed_investment": "1", "image_progress": "5"}
    url = reverse("projects:progress", args=[world.project.pk])
    too_many = client.post(url, {**base, "photos": [png(f"{i}.png") for i in range(101)]})
    assert too_many.status_code == 400
    api = client.post(
        f"/api/projects/{world.project.pk}/progress/", {**base, "photos": [png(f"{i}.png") for i in range(101)]}
    )
    assert api.status_code == 400
    assert not ProgressReport.objects.exists() and not ProgressPhoto.objects.exists()
    assert list(temp_dir.iterdir()) == []


def test_a_hundred_files_pass_the_parser_and_meet_the_photo_rule_in_chinese(world):
    # The control for the 400 above: at the limit the request is read, and the form's own
    # rule (20 photos a report) answers in Chinese.
    client = client_as(world, "task_force")
    data = {"period": "2020-07", "completed_investment": "1", "image_progress": "5"}
    response = client.post(
        reverse("projects:progress", args=[world.project.pk]), {**data, "photos": [png(f"{i}.png") for i in range(100)]}
    )
    assert response.status_code == 422 and "一次最多上传 20 张照片" in response.content.decode()
