"""All reads of assistance forms, scoped through the projects and enterprises the user may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from zhaoluo.core.errors import not_visible
from zhaoluo.enterprises.models import Enterprise
from zhaoluo.enterprises.selectors import enterprise_list
from zhaoluo.projects.models import Project
from zhaoluo.projects.selectors import project_list

from . import periods
from .choices import PeriodKind
from .models import AssistanceForm, AssistanceLine


def key_projects(*, user: Any) -> QuerySet[Project]:
    """The key projects of the user's scope: the subjects of monthly forms."""
    return project_list(user=user).filter(is_key=True)


def enterprises(*, user: Any) -> QuerySet[Enterprise]:
    """The enterprises of the user's scope: the subjects of quarterly forms."""
    return enterprise_list(user=user)


def form_list(*, user: Any) -> QuerySet[AssistanceForm]:
    q = Q(project__in=key_projects(user=user).values("pk")) | Q(enterprise__in=enterprises(user=user).values("pk"))
    return AssistanceForm.objects.filter(q).select_related("project", "enterprise", "filled_by", "submitted_by")


def with_lines(forms: QuerySet[AssistanceForm]) -> QuerySet[AssistanceForm]:
    """The forms with all their lines and problems in two more queries, for lists that show lines."""
    lines = AssistanceLine.objects.select_related("suggested_unit", "problem__unit")
    return forms.prefetch_related(Prefetch("lines", queryset=lines))


def form_get(*, user: Any, pk: int) -> AssistanceForm:
    """The form, or 404 when it does not exist or its subject is outside the user's scope."""
    form = form_list(user=user).select_related("district").filter(pk=pk).first()
    if form is None:
        raise not_visible(AssistanceForm, pk, "收集表不存在或不在您的查看范围内")
    return form


def form_lines(*, form: AssistanceForm) -> list[AssistanceLine]:
    """The form's lines in the order of the printed table, with their problems."""
    if "lines" in getattr(form, "_prefetched_objects_cache", {}):
        lines = list(form.lines.all())  # a list read them all at once (with_lines)
    else:
        lines = list(form.lines.select_related("suggested_unit", "problem__unit"))
    return sorted(lines, key=lambda line: line.order)


def previous_form(*, form_kind: str, project: Project | None, enterprise: Enterprise | None, start: dt.date) -> Any:
    """The subject's form of the period before `start` (draft or submitted), if any."""
    before = periods.previous(form_kind, start)
    subject = Q(project=project) if project is not None else Q(enterprise=enterprise)
    return AssistanceForm.objects.filter(subject, period_start=before).first()


@dataclass(frozen=True)
class Due:
    """One period's state for the user: who still owes a form, and the forms already in."""

    kind: str
    start: dt.date
    missing: list[Any]
    drafts: list[AssistanceForm]
    submitted: list[AssistanceForm]

    @property
    def label(self) -> str:
        return periods.label(self.kind, self.start)


def due(*, user: Any, today: dt.date, limit: int = 300) -> list[Due]:
    """The current month's key projects and the current quarter's enterprises."""
    out = []
    for kind, subjects, field in (
        (PeriodKind.MONTH, key_projects(user=user), "project"),
        (PeriodKind.QUARTER, enterprises(user=user), "enterprise"),
    ):
        start = periods.start_of(kind, today)
        forms = list(form_list(user=user).filter(period_kind=kind, period_start=start).order_by(f"{field}__name"))
        have = {getattr(f, f"{field}_id") for f in forms}
        missing = [s for s in subjects.order_by("name")[: limit + len(have)] if s.pk not in have][:limit]
        out.append(
            Due(
                kind=kind,
                start=start,
                missing=missing,
                drafts=[f for f in forms if f.is_draft],
                submitted=[f for f in forms if not f.is_draft],
            )
        )
    return out
