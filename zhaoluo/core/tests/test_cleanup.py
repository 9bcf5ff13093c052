"""Residual files (E4): upload spool files and generated exports are deleted on schedule."""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path

import pytest
import time_machine
from django.core.files import uploadedfile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zhaoluo.core import cleanup
from zhaoluo.core.scheduled import run_tick

T0 = dt.datetime(2021, 3, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def dirs(settings, tmp_path):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "uploads")
    settings.ZHAOLUO_GENERATED_DIR = tmp_path / "generated"
    Path(settings.FILE_UPLOAD_TEMP_DIR).mkdir()
    return settings


def _touch(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"data")
    now = time.time()
    os.utime(path, (now, now))
    return path


def test_generated_exports_are_deleted_thirty_minutes_after_they_were_written(dirs):
    with time_machine.travel(T0, tick=False):
        export = cleanup.generated_path("企业名录.xlsx")
        _touch(export)
        assert export.parent.parent == Path(dirs.ZHAOLUO_GENERATED_DIR) and export.name == "企业名录.xlsx"
    with time_machine.travel(T0 + dt.timedelta(minutes=29), tick=False):
        assert cleanup.purge_files()["generated_deleted"] == 0 and export.exists()
    with time_machine.travel(T0 + dt.timedelta(minutes=31), tick=False):
        assert cleanup.purge_files()["generated_deleted"] == 1
    assert not export.exists() and not export.parent.exists()
    assert Path(dirs.ZHAOLUO_GENERATED_DIR).is_dir()  # the root stays


def test_leftover_upload_spool_files_go_after_their_ttl_and_fresh_ones_stay(dirs):
    dirs.ZHAOLUO_UPLOAD_TEMP_TTL_MINUTES = 60
    with time_machine.travel(T0, tick=False):
        old = _touch(Path(dirs.FILE_UPLOAD_TEMP_DIR) / "tmpabc.upload.xlsx")
    with time_machine.travel(T0 + dt.timedelta(minutes=50), tick=False):
        fresh = _touch(Path(dirs.FILE_UPLOAD_TEMP_DIR) / "tmpdef.upload.xlsx")
    with time_machine.travel(T0 + dt.timedelta(minutes=61), tick=False):
        assert cleanup.purge_files() == {"upload_temp_deleted": 1, "generated_deleted": 0}
    assert not old.exists() and fresh.exists()


@pytest.mark.django_db
def test_tick_purges_residual_files(dirs):
    with time_machine.travel(T0, tick=False):
        export = cleanup.generated_path("x.xlsx")
        _touch(export)
    with time_machine.travel(T0 + dt.timedelta(minutes=45), tick=False):
        result = run_tick(today=dt.date(2021, 3, 1))
    assert result["generated_deleted"] == 1 and not export.exists()


@pytest.mark.django_db
def test_a_large_upload_leaves_no_spool_file_after_the_request(world, dirs, monkeypatch):
    dirs.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024  # spool anything bigger to FILE_UPLOAD_TEMP_DIR
    spooled: list[str] = []
    real = uploadedfile.tempfile.NamedTemporaryFile

    def spy(*args, **kwargs):
        handle = real(*args, **kwargs)
        spooled.append(handle.name)
        return handle

    monkeypatch.setattr(uploadedfile.tempfile, "NamedTemporaryFile", spy)
    enterprise = world.project.enterprise
    upload = SimpleUploadedFile("big.xlsx", b"PK\x03\x04" + b"0" * 100_000)
    response = world.client_for(world.economy).post(
        reverse("enterprises:edit", args=[enterprise.pk]), {"version": "1", "file": upload}
    )
    assert response.status_code in {200, 409, 422}
    assert len(spooled) == 1 and Path(spooled[0]).parent == Path(dirs.FILE_UPLOAD_TEMP_DIR)
    assert list(Path(dirs.FILE_UPLOAD_TEMP_DIR).iterdir()) == []
