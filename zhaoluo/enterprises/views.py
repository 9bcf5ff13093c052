"""Enterprise pages: the registry list, one enterprise, and its edit form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhaoluo.core import privacy
from zhaoluo.core.actions import Action, run_action
from zhaoluo.core.errors import PermissionDeniedError
from zhaoluo.core.forms import friendly_empty_labels, style_form
from zhaoluo.core.htmx import AuthedRequest, render_page
from zhaoluo.ledgers import views as ledger_views
from zhaoluo.projects import selectors as project_selectors
from zhaoluo.projects.display import sees_projects

from . import selectors, services
from .filters import EnterpriseFilterSet
from .forms import EnterpriseForm
from .models import PI_FIELDS, Enterprise

PAGE_SIZE = 50
YES_NO = [("", "不限"), ("true", "是"), ("false", "否")]


def can_edit(user: Any) -> bool:
    return getattr(user, "role", None) in services.MANAGE_ROLES


def _filterset(request: AuthedRequest) -> EnterpriseFilterSet:
    params = request.GET.copy()
    params.pop("unmask", None)
    return EnterpriseFilterSet(params or None, queryset=selectors.enterprise_list(user=request.user), request=request)


@login_required
@require_GET
def enterprise_list(request: AuthedRequest) -> HttpResponse:
    filterset = _filterset(request)
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
    # Only projects the user can open; an enterprise contact sees no project records at all.
    show_projects = sees_projects(request.user)
    visible = project_selectors.project_list(user=request.user)
    projects = list(visible.filter(enterprise=enterprise).order_by("name")) if show_projects else []
    context = {
        "enterprise": enterprise,
        "projects": projects,
        "show_projects": show_projects,
        "can_edit": can_edit(request.user),
    }
    return render(request, "enterprises/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    enterprise = selectors.enterprise_get(user=request.user, pk=pk)
    form = EnterpriseForm(
        request.POST if request.method == "POST" else None,
        initial=EnterpriseForm.initial_for(enterprise),
        user=request.user,
    )

    def perform(f: forms.Form) -> str:
        assert isinstance(f, EnterpriseForm)
        services.enterprise_update(
            enterprise=enterprise, by=request.user, data=f.service_data(), expected_version=f.cleaned_data["version"]
        )
        return "企业信息已保存"

    action = Action(
        title="编辑企业信息",
        url=reverse("enterprises:edit", args=[pk]),
        form=form,
        perform=perform,
        model=Enterprise,
        field_class="col-md-6",
    )
    return run_action(
        request,
        action,
        allowed=can_edit(request.user),
        denied="只有科经局和招商人员可以维护企业信息",
        page="enterprises/edit.html",
        success_url=reverse("enterprises:detail", args=[pk]),
        context={"enterprise": enterprise},
    )


@login_required
@require_POST
def enterprise_unmask(request: AuthedRequest, pk: int) -> HttpResponse:
    """The full contact person and phone, for a role that may see them; audited."""
    enterprise = selectors.enterprise_get(user=request.user, pk=pk)
    try:
        privacy.pi_unmask(user=request.user, objects=[enterprise], fields=PI_FIELDS, channel="web")
    except PermissionDeniedError as exc:
        raise PermissionDenied(str(exc)) from exc
    response = render(request, "enterprises/_contact.html", {"enterprise": enterprise, "unmasked": True})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def enterprise_export(request: AuthedRequest) -> HttpResponseBase:
    """The filtered registry as the 企业台账 (the ledger engine); ``?unmask=1`` gives full contact
    data to roles that may see it, with one audit row per enterprise exported."""
    return ledger_views.ledger_export(request, kind_name="enterprises")
