"""All reads of approvals, scoped by the user: an approval is seen with its project, and by
the department that handles it."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from zhaoluo.core.errors import not_visible
from zhaoluo.orgs.scope import ScopeKind, scope_for
from zhaoluo.projects import selectors as project_selectors
from zhaoluo.projects.models import Project

from .models import Approval, ApprovalItem


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


def catalogue(*, active_only: bool = False) -> QuerySet[ApprovalItem]:
    items = ApprovalItem.objects.all()
    return items.filter(is_active=True) if active_only else items


def totals(queryset: QuerySet[Approval], *, by: str, today: Any) -> list[dict[str, Any]]:
    """Per item type (`by="item"`) or per department (`by="department"`): how many, how many
    decided, the average working days taken by the decided ones, the share decided on time,
    and how many are late (decided late, or still pending past due)."""
    from django.db.models import Avg, Count

    from .choices import DECIDED, Status
    from .filters import late_q

    keys = {"item": ("item_id", "item__name", "item__position"), "department": ("department_id", "department__name")}
    decided = Q(status__in=DECIDED)
    rows = (
        queryset.order_by()
        .values(*keys[by])
        .annotate(
            total=Count("pk"),
            done=Count("pk", filter=decided),
            pending=Count("pk", filter=Q(status=Status.HANDLING)),
            on_time=Count("pk", filter=decided & Q(is_late=False)),
            late=Count("pk", filter=late_q(today)),
            average=Avg("workdays_taken", filter=decided),
        )
    )
    out = []
    for row in rows:
        name = row.get("item__name") if by == "item" else row.get("department__name")
        out.append(
            {
                "key": row[keys[by][0]],
                "name": name or "（未定办理部门）",
                "position": row.get("item__position", 0),
                "total": row["total"],
                "done": row["done"],
                "pending": row["pending"],
                "late": row["late"],
                "average": round(row["average"], 1) if row["average"] is not None else None,
                "on_time_rate": round(100 * row["on_time"] / row["done"], 1) if row["done"] else None,
            }
        )
    if by == "item":
        out.sort(key=lambda r: (r["position"], r["name"]))
    else:
        out.sort(key=lambda r: (-r["late"], -r["total"], r["name"]))
    return out
