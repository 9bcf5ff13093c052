"""The project list (filters, sort, pages, HTMX), its Excel export and the create form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.views.decorators.http import require_GET

from zhaoluo.core.actions import Action, Done, run_action
from zhaoluo.core.forms import friendly_empty_labels, style_form
from zhaoluo.core.htmx import AuthedRequest, render_page
from zhaoluo.ledgers import views as ledger_views
from zhaoluo.orgs import selectors as org_selectors

from .. import permissions, selectors, services
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
    for name in ("is_key", "is_strategic", "is_100m", "no_cluster"):
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
                "no_cluster",
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
def project_export(request: AuthedRequest) -> HttpResponseBase:
    """The list's filters, exported by the ledger engine in the 项目台账 columns (audited)."""
    return ledger_views.ledger_export(request, kind_name="projects")


@login_required
@GET_POST
def project_create(request: AuthedRequest) -> HttpResponse:
    district = org_selectors.district_of(request.user)
    allowed = permissions.can_manage(request.user)
    if allowed and district is None:
        raise PermissionDenied("您的账号未关联所属区，不能新建项目")
    form = ProjectCreateForm(request.POST if request.method == "POST" else None, user=request.user)

    def perform(f: forms.Form) -> Done:
        assert isinstance(f, ProjectCreateForm) and district is not None
        project = services.project_create(
            by=request.user, district=district, data=f.service_data(), stage_data={"stage": f.cleaned_data["stage"]}
        )
        return Done(f"项目“{project.name}”已建档", reverse("projects:detail", args=[project.pk]), obj=project)

    action = Action(
        title="新建项目",
        url=reverse("projects:create"),
        form=form,
        perform=perform,
        model=Project,
        once="projects.create",
    )
    return run_action(request, action, allowed=allowed, denied="只有招商人员可以新建项目", page="projects/create.html")
