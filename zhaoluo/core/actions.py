"""The one way every web form that writes through a service runs.

Show the form; on a valid POST call the service; then

- success → a flash message and a redirect (an HTMX client redirect inside a modal);
- invalid input (form or service ValidationError) → the form again with Chinese field errors, 422;
- a stale version (ConflictError) → the form again saying who changed what since the
  version the user read, with those fields' current values, 409, nothing saved;
- a service's PermissionDeniedError → 403 (a record outside the user's scope is the
  selectors' 404, before any of this runs);
- a create (`once` names it) carries a hidden token issued with the form: submitted twice,
  it makes one record and the second submission is led to it (core/idempotency.py).

Project actions, the project create form and the enterprise edit form all use it; an app
whose actions share one page and one modal names them once with `ActionPages`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import idempotency
from .errors import ConflictError, PermissionDeniedError
from .forms import apply_service_errors, mark_invalid
from .htmx import AuthedRequest, redirect_after_post, render_page, wants_fragment


@dataclass(frozen=True)
class Done:
    """What a successful `perform` may return instead of a bare message: where to go next."""

    message: str
    url: str
    # The record made, when the action creates one: a replayed submission is led to it.
    obj: models.Model | None = None


Perform = Callable[[forms.Form], "str | Done"]


@dataclass
class Action:
    """One form that writes: what it is called, its bound form, and the service call it makes."""

    title: str
    url: str
    form: forms.Form
    perform: Perform
    # The model the form edits: its verbose names label errors and conflicting fields.
    model: type[models.Model] | None = None
    submit: str = "保存"
    danger: bool = False
    aliases: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    intro: str = ""
    field_class: str = "col-12"
    # Set on creates ("projects.create"): the scope of the form's idempotency token.
    once: str = ""

    def label(self, name: str) -> str:
        return label_of(self.model, name, self.labels)


def label_of(model: type[models.Model] | None, name: str, labels: dict[str, str] | None = None) -> str:
    """The Chinese name of a field: an explicit label, else the model's verbose_name, else the key."""
    if labels and name in labels:
        return labels[name]
    model_field = _field(model, name)
    if model_field is not None:
        return str(getattr(model_field, "verbose_name", name))
    return name


def value_text(model: type[models.Model] | None, name: str, value: Any) -> str:
    """A stored value as the user knows it: choice labels, 是/否, lists joined, （空） for nothing."""
    if value is None or value == "" or value == []:
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list | tuple):
        return "、".join(str(v) for v in value)
    model_field = _field(model, name)
    choices = getattr(model_field, "flatchoices", None) if model_field is not None else None
    if choices:
        return str({str(k): v for k, v in choices}.get(str(value), value))
    return str(value)


def _field(model: type[models.Model] | None, name: str) -> Any:
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def conflict_context(exc: ConflictError, action: Action) -> dict[str, Any]:
    """The 409 box: the message, and each field changed by others with its current value."""
    changes = [{"label": action.label(k), "value": value_text(action.model, k, v)} for k, v in exc.changes.items()]
    return {"message": exc.message, "changes": changes, "current_version": exc.current_version}


def run_action(
    request: AuthedRequest,
    action: Action,
    *,
    allowed: bool,
    page: str,
    fragment: str | None = None,
    success_url: str = "",
    context: dict[str, Any] | None = None,
    denied: str = "您的角色不能进行此操作",
) -> HttpResponse:
    """Run `action` for a GET or POST; `page` is the full page, `fragment` what an HTMX modal swaps in."""
    if not allowed:
        raise PermissionDenied(denied)
    status = 200
    conflict = None
    if action.once:
        _add_token_field(action.form)
    if request.method == "POST":
        if action.form.is_valid():
            try:
                outcome = _perform(request, action, success_url)
            except ConflictError as exc:
                conflict, status = conflict_context(exc, action), 409
            except ValidationError as exc:
                labels = {k: action.label(k) for k in _error_keys(exc)}
                apply_service_errors(action.form, exc, action.aliases, labels)
                status = 422
            except PermissionDeniedError as exc:
                raise PermissionDenied(str(exc)) from exc
            else:
                if isinstance(outcome, idempotency.Replay):
                    messages.info(request, "该表单已提交过，未重复保存；以下是当时保存的结果")
                    return redirect_after_post(request, outcome.url or success_url)
                done = outcome if isinstance(outcome, Done) else Done(outcome, success_url)
                messages.success(request, done.message)
                return redirect_after_post(request, done.url)
        else:
            status = 422
    if action.form.is_bound:
        mark_invalid(action.form)
    full_context = {
        # Where "返回" leads on a form opened as a page: where success would have gone.
        "back_url": success_url,
        **(context or {}),
        "action": action,
        "form": action.form,
        "conflict": conflict,
        "in_modal": fragment is not None and wants_fragment(request),
    }
    if fragment is None:
        return render(request, page, full_context, status=status)
    return render_page(request, page, fragment, full_context, status=status)


def form_data(request: HttpRequest) -> Any:
    """What a form is bound to: the POST data, or None on a GET (an unbound form)."""
    return request.POST if request.method == "POST" else None


@dataclass(frozen=True)
class ActionPages:
    """An app's action forms, named once: the full page, the HTMX modal's fragment, the model
    whose verbose names label errors and conflicts, and the 403 message."""

    page: str
    fragment: str | None = None
    model: type[models.Model] | None = None
    labels: dict[str, str] = field(default_factory=dict)
    denied: str = "您的角色不能进行此操作"

    def run(
        self,
        request: AuthedRequest,
        action: Action,
        *,
        allowed: bool,
        success_url: str,
        context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        if action.model is None:
            action.model = self.model
        if self.labels:
            # What is not a model field (a list, photos) still gets its Chinese name.
            action.labels = {**self.labels, **action.labels}
        return run_action(
            request,
            action,
            allowed=allowed,
            page=self.page,
            fragment=self.fragment,
            success_url=success_url,
            context=context,
            denied=self.denied,
        )


def _add_token_field(form: forms.Form) -> None:
    """The hidden token of a create form: a fresh UUID each time the form is shown, kept
    when the form comes back with errors (the failed submission claimed nothing)."""
    if idempotency.FIELD not in form.fields:
        form.fields[idempotency.FIELD] = forms.UUIDField(
            required=False, widget=forms.HiddenInput, initial=idempotency.new_key
        )


def _perform(request: AuthedRequest, action: Action, success_url: str) -> str | Done | idempotency.Replay:
    if not action.once:
        return action.perform(action.form)

    def describe(outcome: str | Done) -> tuple[models.Model | None, str]:
        if isinstance(outcome, Done):
            return outcome.obj, outcome.url or success_url
        return None, success_url

    return idempotency.run_once(
        user=request.user,
        key=action.form.cleaned_data.get(idempotency.FIELD),
        scope=action.once,
        create=lambda: action.perform(action.form),
        describe=describe,
    )


def _error_keys(exc: ValidationError) -> list[str]:
    return list(exc.error_dict) if hasattr(exc, "error_dict") else []
