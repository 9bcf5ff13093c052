"""All reads of enterprises, scoped to what the user may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from zhaoluo.core.errors import not_visible
from zhaoluo.orgs.scope import ScopeKind, scope_for

from .models import Enterprise


def enterprise_list(*, user: Any) -> QuerySet[Enterprise]:
    scope = scope_for(user)
    qs = Enterprise.objects.select_related("township", "cluster")
    if scope.kind is ScopeKind.DISTRICT:
        return qs.filter(district_id=scope.district_id)
    if scope.kind is ScopeKind.TOWNSHIP:
        return qs.filter(district_id=scope.district_id, township_id=scope.township_id)
    if scope.kind is ScopeKind.ENTERPRISE and scope.enterprise_id is not None:
        return qs.filter(pk=scope.enterprise_id)
    if scope.kind in (ScopeKind.UNIT, ScopeKind.PORTFOLIO):
        # Units and leaders see the enterprises behind the projects they can see.
        from zhaoluo.projects.selectors import project_list

        return qs.filter(Q(projects__in=project_list(user=user))).distinct()
    return qs.none()


def enterprise_get(*, user: Any, pk: int) -> Enterprise:
    enterprise = enterprise_list(user=user).filter(pk=pk).first()
    if enterprise is None:
        raise not_visible(Enterprise, pk, "企业不存在或不在您的查看范围内")
    return enterprise
