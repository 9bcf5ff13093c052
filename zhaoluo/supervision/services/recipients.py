"""Who hears of a step on the ladder: the handling unit, the 督查室, and at level 3 the principal leaders."""

from __future__ import annotations

from django.urls import reverse

from zhaoluo.orgs.choices import Role
from zhaoluo.orgs.models import User
from zhaoluo.problems.models import Problem

from ..choices import Level

# ---------------------------------------------------------------- recipients


def _handlers(problem: Problem) -> list[User]:
    people: list[User] = []
    if problem.unit_id is not None:
        people += User.objects.filter(is_active=True, unit_id=problem.unit_id, role__in=[Role.UNIT, Role.TOWNSHIP])
    if problem.owner_id is not None:
        people += User.objects.filter(is_active=True, official_id=problem.owner_id)
    return people


def _district_role(problem: Problem, role: str) -> list[User]:
    return list(User.objects.filter(is_active=True, role=role, region_id=problem.district_id))


def _ladder_audience(problem: Problem, level: int) -> list[User]:
    people = _handlers(problem) + _district_role(problem, Role.SUPERVISION)
    if level >= Level.LEADERS:
        people += _district_role(problem, Role.PRINCIPAL)
    return people


def _link(problem: Problem) -> str:
    return reverse("problems:detail", args=[problem.pk])
