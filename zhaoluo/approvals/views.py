"""Approval pages: the list (green channel first) with totals and .xlsx exports, the catalogue,
and the forms that record an approval, edit one, and set the project's national code."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from zhaoluo.core import calendar, clock
from zhaoluo.core.actions import Action, ActionPages, Done, form_data
from zhaoluo.core.forms import friendly_empty_labels, style_form
from zhaoluo.core.htmx import AuthedRequest, render_page
from zhaoluo.core.ratelimit import limited
from zhaoluo.orgs.scope import ScopeKind, scope_for
from zhaoluo.projects import selectors as project_selectors
from zhaoluo.projects.models import Project

from . import exports, permissions, selectors, services
from .choices import Status
from .filters import ApprovalFilterSet
from .forms import ApprovalCreateForm, ApprovalEditForm, ItemForm
from .models import Approval, ApprovalItem

GET_POST = require_http_methods(["GET", "POST"])
PAGE_SIZE = 50
YES_NO = [("", "不限"), ("true", "是"), ("false", "否")]


def filterset_for(request: AuthedRequest) -> ApprovalFilterSet:
    data: QueryDict | None = request.GET or None
    return ApprovalFilterSet(data, queryset=selectors.approval_list(user=request.user), request=request)


def _filtered(filterset: ApprovalFilterSet) -> Any:
    return filterset.qs if filterset.is_bound else filterset.queryset


def _style(filterset: ApprovalFilterSet) -> forms.Form:
    form = filterset.form
    form.fields["status"].widget = forms.CheckboxSelectMultiple(choices=form.fields["status"].choices)
    for name in ("late", "green_channel"):
        form.fields[name].widget = forms.Select(choices=YES_NO)
    form.fields["q"].widget.attrs.update({"placeholder": "项目名称、编号或项目代码", "type": "search"})
    friendly_empty_labels(form)
    style_form(form)
    return form


def rows_for(approvals: list[Approval]) -> list[dict[str, Any]]:
    today = clock.today()
    with calendar.preloaded():
        return [
            {"a": a, "taken": services.workdays_elapsed(a, today), "late": a.is_late or a.overdue_on(today)}
            for a in approvals
        ]


def _filters_used(request: AuthedRequest) -> dict[str, Any]:
    return {k: v[0] if len(v) == 1 else v for k, v in request.GET.lists() if any(v)}


@login_required
@require_GET
def approval_list(request: AuthedRequest) -> HttpResponse:
    """All approvals the user may see, green-channel projects first, with the list's filters."""
    filterset = filterset_for(request)
    form = _style(filterset)
    queryset = _filtered(filterset)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"filter_form": form, "page": page, "rows": rows_for(list(page.object_list)), "tab": "list"}
    return render_page(request, "approvals/list.html", "approvals/_results.html", context)


@login_required
@require_GET
def approval_totals(request: AuthedRequest) -> HttpResponse:
    """Totals per item type and per department, over the approvals the filters select."""
    filterset = filterset_for(request)
    form = _style(filterset)
    queryset = _filtered(filterset)
    today = clock.today()
    context = {
        "filter_form": form,
        "by_item": selectors.totals(queryset, by="item", today=today),
        "by_department": selectors.totals(queryset, by="department", today=today),
        "tab": "totals",
    }
    return render_page(request, "approvals/totals.html", "approvals/_totals.html", context)


def _require_district(request: AuthedRequest) -> None:
    if scope_for(request.user).kind is ScopeKind.NONE:
        raise PermissionDenied("您的账号没有业务数据查看范围")


@login_required
@require_GET
@limited("export", "ZHAOLUO_RATE_EXPORTS_PER_MINUTE")
def approval_export(request: AuthedRequest) -> HttpResponse:
    _require_district(request)
    filterset = filterset_for(request)
    queryset = _filtered(filterset)
    return exports.respond(
        user=request.user,
        filename="审批事项.xlsx",
        sheets=[("审批事项", exports.LIST_HEADERS, exports.list_rows(queryset.iterator(), clock.today()))],
        filters=_filters_used(request),
    )


@login_required
@require_GET
@limited("export", "ZHAOLUO_RATE_EXPORTS_PER_MINUTE")
def totals_export(request: AuthedRequest) -> HttpResponse:
    _require_district(request)
    queryset = _filtered(filterset_for(request))
    today = clock.today()
    return exports.respond(
        user=request.user,
        filename="审批事项汇总.xlsx",
        sheets=[
            (
                "按审批事项",
                exports.TOTAL_HEADERS,
                exports.total_rows(selectors.totals(queryset, by="item", today=today)),
            ),
            (
                "按办理部门",
                exports.TOTAL_HEADERS,
                exports.total_rows(selectors.totals(queryset, by="department", today=today)),
            ),
        ],
        filters=_filters_used(request),
    )


@login_required
@require_GET
def catalogue(request: AuthedRequest) -> HttpResponse:
    context = {
        "items": list(selectors.catalogue()),
        "can_keep": permissions.can_keep_catalogue(request.user),
        "tab": "catalogue",
    }
    return render(request, "approvals/catalogue.html", context)


# Statuses a person says; the others follow from the dates.
SAID = (Status.REFUSED, Status.WITHDRAWN)


def _said_status(cleaned: dict[str, Any]) -> str:
    chosen = cleaned.get("status") or ""
    if chosen in SAID:
        return chosen
    return services.derive_status(submitted_on=cleaned.get("submitted_on"), decided_on=cleaned.get("decided_on"))


ACTIONS = ActionPages(page="approvals/action_page.html", fragment="approvals/_action_form.html")


def _project_url(project: Project) -> str:
    return reverse("projects:detail", args=[project.pk]) + "#approvals"


@login_required
@GET_POST
def approval_create(request: AuthedRequest, pk: int) -> HttpResponse:
    project = project_selectors.project_get(user=request.user, pk=pk)
    taken = list(Approval.objects.filter(project=project).values_list("item__name", flat=True))
    form = ApprovalCreateForm(form_data(request), user=request.user, taken=taken)

    def perform(f: forms.Form) -> Done:
        c = f.cleaned_data
        approval = services.approval_record(
            by=request.user,
            project=project,
            item=c["item"],
            department=c.get("department"),
            status=_said_status(c),
            submitted_on=c.get("submitted_on"),
            decided_on=c.get("decided_on"),
            note=c.get("note") or "",
        )
        message = f"已登记“{approval.item.name}”"
        if approval.problem_id:
            message += "；该事项超时，已自动生成问题并交办"
        return Done(message, _project_url(project), obj=approval)

    action = Action(
        title="登记审批事项",
        url=reverse("approvals:create", args=[pk]),
        form=form,
        perform=perform,
        model=Approval,
        submit="登记",
        once="approvals.create",
        field_class="col-md-6",
    )
    back = _project_url(project)
    return ACTIONS.run(
        request,
        action,
        allowed=permissions.can_record(request.user, project),
        success_url=back,
        context={"project": project, "back": back},
    )


@login_required
@GET_POST
def approval_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    approval = selectors.approval_get(user=request.user, pk=pk)
    initial = {
        "version": approval.version,
        "department": approval.department_id,
        "status": approval.status if approval.status in SAID else "",
        "submitted_on": approval.submitted_on,
        "decided_on": approval.decided_on,
        "note": approval.note,
    }
    form = ApprovalEditForm(form_data(request), initial=initial, user=request.user)

    def perform(f: forms.Form) -> str:
        c = dict(f.cleaned_data)
        version = c.pop("version")
        c["status"] = _said_status(c)
        c["note"] = c.get("note") or ""
        services.approval_update(approval=approval, by=request.user, expected_version=version, **c)
        return "审批事项已更新" + ("；该事项超时，已生成问题" if approval.problem_id else "")

    action = Action(
        title=f"修改审批事项：{approval.item.name}",
        url=reverse("approvals:edit", args=[pk]),
        form=form,
        perform=perform,
        model=Approval,
        field_class="col-md-6",
    )
    back = _project_url(approval.project)
    return ACTIONS.run(
        request,
        action,
        allowed=permissions.can_update(request.user, approval),
        success_url=back,
        context={"project": approval.project, "back": back},
    )


@login_required
@GET_POST
def item_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    # The role first: the catalogue is not scoped, so everyone else is refused (403), not hidden.
    if not permissions.can_keep_catalogue(request.user):
        raise PermissionDenied("只有招商人员或政务服务部门可以维护审批事项目录")
    item = ApprovalItem.objects.filter(pk=pk).first()
    if item is None:
        raise Http404("审批事项类型不存在")
    initial = {
        "version": item.version,
        "name": item.name,
        "limit_workdays": item.limit_workdays,
        "basis": item.basis,
        "default_department": item.default_department,
        "position": item.position,
        "is_active": item.is_active,
    }
    form = ItemForm(form_data(request), initial=initial)

    def perform(f: forms.Form) -> str:
        c = dict(f.cleaned_data)
        version = c.pop("version")
        services.item_update(item=item, by=request.user, expected_version=version, **c)
        return f"“{item.name}”已更新；已登记的事项在下次保存时按新时限计算"

    action = Action(
        title=f"维护审批事项：{item.name}",
        url=reverse("approvals:item_edit", args=[pk]),
        form=form,
        perform=perform,
        model=ApprovalItem,
    )
    back = reverse("approvals:catalogue")
    return ACTIONS.run(request, action, allowed=True, success_url=back, context={"project": None, "back": back})
