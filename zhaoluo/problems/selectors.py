"""All reads of problems, scoped to what the user may see."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db.models import Exists, OuterRef, Q, QuerySet

from zhaoluo.core.errors import not_visible
from zhaoluo.core.models import AuditEvent
from zhaoluo.orgs.scope import ScopeKind, scope_for
from zhaoluo.projects.models import TaskForceMember

from .models import Problem


def _co_handled_by(unit_id: int) -> Exists:
    through = Problem.co_units.through
    return Exists(through.objects.filter(problem_id=OuterRef("pk"), unit_id=unit_id))


def _scope_q(user: Any) -> Q | None:
    """The filter for the user's scope; None means nothing is visible."""
    scope = scope_for(user)
    district = Q(district_id=scope.district_id)
    if scope.kind is ScopeKind.DISTRICT:
        return district
    if scope.kind is ScopeKind.UNIT and scope.unit_id is not None:
        return district & (Q(unit_id=scope.unit_id) | Q(_co_handled_by(scope.unit_id)))
    if scope.kind is ScopeKind.TOWNSHIP:
        q = Q(project__township_id=scope.township_id) | Q(enterprise__township_id=scope.township_id)
        unit_id = getattr(user, "unit_id", None)
        if unit_id is not None:
            q |= Q(unit_id=unit_id) | Q(_co_handled_by(unit_id))
        return district & q
    if scope.kind is ScopeKind.PORTFOLIO and scope.official_id is not None:
        members = TaskForceMember.objects.filter(project=OuterRef("project_id"), official_id=scope.official_id)
        q = Q(project__leader_id=scope.official_id) | Q(Exists(members)) | Q(owner_id=scope.official_id)
        # A 包联干部 follows what they raised and the problems of the enterprises paired with them
        # (zhaoluo/service; looked up by name so problems imports no app above it).
        q |= Q(raiser_id=getattr(user, "pk", None))
        if apps.is_installed("zhaoluo.service"):
            pairings = apps.get_model("service", "Pairing").objects.filter(
                enterprise_id=OuterRef("enterprise_id"), cadre_id=scope.official_id, until__isnull=True
            )
            q |= Q(Exists(pairings))
        return district & q
    if scope.kind is ScopeKind.ENTERPRISE and scope.enterprise_id is not None:
        return Q(enterprise_id=scope.enterprise_id)
    return None


def problem_list(*, user: Any) -> QuerySet[Problem]:
    q = _scope_q(user)
    if q is None:
        return Problem.objects.none()
    return Problem.objects.filter(q).select_related("unit", "owner", "project", "enterprise")


def problem_get(*, user: Any, pk: int) -> Problem:
    """The problem, or 404 when it does not exist or is outside the user's scope (never 403)."""
    problem = problem_list(user=user).select_related("raiser").prefetch_related("co_units").filter(pk=pk).first()
    if problem is None:
        raise not_visible(Problem, pk, "问题不存在或不在您的查看范围内")
    return problem


def problem_timeline(*, problem: Problem) -> QuerySet[AuditEvent]:
    """Everything that happened to the problem, oldest first, read from the audit log."""
    return AuditEvent.objects.filter(parent_type="problems.problem", parent_id=str(problem.pk)).order_by("at", "id")
