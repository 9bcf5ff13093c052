"""Assistance pages: what is due this period, the forms, the draft table, submit, print and PDF."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from zhaoluo.core import clock
from zhaoluo.core.actions import Action, Done, form_data, run_action
from zhaoluo.core.forms import friendly_empty_labels, style_form
from zhaoluo.core.htmx import AuthedRequest, render_page

from . import permissions, printing, selectors, services
from .filters import AssistanceFormFilterSet
from .forms import LinesForm, StartForm, SubmitForm
from .models import AssistanceForm

GET_POST = require_http_methods(["GET", "POST"])
PAGE_SIZE = 50


@login_required
@require_GET
def due_page(request: AuthedRequest) -> HttpResponse:
    """This month's key projects and this quarter's enterprises: whose form is missing, what is in."""
    context = {
        "periods": selectors.due(user=request.user, today=clock.today()),
        "can_start": permissions.can_start(request.user),
    }
    return render(request, "assistance/due.html", context)


@login_required
@require_GET
def form_list(request: AuthedRequest) -> HttpResponse:
    filterset = AssistanceFormFilterSet(request.GET or None, queryset=selectors.form_list(user=request.user))
    qs = filterset.qs if filterset.is_bound else filterset.queryset
    filter_form = filterset.form
    friendly_empty_labels(filter_form)
    style_form(filter_form)
    page = Paginator(qs.order_by("-period_start", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"filter_form": filter_form, "page": page, "can_start": permissions.can_start(request.user)}
    return render_page(request, "assistance/list.html", "assistance/_results.html", context)


def _context(request: AuthedRequest, form: AssistanceForm) -> dict[str, Any]:
    return {
        "sheet": form,
        "lines": selectors.form_lines(form=form),
        "can_fill": form.is_draft and permissions.can_fill(request.user, form),
    }


@login_required
@require_GET
def form_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    form = selectors.form_get(user=request.user, pk=pk)
    return render(request, "assistance/detail.html", _context(request, form))


@login_required
@GET_POST
def form_start(request: AuthedRequest) -> HttpResponse:
    start = StartForm(form_data(request), user=request.user)

    def perform(f: forms.Form) -> Done:
        c = f.cleaned_data
        form = services.form_create(
            by=request.user,
            project=c.get("project"),
            enterprise=c.get("enterprise"),
            carry_over=bool(c.get("carry_over")),
        )
        return Done(f"已新建{form}（草稿）", reverse("assistance:edit", args=[form.pk]), obj=form)

    action = Action(
        title="新建帮扶情况收集表",
        url=reverse("assistance:create"),
        form=start,
        perform=perform,
        model=AssistanceForm,
        submit="新建",
        once="assistance.create",
        intro="重点项目按月填报，企业按季度填报；同一对象每期一张。",
    )
    return run_action(
        request,
        action,
        allowed=permissions.can_start(request.user),
        page="assistance/action_page.html",
        success_url=reverse("assistance:due"),
    )


@login_required
@GET_POST
def form_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    form = selectors.form_get(user=request.user, pk=pk)
    lines_form = LinesForm(form_data(request), form=form, lines=selectors.form_lines(form=form), user=request.user)

    def perform(f: forms.Form) -> Done:
        assert isinstance(f, LinesForm)
        services.form_update(
            form=form,
            by=request.user,
            lines=f.lines(),
            summary=f.cleaned_data["summary"],
            expected_version=f.cleaned_data["version"],
        )
        return Done("收集表已保存（草稿）", reverse("assistance:detail", args=[form.pk]))

    action = Action(
        title="填写收集表",
        url=reverse("assistance:edit", args=[pk]),
        form=lines_form,
        perform=perform,
        model=AssistanceForm,
        submit="保存草稿",
    )
    return run_action(
        request,
        action,
        allowed=form.is_draft and permissions.can_fill(request.user, form),
        page="assistance/edit.html",
        success_url=reverse("assistance:detail", args=[pk]),
        context={"sheet": form},
        denied="收集表已提交或您的角色不能填报",
    )


@login_required
@GET_POST
def form_submit(request: AuthedRequest, pk: int) -> HttpResponse:
    form = selectors.form_get(user=request.user, pk=pk)
    submit = SubmitForm(form_data(request), initial={"version": form.version})

    def perform(f: forms.Form) -> Done:
        services.form_submit(form=form, by=request.user, expected_version=f.cleaned_data["version"])
        made = form.lines.filter(problem__isnull=False).count()
        return Done(f"收集表已提交，{made} 项仍需解决事项已转为问题", reverse("assistance:detail", args=[pk]))

    action = Action(
        title="提交收集表",
        url=reverse("assistance:submit", args=[pk]),
        form=submit,
        perform=perform,
        model=AssistanceForm,
        submit="确认提交",
        intro="提交后不能再修改；每一项“仍需解决”将转为一个问题（填了建议责任单位和时限且您有交办权限的，直接交办）。",
    )
    return run_action(
        request,
        action,
        allowed=permissions.can_fill(request.user, form),
        page="assistance/action_page.html",
        success_url=reverse("assistance:detail", args=[pk]),
        context={"sheet": form},
    )


@login_required
@require_GET
def form_print(request: AuthedRequest, pk: int) -> HttpResponse:
    form = selectors.form_get(user=request.user, pk=pk)
    return render(request, "assistance/print.html", _context(request, form))


@login_required
@require_GET
def form_pdf(request: AuthedRequest, pk: int) -> HttpResponse:
    form = selectors.form_get(user=request.user, pk=pk)
    data = printing.pdf_bytes({**_context(request, form), "font_family": printing.font_family()})
    response = HttpResponse(data, content_type="application/pdf")
    filename = f"assistance-{form.pk}.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
