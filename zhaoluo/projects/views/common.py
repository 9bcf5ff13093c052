"""Project actions run through the platform's one action runner (zhaoluo.core.actions):
the form in a modal or on its own page, the service call, Chinese errors, 409 on a stale version."""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import reverse

from zhaoluo.core.actions import Action, Done
from zhaoluo.core.actions import run_action as run_core
from zhaoluo.core.htmx import AuthedRequest

from ..models import Project
from ..timeline import EXTRA_LABELS

__all__ = ["Action", "Done", "run_action"]


def run_action(request: AuthedRequest, project: Project, action: Action, *, allowed: bool) -> HttpResponse:
    """An action on `project`; success goes back to the project page."""
    if action.model is None:
        action.model = Project
    # What is not a model field (the 专班 list, photos) still gets its Chinese name.
    action.labels = {**EXTRA_LABELS, **action.labels}
    return run_core(
        request,
        action,
        allowed=allowed,
        page="projects/action_page.html",
        fragment="projects/_action_form.html",
        success_url=reverse("projects:detail", args=[project.pk]),
        context={"project": project},
    )
