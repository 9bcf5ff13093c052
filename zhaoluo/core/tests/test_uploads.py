"""Evidence files and photos are judged by content, on every path (the services check them)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from zhaoluo.projects import services
from zhaoluo.projects.choices import Stage
from zhaoluo.projects.models import StageTransition

pytestmark = pytest.mark.django_db


def png(name: str = "site.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def test_a_real_pdf_is_kept_as_evidence_of_signing(world):
    pdf = SimpleUploadedFile("签约协议.pdf", b"%PDF-1.7\n...", content_type="application/pdf")
    t = services.project_advance_stage(
        project=world.project, to=Stage.SIGNED, on=dt.date(2020, 5, 1), by=world.investment, evidence=pdf
    )
    assert t.evidence.name.endswith(".pdf")


def test_an_executable_renamed_to_pdf_is_refused_and_the_stage_does_not_move(world):
    fake = SimpleUploadedFile("签约协议.pdf", b"MZ\x90\x00\x03", content_type="application/pdf")
    with pytest.raises(ValidationError) as exc:
        services.project_advance_stage(
            project=world.project, to=Stage.SIGNED, on=dt.date(2020, 5, 1), by=world.investment, evidence=fake
        )
    assert "内容与扩展名 .pdf 不符" in exc.value.message_dict["evidence"][0]
    world.project.refresh_from_db()
    assert world.project.stage == Stage.NEGOTIATING
    assert not StageTransition.objects.exists()


def test_a_script_is_not_an_allowed_evidence_type(world):
    script = SimpleUploadedFile("run.sh", b"#!/bin/sh\n")
    with pytest.raises(ValidationError, match="类型不允许"):
        services.project_terminate(
            project=world.project, on=dt.date(2020, 5, 1), reason="撤资", by=world.investment, evidence=script
        )


def test_a_jpeg_header_on_garbage_is_not_a_photo(world):
    broken = SimpleUploadedFile("site.jpg", b"\xff\xd8\xff" + b"\x00" * 64, content_type="image/jpeg")
    with pytest.raises(ValidationError) as exc:
        services.progress_record(
            project=world.project,
            by=world.task_force,
            period=dt.date(2020, 6, 1),
            completed_investment=Decimal(1),
            image_progress=5,
            photos=[broken],
        )
    assert "不是有效的图片" in exc.value.message_dict["photos"][0]
    assert not world.project.progress_reports.exists()


def test_photos_are_kept_and_at_most_twenty_go_in_one_report(world, settings):
    report = services.progress_record(
        project=world.project,
        by=world.task_force,
        period=dt.date(2020, 6, 1),
        completed_investment=Decimal(1),
        image_progress=5,
        photos=[png("a.png"), png("b.png")],
    )
    assert report.photos.count() == 2
    with pytest.raises(ValidationError, match="最多上传 20 张"):
        services.progress_record(
            project=world.project,
            by=world.task_force,
            period=dt.date(2020, 7, 1),
            completed_investment=Decimal(1),
            image_progress=6,
            photos=[png(f"{i}.png") for i in range(21)],
        )


def test_a_file_over_the_size_limit_is_refused(world, settings):
    settings.ZHAOLUO_MAX_UPLOAD_BYTES = 10
    pdf = SimpleUploadedFile("big.pdf", b"%PDF-1.7" + b"0" * 20)
    with pytest.raises(ValidationError, match="上限"):
        services.project_advance_stage(
            project=world.project, to=Stage.SIGNED, on=dt.date(2020, 5, 1), by=world.investment, evidence=pdf
        )
