"""Keeping each project's stored light in step with its records and the calendar."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from zhaoluo.core import audit, clock
from zhaoluo.core import calendar as workdays
from zhaoluo.orgs.models import Region, User

from .. import lights
from ..models import LightRule, ProgressReport, Project, TaskForceMember


def with_light_inputs(queryset: Any) -> Any:
    return queryset.select_related("leader", "lead_unit").prefetch_related(
        Prefetch("task_force", queryset=TaskForceMember.objects.all()),
        "milestones",
        Prefetch("progress_reports", queryset=ProgressReport.objects.order_by("-period")),
    )


def refresh_light(project: Project, *, actor: User | None) -> None:
    """Recompute one project's light inside the caller's transaction."""
    fresh = with_light_inputs(Project.objects.filter(pk=project.pk)).get()
    rules = list(LightRule.objects.filter(enabled=True))
    _apply_verdict(fresh, lights.evaluate(fresh, rules, clock.today()), actor)
    project.light, project.light_reasons, project.light_at = fresh.light, fresh.light_reasons, fresh.light_at


def _apply_verdict(project: Project, verdict: lights.Verdict, actor: User | None) -> bool:
    reasons = [r.as_dict() for r in verdict.reasons]
    if project.light == verdict.light and project.light_reasons == reasons:
        return False
    before = {"light": project.light, "light_reasons": project.light_reasons}
    now = timezone.now()
    Project.objects.filter(pk=project.pk).update(light=verdict.light, light_reasons=reasons, light_at=now)
    changed_colour = project.light != verdict.light
    project.light, project.light_reasons, project.light_at = verdict.light, reasons, now
    if changed_colour:
        audit.record(
            actor=actor,
            action="project.light_changed",
            obj=project,
            before=before,
            after={"light": verdict.light, "light_reasons": reasons},
            parent=project,
        )
    return True


def lights_refresh_all(*, today: dt.date | None = None, district: Region | None = None) -> dict[str, int]:
    """Recompute every open project's light (time passing turns lights yellow and red).

    Run by `zhaoluo tick`; one transaction per project so a long run never holds the
    SQLite write lock for long. The calendar's overrides are read once for the run.
    """
    today = today or clock.today()
    rules = list(LightRule.objects.filter(enabled=True))
    qs = Project.objects.all() if district is None else Project.objects.filter(district=district)
    checked = changed = 0
    with workdays.preloaded():
        for project in with_light_inputs(qs.order_by("pk")).iterator(chunk_size=500):
            checked += 1
            with transaction.atomic():
                if _apply_verdict(project, lights.evaluate(project, rules, today), None):
                    changed += 1
    return {"checked": checked, "changed": changed}
