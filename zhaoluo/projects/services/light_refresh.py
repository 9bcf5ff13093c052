"""Keeping each project's stored light in step with its records and the calendar."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils import timezone

from zhaoluo.core import audit, clock
from zhaoluo.core import calendar as workdays
from zhaoluo.core.models import AuditEvent
from zhaoluo.orgs.models import Region, User

from .. import lights
from ..models import LightRule, Milestone, ProgressReport, Project, TaskForceMember


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
    today = clock.today()
    _apply_verdict(fresh, lights.evaluate(fresh, rules, today), actor, lights.next_change(fresh, rules, today))
    project.light, project.light_reasons, project.light_at = fresh.light, fresh.light_reasons, fresh.light_at
    project.light_next_on = fresh.light_next_on


def _apply_verdict(
    project: Project, verdict: lights.Verdict, actor: User | None, next_on: dt.date | None = None
) -> bool:
    reasons = [r.as_dict() for r in verdict.reasons]
    if project.light_next_on != next_on:
        Project.objects.filter(pk=project.pk).update(light_next_on=next_on)
        project.light_next_on = next_on
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
    return _refresh(qs, rules, today)


def _refresh(qs: Any, rules: list[LightRule], today: dt.date) -> dict[str, int]:
    checked = changed = 0
    with workdays.preloaded():
        for project in with_light_inputs(qs.order_by("pk")).iterator(chunk_size=500):
            checked += 1
            with transaction.atomic():
                verdict = lights.evaluate(project, rules, today)
                if _apply_verdict(project, verdict, None, lights.next_change(project, rules, today)):
                    changed += 1
    return {"checked": checked, "changed": changed}


def _rules_or_calendar_changed(since: dt.datetime) -> bool:
    """Rules and the working-day calendar bear on every light: an edit of either since the
    last run means all of them are looked at again. Both are edited through audited
    writes only (the admin), so their audit rows say when."""
    types = ["projects.lightrule", "core.calendarday"]
    return AuditEvent.objects.filter(at__gte=since, object_type__in=types).exists()


def lights_refresh_due(*, today: dt.date | None = None, since: dt.datetime | None = None) -> dict[str, int]:
    """The tick's light step: only projects whose light may have moved.

    That is projects written since `since`, and projects whose stored next date has come.
    Every project service refreshes the light in its own transaction, so the first set is
    a safety net for writes that went around the services; a write committed just after
    `since` with an earlier updated_at has refreshed its own light already.
    Without `since` (the first run) or after a rule or calendar edit, all of them.
    """
    today = today or clock.today()
    rules = list(LightRule.objects.filter(enabled=True))
    if since is None or _rules_or_calendar_changed(since):
        return _refresh(Project.objects.all(), rules, today)
    touched = (
        Q(light_next_on__lte=today)
        | Q(updated_at__gte=since)
        | Q(pk__in=Milestone.objects.filter(updated_at__gte=since).values("project_id"))
        | Q(pk__in=ProgressReport.objects.filter(updated_at__gte=since).values("project_id"))
    )
    return _refresh(Project.objects.filter(touched), rules, today)
