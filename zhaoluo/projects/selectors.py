"""All reads of projects, scoped to what the user may see."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from zhaoluo.core.errors import not_visible
from zhaoluo.core.models import AuditEvent
from zhaoluo.orgs.scope import ScopeKind, scope_for

from .models import FundArrival, Milestone, Project, TaskForceMember


def _scope_q(user: Any) -> Q | None:
    """The filter for the user's scope; None means nothing is visible."""
    scope = scope_for(user)
    district = Q(district_id=scope.district_id)
    if scope.kind is ScopeKind.DISTRICT:
        return district
    if scope.kind is ScopeKind.TOWNSHIP:
        return district & Q(township_id=scope.township_id)
    if scope.kind is ScopeKind.UNIT and scope.unit_id is not None:
        members = TaskForceMember.objects.filter(project=OuterRef("pk"), official__unit_id=scope.unit_id)
        return district & (Q(lead_unit_id=scope.unit_id) | Q(Exists(members)))
    if scope.kind is ScopeKind.PORTFOLIO and scope.official_id is not None:
        members = TaskForceMember.objects.filter(project=OuterRef("pk"), official_id=scope.official_id)
        return district & (Q(leader_id=scope.official_id) | Q(Exists(members)))
    # Enterprise contacts see their enterprise, not the district's internal project records.
    return None


def project_list(*, user: Any) -> QuerySet[Project]:
    q = _scope_q(user)
    if q is None:
        return Project.objects.none()
    return Project.objects.filter(q).select_related("township", "cluster", "leader", "lead_unit")


def project_get(*, user: Any, pk: int) -> Project:
    """The project, or 404 when it does not exist or is outside the user's scope (never 403)."""
    project = (
        project_list(user=user)
        .select_related("enterprise", "chain_link__chain", "district")
        .prefetch_related(
            "task_force__official__unit", "milestones", "progress_reports__photos", "transitions__by__official"
        )
        .filter(pk=pk)
        .first()
    )
    if project is None:
        raise not_visible(Project, pk, "项目不存在或不在您的查看范围内")
    return project


def milestone_get(*, user: Any, pk: int) -> Milestone:
    milestone = Milestone.objects.select_related("project").filter(pk=pk, project__in=project_list(user=user)).first()
    if milestone is None:
        raise not_visible(Milestone, pk, "节点不存在或不在您的查看范围内")
    return milestone


def fund_list(*, user: Any) -> QuerySet[FundArrival]:
    return FundArrival.objects.filter(project__in=project_list(user=user)).select_related("project")


def project_timeline(*, project: Project) -> QuerySet[AuditEvent]:
    """Everything that happened to the project, newest first, read from the audit log."""
    return AuditEvent.objects.filter(parent_type="projects.project", parent_id=str(project.pk)).order_by("-at", "-id")


def my_projects(*, user: Any) -> QuerySet[Project]:
    """The projects the user personally carries: leads, is in the 专班 of, or their unit leads."""
    official_id = getattr(user, "official_id", None)
    q = Q(pk__in=[])
    if official_id:
        q |= Q(leader_id=official_id) | Q(task_force__official_id=official_id)
    if getattr(user, "unit_id", None):
        q |= Q(lead_unit_id=user.unit_id)
    return project_list(user=user).filter(q).distinct()


def milestones_due(*, user: Any, start: dt.date, end: dt.date) -> QuerySet[Milestone]:
    """Open milestones of the user's projects planned on or before `end` (overdue ones included)."""
    del start  # overdue items stay on the list until done; kept for the caller's wording
    return (
        Milestone.objects.filter(project__in=my_projects(user=user), actual_on__isnull=True, planned_on__lte=end)
        .select_related("project")
        .order_by("planned_on")
    )
