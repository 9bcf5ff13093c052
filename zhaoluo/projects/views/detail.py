"""The project page and its files (evidence, photos), served only to those who may see the project."""

from __future__ import annotations

import mimetypes
from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.views.decorators.http import require_GET

from zhaoluo.core import calendar, clock
from zhaoluo.core.htmx import AuthedRequest

from .. import permissions, selectors, timeline
from ..choices import MEDAL, Stage, next_stage
from ..models import Project, StageTransition

TIMELINE_LIMIT = 200
IMAGE_TYPES = {"image/jpeg", "image/png", "image/gif", "image/webp"}


def _milestone_rows(project: Project) -> list[dict[str, Any]]:
    """Each node with the Chinese working days it is overdue, counted as the light counts them."""
    today = clock.today()
    milestones = list(project.milestones.all())
    rows: list[dict[str, Any]] = []
    if not milestones:
        return rows
    with calendar.preloaded():
        for m in milestones:
            late = calendar.workdays_between(m.planned_on, today) if m.actual_on is None else 0
            rows.append(
                {
                    "m": m,
                    "overdue": late > 0,
                    "late_workdays": max(late, 0),
                    "late": bool(m.actual_on and m.actual_on > m.planned_on),
                }
            )
    return rows


@login_required
@require_GET
def project_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(user=request.user, pk=pk)
    funds = list(selectors.fund_list(user=request.user).filter(project=project).order_by("-period", "origin"))
    events = selectors.project_timeline(project=project)[:TIMELINE_LIMIT]
    members = list(project.task_force.all())
    target = next_stage(project.stage)
    context = {
        "project": project,
        "medal": MEDAL.get(Stage(project.stage), ""),
        "members": members,
        "milestones": _milestone_rows(project),
        "six_ones_missing": project.six_ones_missing,
        "reports": list(project.progress_reports.all()),
        "funds": funds,
        "funds_total": sum((f.amount for f in funds), Decimal(0)),
        "transitions": [t for t in project.transitions.all() if t.evidence],
        "timeline": timeline.entries(events),
        "can_manage": permissions.can_manage(request.user, project),
        "can_report": permissions.can_report(request.user, project),
        "next_stage": target,
        "next_stage_label": Stage(target).label if target else "",
        "is_terminated": project.stage == Stage.TERMINATED,
        "can_terminate": project.stage not in (Stage.TERMINATED, Stage.AT_CAPACITY),
    }
    return render(request, "projects/detail.html", context)


@login_required
@require_GET
def project_file(request: AuthedRequest, pk: int, kind: str, file_id: int) -> HttpResponseBase:
    """An evidence file or progress photo; 404 unless the user can see the project."""
    project = selectors.project_get(user=request.user, pk=pk)
    if kind == "evidence":
        transition = StageTransition.objects.filter(project=project, pk=file_id).exclude(evidence="").first()
        field = transition.evidence if transition else None
    elif kind == "photo":
        photo = next((p for r in project.progress_reports.all() for p in r.photos.all() if p.pk == file_id), None)
        field = photo.image if photo else None
    else:
        field = None
    if not field:
        raise Http404("文件不存在或不在您的查看范围内")
    try:
        handle = field.open("rb")
    except FileNotFoundError as exc:
        raise Http404("文件已丢失") from exc
    name = (field.name or "file").rsplit("/", 1)[-1]
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    inline = content_type in IMAGE_TYPES
    response = FileResponse(handle, as_attachment=not inline, filename=name, content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    return response
