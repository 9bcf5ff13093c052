"""The plan (方案 milestones) and monthly progress reports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from zhaoluo.core import audit, clock
from zhaoluo.core.dates import month_start
from zhaoluo.core.locking import claim_version
from zhaoluo.core.uploads import validate_photos
from zhaoluo.orgs.models import User

from ..models import Milestone, ProgressPhoto, ProgressReport, Project
from ..permissions import require_report
from .common import assign, check_not_future
from .light_refresh import refresh_light

MILESTONE_FIELDS = ["name", "planned_on", "actual_on", "weight"]


@transaction.atomic
def milestone_create(
    *,
    project: Project,
    by: User,
    name: str,
    planned_on: dt.date,
    weight: Decimal = Decimal("1"),
    actual_on: dt.date | None = None,
) -> Milestone:
    require_report(by, project)
    milestone = Milestone(project=project, name=name.strip(), planned_on=planned_on, weight=weight, actual_on=actual_on)
    if actual_on is not None:
        check_not_future(actual_on, "actual_on")
    milestone.full_clean()
    milestone.save()
    audit.record(actor=by, action="milestone.created", obj=milestone, after=audit.snapshot(milestone), parent=project)
    refresh_light(project, actor=by)
    return milestone


@transaction.atomic
def milestone_update(
    *, milestone: Milestone, by: User, data: Mapping[str, Any], expected_version: int | None
) -> Milestone:
    project = milestone.project
    require_report(by, project)
    before = audit.snapshot(milestone)
    claim_version(milestone, expected_version, dict(data))
    if data.get("actual_on"):
        check_not_future(data["actual_on"], "actual_on")
    assign(milestone, data, MILESTONE_FIELDS)
    milestone.full_clean()
    milestone.save()
    old, new = audit.diff(before, audit.snapshot(milestone))
    if new:
        action = "milestone.completed" if new.get("actual_on") and not old.get("actual_on") else "milestone.updated"
        audit.record(actor=by, action=action, obj=milestone, before=old, after=new, parent=project)
    refresh_light(project, actor=by)
    return milestone


@transaction.atomic
def milestone_delete(*, milestone: Milestone, by: User, expected_version: int | None = None) -> None:
    """Remove a node of the plan; the deletion stays on the project's timeline."""
    project = milestone.project
    require_report(by, project)
    claim_version(milestone, expected_version, {})
    audit.record(actor=by, action="milestone.deleted", obj=milestone, before=audit.snapshot(milestone), parent=project)
    milestone.delete()
    refresh_light(project, actor=by)


@transaction.atomic
def progress_record(
    *,
    project: Project,
    by: User,
    period: dt.date,
    completed_investment: Decimal,
    image_progress: int,
    text: str = "",
    photos: Sequence[UploadedFile] = (),
) -> ProgressReport:
    """The month's progress report; a second report for the same month replaces the first."""
    require_report(by, project)
    period = month_start(period)
    if period > month_start(clock.today()):
        raise ValidationError({"period": "不能填报未来月份的进展"})
    try:
        validate_photos(photos)
    except ValidationError as exc:
        raise ValidationError({"photos": exc.messages}) from exc
    report = ProgressReport.objects.select_for_update().filter(project=project, period=period).first()
    before = audit.snapshot(report) if report else None
    if report is None:
        report = ProgressReport(project=project, period=period)
    report.completed_investment = completed_investment
    report.image_progress = image_progress
    report.text = text.strip()
    report.reported_by = by
    report.full_clean()
    report.save()
    for upload in photos:
        photo = ProgressPhoto(report=report)
        photo.image.save(upload.name or "photo.jpg", upload, save=False)
        photo.full_clean()
        photo.save()
    after = audit.snapshot(report, ["period", "completed_investment", "image_progress", "text"])
    if photos:
        after["photos"] = len(photos)
    action = "progress.updated" if before else "progress.recorded"
    audit.record(actor=by, action=action, obj=report, before=before, after=after, parent=project)
    refresh_light(project, actor=by)
    return report
