"""The project list (filters, sort, pages, HTMX), its Excel export and the create form."""

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
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from zhaoluo.core.errors import PermissionDeniedError
from zhaoluo.core.forms import apply_service_errors, field_labels, friendly_empty_labels, mark_invalid, style_form
from zhaoluo.core.htmx import AuthedRequest, redirect_after_post, render_page
from zhaoluo.orgs import selectors as org_selectors

from .. import exports, permissions, selectors, services
from ..filters import ProjectFilterSet
from ..forms import ProjectCreateForm
from ..models import Project
from .actions import GET_POST

PAGE_SIZE = 50
YES_NO = [("", "不限"), ("true", "是"), ("false", "否")]
# (ordering key, header) of the sortable columns; the others are plain headers.
SORTABLE = {"name", "stage", "light", "planned_investment", "signed_on"}


def filterset_for(request: AuthedRequest) -> ProjectFilterSet:
    return ProjectFilterSet(request.GET or None, queryset=selectors.project_list(user=request.user), request=request)


def _style_filters(filterset: ProjectFilterSet) -> forms.Form:
    form = filterset.form
    for name in ("stage", "light"):
        field = form.fields[name]
        field.widget = forms.CheckboxSelectMultiple(choices=field.choices)
    for name in ("is_key", "is_strategic", "is_100m"):
        form.fields[name].widget = forms.Select(choices=YES_NO)
    form.fields["q"].widget.attrs.update({"placeholder": "项目名称、编号或投资方", "type": "search"})
    friendly_empty_labels(form)
    style_form(form)
    return form


def sort_links(request: AuthedRequest) -> dict[str, dict[str, str]]:
    """For each sortable column: the ordering its header sets next, and the arrow shown now."""
    current = request.GET.get("ordering", "")
    out: dict[str, dict[str, str]] = {}
    for key in SORTABLE:
        if current == key:
            out[key] = {"next": f"-{key}", "mark": "▲"}
        elif current == f"-{key}":
            out[key] = {"next": key, "mark": "▼"}
        else:
            out[key] = {"next": key, "mark": "↕"}
    return out


@login_required
@require_GET
def project_list(request: AuthedRequest) -> HttpResponse:
    filterset = filterset_for(request)
    form = _style_filters(filterset)
    queryset = filterset.qs if filterset.is_bound else filterset.queryset
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    context: dict[str, Any] = {
        "filter_form": form,
        "page": page,
        "sort": sort_links(request),
        "can_create": permissions.can_manage(request.user),
        "advanced_open": any(
            request.GET.get(k)
            for k in (
                "cluster",
                "township",
                "leader",
                "lead_unit",
                "is_strategic",
                "is_100m",
                "signed_year",
                "started_year",
                "producing_year",
                "at_capacity_year",
                "reached",
            )
        ),
    }
    return render_page(request, "projects/list.html", "projects/_results.html", context)


@login_required
@require_GET
def project_export(request: AuthedRequest) -> HttpResponse:
    filterset = filterset_for(request)
    queryset = filterset.qs if filterset.is_bound else filterset.queryset
    content = exports.write_xlsx(exports.export_queryset(queryset))
    filename = f"项目台账-{timezone.localdate():%Y%m%d}.xlsx"
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@GET_POST
def project_create(request: AuthedRequest) -> HttpResponse:
    if not permissions.can_manage(request.user):
        raise PermissionDenied("只有招商人员可以新建项目")
    district = org_selectors.district_of(request.user)
    if district is None:
        raise PermissionDenied("您的账号未关联所属区，不能新建项目")
    form = ProjectCreateForm(request.POST if request.method == "POST" else None, user=request.user)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                project = services.project_create(
                    by=request.user,
                    district=district,
                    data=form.service_data(),
                    stage_data={"stage": form.cleaned_data["stage"]},
                )
            except ValidationError as exc:
                apply_service_errors(form, exc, labels=field_labels(Project, services.EDITABLE_FIELDS))
            except PermissionDeniedError as exc:
                raise PermissionDenied(str(exc)) from exc
            else:
                messages.success(request, f"项目“{project.name}”已建档")
                return redirect_after_post(request, reverse("projects:detail", args=[project.pk]))
    if form.is_bound:
        mark_invalid(form)
    return render(request, "projects/create.html", {"form": form}, status=status)
