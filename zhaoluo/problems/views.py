"""Problem pages: 问题清单, 责任清单, 时限清单, the detail page with its timeline, and the action forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from zhaoluo.core import calendar, clock
from zhaoluo.core.actions import Action, ActionPages, Done, form_data
from zhaoluo.core.forms import friendly_empty_labels, style_form
from zhaoluo.core.htmx import AuthedRequest, render_page
from zhaoluo.ledgers import views as ledger_views

from . import permissions, selectors, services, timeline
from .choices import OPEN_STATUSES, Status
from .filters import ProblemFilterSet, due_q, green_first, month_end, week_end
from .forms import AssignForm, NoteForm, RaiseForm, RateForm, ResolveForm, ReturnForm
from .models import Problem

GET_POST = require_http_methods(["GET", "POST"])
PAGE_SIZE = 50
TIMELINE_LIMIT = 200
YES_NO = [("", "不限"), ("true", "是"), ("false", "否")]


def filterset_for(request: AuthedRequest, *, default_open: bool = False) -> ProblemFilterSet:
    data: QueryDict | None = request.GET or None
    if default_open and not request.GET.get("status") and "is_open" not in request.GET:
        # 问题清单 is what is still open, unless the user asks for other statuses.
        data = request.GET.copy()
        data["is_open"] = "true"
    return ProblemFilterSet(data, queryset=selectors.problem_list(user=request.user), request=request)


def _filtered(filterset: ProblemFilterSet) -> Any:
    return filterset.qs if filterset.is_bound else filterset.queryset


def _style(filterset: ProblemFilterSet) -> forms.Form:
    form = filterset.form
    for name in ("category", "origin", "status"):
        field = form.fields[name]
        field.widget = forms.CheckboxSelectMultiple(choices=field.choices)
    form.fields["is_open"].widget = forms.Select(choices=YES_NO)
    form.fields["on_time"].widget = forms.Select(choices=YES_NO)
    form.fields["q"].widget.attrs.update({"placeholder": "问题描述、编号、项目或企业", "type": "search"})
    friendly_empty_labels(form)
    style_form(form)
    return form


def _rows(problems: list[Problem]) -> list[dict[str, Any]]:
    today = clock.today()
    with calendar.preloaded():
        return [{"p": p, "late": services.workdays_overdue(p, today)} for p in problems]


@login_required
@require_GET
def problem_list(request: AuthedRequest) -> HttpResponse:
    """问题清单: the open problems by category and origin (or any status the user picks)."""
    filterset = filterset_for(request, default_open=True)
    form = _style(filterset)
    page = Paginator(_filtered(filterset).order_by(green_first(), "-raised_on", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "filter_form": form,
        "page": page,
        "rows": _rows(list(page.object_list)),
        "can_raise": permissions.can_raise(request.user),
    }
    return render_page(request, "problems/list.html", "problems/_results.html", context)


@login_required
@require_GET
def responsibility_list(request: AuthedRequest) -> HttpResponse:
    """责任清单: who holds what, by responsible unit and owner, with open / overdue / resolved counts."""
    filterset = filterset_for(request)
    form = _style(filterset)
    today = clock.today()
    groups = (
        _filtered(filterset)
        .order_by()
        .values("unit_id", "unit__name", "owner_id", "owner__name")
        .annotate(
            open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
            green=Count("pk", filter=Q(status__in=OPEN_STATUSES, project__green_channel=True)),
            overdue=Count("pk", filter=due_q("overdue", today)),
            resolved=Count("pk", filter=Q(status__in=(Status.RESOLVED, Status.CLOSED))),
            total=Count("pk"),
        )
        .order_by("-green", "-overdue", "-open", "unit__name", "owner__name")
    )
    context = {"filter_form": form, "groups": list(groups), "can_raise": permissions.can_raise(request.user)}
    return render_page(request, "problems/responsibility.html", "problems/_responsibility.html", context)


@login_required
@require_GET
def deadline_list(request: AuthedRequest) -> HttpResponse:
    """时限清单: open problems overdue, due this week, due later this month."""
    filterset = filterset_for(request)
    form = _style(filterset)
    today = clock.today()
    base = _filtered(filterset)
    bands = []
    for kind, title in (("overdue", "已逾期"), ("week", "本周到期"), ("month", "本月内到期")):
        rows = _rows(list(base.filter(due_q(kind, today)).order_by(green_first(), "due_on", "id")[:500]))
        bands.append({"kind": kind, "title": title, "rows": rows})
    context = {
        "filter_form": form,
        "bands": bands,
        "today": today,
        "week_end": week_end(today),
        "month_end": month_end(today),
        "can_raise": permissions.can_raise(request.user),
    }
    return render_page(request, "problems/deadlines.html", "problems/_deadlines.html", context)


@login_required
@require_GET
def problem_export(request: AuthedRequest) -> HttpResponseBase:
    """The list's filters, exported by the ledger engine in the 问题台账 columns (audited)."""
    return ledger_views.ledger_export(request, kind_name="problems")


@login_required
@require_GET
def problem_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    problem = selectors.problem_get(user=request.user, pk=pk)
    user = request.user
    context = {
        "problem": problem,
        "co_units": list(problem.co_units.all()),
        "overdue_workdays": services.workdays_overdue(problem, clock.today()),
        "timeline": timeline.entries(selectors.problem_timeline(problem=problem)[:TIMELINE_LIMIT]),
        "can_assign": permissions.can_assign(user, problem) and problem.status in (Status.PENDING, Status.ASSIGNED),
        "can_start": permissions.can_handle(user, problem) and problem.status == Status.ASSIGNED,
        "can_resolve": permissions.can_handle(user, problem) and problem.status == Status.HANDLING,
        "can_confirm": permissions.can_confirm(user, problem) and problem.status == Status.RESOLVED,
        "can_rate": permissions.can_confirm(user, problem) and problem.status in (Status.RESOLVED, Status.CLOSED),
        **_supervision(user, problem),
    }
    return render(request, "problems/detail.html", context)


def _supervision(user: Any, problem: Problem) -> dict[str, Any]:
    """The problem's place on the 三级督查 ladder and what this user may do there."""
    from zhaoluo.supervision import permissions as ladder_permissions
    from zhaoluo.supervision import selectors as ladder_selectors

    ladder = ladder_selectors.ladder_for(problem=problem)
    return {
        "ladder": ladder,
        "open_listing": next((x for x in ladder["listings"] if x.lifted_on is None), None),
        "can_ladder": ladder_permissions.can_move(user, problem) and problem.status in OPEN_STATUSES,
    }


ACTIONS = ActionPages(page="problems/action_page.html", fragment="problems/_action_form.html", model=Problem)


def _problem_action(request: AuthedRequest, action: Action, *, allowed: bool, problem: Problem) -> HttpResponse:
    """An action on a problem goes back to the problem."""
    back = reverse("problems:detail", args=[problem.pk])
    return ACTIONS.run(request, action, allowed=allowed, success_url=back, context={"problem": problem})


@login_required
@GET_POST
def problem_create(request: AuthedRequest) -> HttpResponse:
    form = RaiseForm(form_data(request), user=request.user)

    def perform(f: forms.Form) -> Done:
        c = f.cleaned_data
        problem = services.problem_raise(
            by=request.user,
            description=c["description"],
            category=c["category"],
            origin=c.get("origin") or "",
            project=c.get("project"),
            enterprise=c.get("enterprise"),
            origin_note=c.get("origin_note") or "",
            raised_on=c.get("raised_on"),
            code=c.get("code") or "",
        )
        return Done(f"问题 {problem.code} 已提出，待交办", reverse("problems:detail", args=[problem.pk]), obj=problem)

    action = Action(
        title="提出问题",
        url=reverse("problems:create"),
        form=form,
        perform=perform,
        submit="提出",
        once="problems.create",
        field_class="col-md-6",
    )
    back = reverse("problems:list")
    return ACTIONS.run(
        request, action, allowed=permissions.can_raise(request.user), success_url=back, context={"problem": None}
    )


@login_required
@GET_POST
def problem_assign(request: AuthedRequest, pk: int) -> HttpResponse:
    problem = selectors.problem_get(user=request.user, pk=pk)
    initial = {
        "version": problem.version,
        "unit": problem.unit_id,
        "owner": problem.owner_id,
        "due_on": problem.due_on,
        "co_units": [u.pk for u in problem.co_units.all()],
    }
    form = AssignForm(form_data(request), initial=initial, user=request.user)

    def perform(f: forms.Form) -> str:
        c = f.cleaned_data
        services.problem_assign(
            problem=problem,
            by=request.user,
            unit=c["unit"],
            owner=c["owner"],
            co_units=c["co_units"],
            due_on=c["due_on"],
            workdays=c["workdays"],
            note=c["note"],
            expected_version=c["version"],
        )
        return "问题已交办，责任单位已收到通知"

    action = Action(title="交办", url=reverse("problems:assign", args=[pk]), form=form, perform=perform, submit="交办")
    return _problem_action(request, action, allowed=permissions.can_assign(request.user, problem), problem=problem)


@login_required
@GET_POST
def problem_start(request: AuthedRequest, pk: int) -> HttpResponse:
    problem = selectors.problem_get(user=request.user, pk=pk)
    form = NoteForm(form_data(request), initial={"version": problem.version})

    def perform(f: forms.Form) -> str:
        c = f.cleaned_data
        services.problem_start(problem=problem, by=request.user, note=c["note"], expected_version=c["version"])
        return "已开始办理"

    action = Action(
        title="开始办理", url=reverse("problems:start", args=[pk]), form=form, perform=perform, submit="开始办理"
    )
    return _problem_action(request, action, allowed=permissions.can_handle(request.user, problem), problem=problem)


@login_required
@GET_POST
def problem_resolve(request: AuthedRequest, pk: int) -> HttpResponse:
    problem = selectors.problem_get(user=request.user, pk=pk)
    form = ResolveForm(form_data(request), initial={"version": problem.version, "handling_note": problem.handling_note})

    def perform(f: forms.Form) -> str:
        c = f.cleaned_data
        services.problem_resolve(
            problem=problem,
            by=request.user,
            handling_note=c["handling_note"],
            resolved_on=c["resolved_on"],
            expected_version=c["version"],
        )
        return "问题已办结，待提出人销号"

    action = Action(title="办结", url=reverse("problems:resolve", args=[pk]), form=form, perform=perform, submit="办结")
    return _problem_action(request, action, allowed=permissions.can_handle(request.user, problem), problem=problem)


@login_required
@GET_POST
def problem_return(request: AuthedRequest, pk: int) -> HttpResponse:
    problem = selectors.problem_get(user=request.user, pk=pk)
    form = ReturnForm(form_data(request), initial={"version": problem.version})

    def perform(f: forms.Form) -> str:
        c = f.cleaned_data
        services.problem_return(problem=problem, by=request.user, reason=c["reason"], expected_version=c["version"])
        return "已退回重办"

    action = Action(
        title="退回重办",
        url=reverse("problems:return", args=[pk]),
        form=form,
        perform=perform,
        submit="退回重办",
        danger=True,
    )
    return _problem_action(request, action, allowed=permissions.can_confirm(request.user, problem), problem=problem)


@login_required
@GET_POST
def problem_close(request: AuthedRequest, pk: int) -> HttpResponse:
    problem = selectors.problem_get(user=request.user, pk=pk)
    form = NoteForm(form_data(request), initial={"version": problem.version})

    def perform(f: forms.Form) -> str:
        c = f.cleaned_data
        services.problem_close(problem=problem, by=request.user, note=c["note"], expected_version=c["version"])
        return "问题已销号"

    action = Action(
        title="销号",
        url=reverse("problems:close", args=[pk]),
        form=form,
        perform=perform,
        submit="确认销号",
        intro="销号表示您确认问题已解决。",
    )
    return _problem_action(request, action, allowed=permissions.can_confirm(request.user, problem), problem=problem)


@login_required
@GET_POST
def problem_rate(request: AuthedRequest, pk: int) -> HttpResponse:
    problem = selectors.problem_get(user=request.user, pk=pk)
    form = RateForm(form_data(request), initial={"version": problem.version})

    def perform(f: forms.Form) -> str:
        c = f.cleaned_data
        services.problem_rate(
            problem=problem,
            by=request.user,
            satisfaction=c["satisfaction"],
            note=c["note"],
            expected_version=c["version"],
        )
        return "评价已保存"

    action = Action(title="满意度评价", url=reverse("problems:rate", args=[pk]), form=form, perform=perform)
    return _problem_action(request, action, allowed=permissions.can_confirm(request.user, problem), problem=problem)
