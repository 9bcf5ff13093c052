"""Enterprise pages: the registry list, one enterprise, and its edit form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from zhaoluo.core.errors import ConflictError, PermissionDeniedError
from zhaoluo.core.forms import apply_service_errors, field_labels, friendly_empty_labels, mark_invalid, style_form
from zhaoluo.core.htmx import AuthedRequest, redirect_after_post, render_page
from zhaoluo.projects import selectors as project_selectors

from . import selectors, services
from .choices import Listing
from .filters import EnterpriseFilterSet
from .forms import EnterpriseForm
from .models import Enterprise

PAGE_SIZE = 50
YES_NO = [("", "不限"), ("true", "是"), ("false", "否")]
LABELS = field_labels(Enterprise, services.EDITABLE_FIELDS)


def can_edit(user: Any) -> bool:
    return getattr(user, "role", None) in services.MANAGE_ROLES


@login_required
@require_GET
def enterprise_list(request: AuthedRequest) -> HttpResponse:
    filterset = EnterpriseFilterSet(
        request.GET or None, queryset=selectors.enterprise_list(user=request.user), request=request
    )
    form = filterset.form
    form.fields["listing"].widget = forms.CheckboxSelectMultiple(choices=form.fields["listing"].choices)
    for name in ("above_scale", "high_tech"):
        form.fields[name].widget = forms.Select(choices=YES_NO)
    form.fields["q"].widget.attrs.update({"placeholder": "企业名称、信用代码或主要产品", "type": "search"})
    friendly_empty_labels(form)
    style_form(form)
    queryset = filterset.qs if filterset.is_bound else filterset.queryset
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"filter_form": form, "page": page}
    return render_page(request, "enterprises/list.html", "enterprises/_results.html", context)


@login_required
@require_GET
def enterprise_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    enterprise = selectors.enterprise_get(user=request.user, pk=pk)
    projects = project_selectors.project_list(user=request.user).filter(enterprise=enterprise).order_by("name")
    context = {"enterprise": enterprise, "projects": list(projects), "can_edit": can_edit(request.user)}
    return render(request, "enterprises/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    enterprise = selectors.enterprise_get(user=request.user, pk=pk)
    if not can_edit(request.user):
        raise PermissionDenied("只有科经局和招商人员可以维护企业信息")
    form = EnterpriseForm(
        request.POST if request.method == "POST" else None,
        initial=EnterpriseForm.initial_for(enterprise),
        user=request.user,
    )
    status, conflict = 200, None
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                services.enterprise_update(
                    enterprise=enterprise,
                    by=request.user,
                    data=form.service_data(),
                    expected_version=form.cleaned_data["version"],
                )
            except ConflictError as exc:
                status = 409
                conflict = _conflict(exc)
            except ValidationError as exc:
                apply_service_errors(form, exc, labels=LABELS)
            except PermissionDeniedError as exc:
                raise PermissionDenied(str(exc)) from exc
            else:
                messages.success(request, "企业信息已保存")
                return redirect_after_post(request, reverse("enterprises:detail", args=[pk]))
    if form.is_bound:
        mark_invalid(form)
    context = {"enterprise": enterprise, "form": form, "conflict": conflict}
    return render(request, "enterprises/edit.html", context, status=status)


def _show(name: str, value: Any) -> str:
    from zhaoluo.projects.timeline import show

    if name == "listing" and value in Listing.values:
        return str(Listing(value).label)
    return show(name, value)


def _conflict(exc: ConflictError) -> dict[str, Any]:
    changes = [{"label": LABELS.get(k, k), "value": _show(k, v)} for k, v in exc.changes.items()]
    return {"message": exc.message, "changes": changes}
