"""All reads of approvals, scoped by the user: an approval is seen with its project, and by
the department that handles it."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from zhaoluo.core.errors import not_visible
from zhaoluo.orgs.scope import ScopeKind, scope_for
from zhaoluo.projects import selectors as project_selectors
from zhaoluo.projects.models import Project

from .models import Approval, ApprovalItem, ProjectCode


def approval_list(*, user: Any) -> QuerySet[Approval]:
    """Green-channel projects first (they go first in every queue), then by project and item."""
    scope = scope_for(user)
    if scope.kind is ScopeKind.NONE:
        return Approval.objects.none()
    q = Q(project__in=project_selectors.project_list(user=user).values("pk"))
    if scope.kind is ScopeKind.UNIT and scope.unit_id is not None:
        q |= Q(project__district_id=scope.district_id, department_id=scope.unit_id)
    return (
        Approval.objects.filter(q)
        .select_related("project", "item", "department", "problem")
        .annotate(
            green_first=Case(
                When(project__green_channel=True, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("green_first", "project__name", "item__position", "id")
    )


def approval_get(*, user: Any, pk: int) -> Approval:
    approval = approval_list(user=user).filter(pk=pk).first()
    if approval is None:
        raise not_visible(Approval, pk, "审批事项不存在或不在您的查看范围内")
    return approval


def project_approvals(*, user: Any, project: Project) -> QuerySet[Approval]:
    return approval_list(user=user).filter(project=project)


def project_code(*, project: Project) -> ProjectCode | None:
    return ProjectCode.objects.filter(project=project).first()


def catalogue(*, active_only: bool = False) -> QuerySet[ApprovalItem]:
    items = ApprovalItem.objects.all()
    return items.filter(is_active=True) if active_only else items
