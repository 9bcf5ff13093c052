"""Project actions run through the platform's one action runner (zhaoluo.core.actions):
the form in a modal or on its own page, the service call, Chinese errors, 409 on a stale version."""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import reverse

from zhaoluo.core.actions import Action, ActionPages, Done
from zhaoluo.core.htmx import AuthedRequest

from ..models import Project
from ..timeline import EXTRA_LABELS

__all__ = ["Action", "Done", "run_action"]

# EXTRA_LABELS: what is not a model field (the 专班 list, photos) still gets its Chinese name.
ACTIONS = ActionPages(
    page="projects/action_page.html", fragment="projects/_action_form.html", model=Project, labels=EXTRA_LABELS
)


def run_action(request: AuthedRequest, project: Project, action: Action, *, allowed: bool) -> HttpResponse:
    """An action on `project`; success goes back to the project page."""
    success_url = reverse("projects:detail", args=[project.pk])
    return ACTIONS.run(request, action, allowed=allowed, success_url=success_url, context={"project": project})
