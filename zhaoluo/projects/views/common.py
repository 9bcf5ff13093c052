"""The one way every project action runs: show the form, call the service, explain failures.

- invalid input (form or service ValidationError) → the form again with Chinese field errors, 422;
- a stale version (ConflictError) → the form again with who changed what, 409, nothing saved;
- a service's PermissionDeniedError → 403; a project outside the user's scope → 404 (selectors).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.urls import reverse

from zhaoluo.core.errors import ConflictError, PermissionDeniedError
from zhaoluo.core.forms import apply_service_errors, mark_invalid
from zhaoluo.core.htmx import AuthedRequest, redirect_after_post, render_page, wants_fragment

from ..models import Project
from ..timeline import label_of, show

Perform = Callable[[forms.Form], str]


@dataclass
class Action:
    """One form on a project: what it is called, how to build it, what it does."""

    title: str
    url: str
    form: forms.Form
    perform: Perform
    object_type: str = "projects.project"
    submit: str = "保存"
    danger: bool = False
    aliases: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    intro: str = ""
    field_class: str = "col-12"


def conflict_context(exc: ConflictError, object_type: str) -> dict[str, Any]:
    changes = [{"label": label_of(object_type, k), "value": show(k, v)} for k, v in exc.changes.items()]
    return {"message": exc.message, "changes": changes, "current_version": exc.current_version}


def run_action(request: AuthedRequest, project: Project, action: Action, *, allowed: bool) -> HttpResponse:
    if not allowed:
        raise PermissionDenied("您的角色不能进行此操作")
    status = 200
    conflict = None
    if request.method == "POST":
        if action.form.is_valid():
            try:
                message = action.perform(action.form)
            except ConflictError as exc:
                conflict, status = conflict_context(exc, action.object_type), 409
            except ValidationError as exc:
                apply_service_errors(action.form, exc, action.aliases, action.labels)
                status = 422
            except PermissionDeniedError as exc:
                raise PermissionDenied(str(exc)) from exc
            else:
                messages.success(request, message)
                return redirect_after_post(request, reverse("projects:detail", args=[project.pk]))
        else:
            status = 422
    if action.form.is_bound:
        mark_invalid(action.form)
    context = {
        "project": project,
        "action": action,
        "form": action.form,
        "conflict": conflict,
        "in_modal": wants_fragment(request),
    }
    return render_page(request, "projects/action_page.html", "projects/_action_form.html", context, status=status)
