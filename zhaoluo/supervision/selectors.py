"""All reads of 三级督查, scoped through the problems a user may see (404 outside)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from zhaoluo.core.errors import not_visible
from zhaoluo.orgs.choices import Role
from zhaoluo.problems import selectors as problem_selectors
from zhaoluo.problems.choices import OPEN_STATUSES
from zhaoluo.problems.filters import green_first
from zhaoluo.problems.models import Problem

from .models import DeadlineRule, Escalation, EscalationRule, Interview, Listing, Notice


def escalation_rules() -> QuerySet[EscalationRule]:
    return EscalationRule.objects.order_by("overdue_workdays", "id")


def deadline_rules() -> QuerySet[DeadlineRule]:
    return DeadlineRule.objects.order_by("factor", "id")


def notice_list(*, user: Any) -> QuerySet[Notice]:
    if getattr(user, "role", None) == Role.ENTERPRISE:
        return Notice.objects.none()  # 督办单 are internal: an enterprise contact sees none (pages, API)
    visible = problem_selectors.problem_list(user=user).values("pk")
    return (
        Notice.objects.filter(problem_id__in=visible)
        .select_related("problem", "unit")
        .order_by("-issued_on", "-number")
    )


def notice_get(*, user: Any, pk: int) -> Notice:
    notice = notice_list(user=user).select_related("problem__project", "replied_by").filter(pk=pk).first()
    if notice is None:
        raise not_visible(Notice, pk, "督办单不存在或不在您的查看范围内")
    return notice


def queue(*, user: Any) -> QuerySet[Problem]:
    """督查室 queue: open problems above level 1 or with a colour, green channel first, highest first."""
    if getattr(user, "role", None) == Role.ENTERPRISE:
        return Problem.objects.none()
    return (
        problem_selectors.problem_list(user=user)
        .filter(status__in=OPEN_STATUSES, supervision_level__gt=1)
        .order_by(green_first(), "-supervision_level", "due_on", "id")
    )


def ladder_for(*, problem: Problem) -> dict[str, Any]:
    """What the problem page shows of the ladder; the caller has already checked visibility."""
    return {
        "escalations": list(
            Escalation.objects.filter(problem=problem).select_related("rule", "by").order_by("on", "id")
        ),
        "notices": list(Notice.objects.filter(problem=problem).order_by("issued_on", "number")),
        "listings": list(Listing.objects.filter(problem=problem)),
        "interviews": list(Interview.objects.filter(problem=problem)),
    }


def open_listing(*, problem: Problem) -> Listing | None:
    return Listing.objects.filter(problem=problem, lifted_on__isnull=True).first()
