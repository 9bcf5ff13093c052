"""三级督查 pages: the rules, the 督查室 queue, 督办单 (list, official print layout, reply),
and the ladder's forms on a problem (升级, 降级, 挂牌督办, 摘牌, 约谈), plus the green-channel toggle."""

from __future__ import annotations

import tempfile

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods

from zhaoluo.core import calendar, clock
from zhaoluo.core.actions import Action, ActionPages, Perform, form_data
from zhaoluo.core.forms import friendly_empty_labels, style_form
from zhaoluo.core.htmx import AuthedRequest
from zhaoluo.core.ratelimit import limited
from zhaoluo.ledgers.views import XLSX_TYPE
from zhaoluo.orgs import selectors as org_selectors
from zhaoluo.orgs.choices import Role
from zhaoluo.orgs.scope import ScopeKind, scope_for
from zhaoluo.problems import permissions as problem_permissions
from zhaoluo.problems import selectors as problem_selectors
from zhaoluo.problems.models import Problem
from zhaoluo.problems.services import workdays_overdue
from zhaoluo.projects import selectors as project_selectors

from . import permissions, selectors, services
from .filters import NoticeFilterSet
from .forms import (
    DeadlineRuleForm,
    DeescalateForm,
    EscalateForm,
    GreenChannelForm,
    InterviewForm,
    LiftForm,
    ListingForm,
    ReplyForm,
    RuleForm,
)
from .models import DeadlineRule, EscalationRule

GET_POST = require_http_methods(["GET", "POST"])
PAGE_SIZE = 50
YES_NO = [("", "不限"), ("true", "是"), ("false", "否")]


ACTIONS = ActionPages(page="supervision/action_page.html", fragment="problems/_action_form.html")


def _internal(request: AuthedRequest) -> None:
    """督办 pages are the government's own work: an enterprise contact never opens them."""
    if request.user.role == Role.ENTERPRISE:
        raise PermissionDenied("督办页面仅供政府部门使用")


def _has_district(request: AuthedRequest) -> None:
    if scope_for(request.user).kind is ScopeKind.NONE:
        raise PermissionDenied("您的账号没有所属区")


# ---------------------------------------------------------------- rules


@login_required
@require_GET
def rule_list(request: AuthedRequest) -> HttpResponse:
    _internal(request)
    _has_district(request)
    context = {
        "rules": list(selectors.escalation_rules()),
        "deadline_rules": list(selectors.deadline_rules()),
        "can_edit": permissions.can_edit_rules(request.user),
    }
    return render(request, "supervision/rules.html", context)


@login_required
@GET_POST
def rule_edit(request: AuthedRequest, code: str) -> HttpResponse:
    if not permissions.can_edit_rules(request.user):
        raise PermissionDenied("只有督查室可以修改升级规则")
    rule = get_object_or_404(EscalationRule, code=code)
    form = RuleForm(form_data(request), instance=rule, initial={"version": rule.version})

    def perform(f: forms.Form) -> str:
        c = dict(f.cleaned_data)
        version = c.pop("version")
        services.escalation_rule_update(rule=rule, by=request.user, data=c, expected_version=version)
        return "升级规则已保存"

    back = reverse("supervision:rules")
    action = Action(
        title=f"修改规则：{rule.name}",
        url=reverse("supervision:rule_edit", args=[code]),
        form=form,  # type: ignore[arg-type]  # a ModelForm is a form; Action only reads and validates it
        perform=perform,
        model=EscalationRule,
    )
    return ACTIONS.run(
        request,
        action,
        allowed=True,
        success_url=back,
        context={"problem": None, "back_url": back, "back_label": "督办规则"},
    )


@login_required
@GET_POST
def deadline_rule_edit(request: AuthedRequest, code: str) -> HttpResponse:
    if not permissions.can_edit_rules(request.user):
        raise PermissionDenied("只有督查室可以修改时限规则")
    rule = get_object_or_404(DeadlineRule, code=code)
    form = DeadlineRuleForm(form_data(request), instance=rule, initial={"version": rule.version})

    def perform(f: forms.Form) -> str:
        c = dict(f.cleaned_data)
        version = c.pop("version")
        services.deadline_rule_update(rule=rule, by=request.user, data=c, expected_version=version)
        return "时限规则已保存"

    action = Action(
        title=f"修改规则：{rule.name}",
        url=reverse("supervision:deadline_rule_edit", args=[code]),
        form=form,  # type: ignore[arg-type]  # a ModelForm is a form; Action only reads and validates it
        perform=perform,
        model=DeadlineRule,
        intro=f"适用条件：{rule.get_condition_display()}（条件由系统判断，此处调整系数和适用事项）",
    )
    back = reverse("supervision:rules")
    return ACTIONS.run(
        request,
        action,
        allowed=True,
        success_url=back,
        context={"problem": None, "back_url": back, "back_label": "督办规则"},
    )


# ---------------------------------------------------------------- queue and notices


@login_required
@require_GET
def queue(request: AuthedRequest) -> HttpResponse:
    """督查室 queue: problems on levels 2 and 3 by level and colour, and notices awaiting a reply."""
    _internal(request)
    today = clock.today()
    problems = list(selectors.queue(user=request.user).select_related("unit", "project")[:500])
    with calendar.preloaded():
        late = {p.pk: workdays_overdue(p, today) for p in problems}
    by_level = {
        level: [{"p": p, "late": late[p.pk]} for p in problems if p.supervision_level == level] for level in (2, 3)
    }
    waiting = list(selectors.notice_list(user=request.user).filter(replied_on__isnull=True)[:200])
    levels = [
        {"level": 3, "title": "第三级：区主要领导督办", "rows": by_level[3]},
        {"level": 2, "title": "第二级：区督查室督办", "rows": by_level[2]},
    ]
    context = {"levels": levels, "waiting": waiting, "today": today}
    return render(request, "supervision/queue.html", context)


@login_required
@require_GET
@limited("export", "ZHAOLUO_RATE_EXPORTS_PER_MINUTE")
def queue_export(request: AuthedRequest) -> HttpResponseBase:
    _internal(request)
    district = org_selectors.district_of(request.user)
    if district is None:
        raise PermissionDenied("您的账号未关联所属区")
    problems = list(selectors.queue(user=request.user).select_related("unit", "project"))
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes (and so deletes) it once sent
    services.queue_export(by=request.user, district=district, problems=problems, out=handle)
    handle.seek(0)
    response = FileResponse(handle, content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, f"督办队列-{clock.today():%Y%m%d}.xlsx")
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def notice_list(request: AuthedRequest) -> HttpResponse:
    _internal(request)
    data = request.GET.copy()
    if data.pop("waiting", None) == ["1"]:
        # Links from before the FilterSet said ?waiting=1 for "not yet replied".
        data["replied"] = "false"
    filterset = NoticeFilterSet(data or None, queryset=selectors.notice_list(user=request.user), request=request)
    notices = filterset.qs if filterset.is_bound else filterset.queryset
    form = filterset.form
    for name in ("replied", "reply_late"):
        form.fields[name].widget = forms.Select(choices=YES_NO)
    form.fields["color"].widget = forms.CheckboxSelectMultiple(choices=form.fields["color"].choices)
    friendly_empty_labels(form)
    style_form(form)
    page = Paginator(notices, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "today": clock.today(), "filter_form": form, "here": reverse("supervision:notices")}
    return render(request, "supervision/notices.html", context)


@login_required
@require_GET
def notice_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    notice = selectors.notice_get(user=request.user, pk=pk)
    context = {
        "notice": notice,
        "can_reply": notice.replied_on is None and problem_permissions.can_handle(request.user, notice.problem),
    }
    return render(request, "supervision/notice.html", context)


@login_required
@GET_POST
def notice_reply(request: AuthedRequest, pk: int) -> HttpResponse:
    notice = selectors.notice_get(user=request.user, pk=pk)
    form = ReplyForm(form_data(request), initial={"version": notice.version})

    def perform(f: forms.Form) -> str:
        c = f.cleaned_data
        services.notice_reply(notice=notice, by=request.user, text=c["reply_text"], expected_version=c["version"])
        return "督办单已回复"

    back = reverse("supervision:notice", args=[pk])
    action = Action(
        title=f"回复督办单 {notice.number_text}",
        url=reverse("supervision:notice_reply", args=[pk]),
        form=form,
        perform=perform,
        submit="回复",
    )
    allowed = problem_permissions.can_handle(request.user, notice.problem)
    context = {"problem": notice.problem, "back_url": back, "back_label": notice.number_text}
    return ACTIONS.run(request, action, allowed=allowed, success_url=back, context=context)


# ---------------------------------------------------------------- the ladder on a problem


def _ladder_action(
    request: AuthedRequest,
    problem: Problem,
    *,
    title: str,
    name: str,
    form: forms.Form,
    perform: Perform,
    submit: str = "保存",
) -> HttpResponse:
    """A move on the problem's ladder: the view has loaded the problem once, for its form and its service call."""
    action = Action(
        title=title, url=reverse(f"supervision:{name}", args=[problem.pk]), form=form, perform=perform, submit=submit
    )
    back = reverse("problems:detail", args=[problem.pk])
    return ACTIONS.run(
        request,
        action,
        allowed=permissions.can_move(request.user, problem),
        success_url=back,
        context={"problem": problem, "back_url": back, "back_label": problem.code},
    )


@login_required
@GET_POST
def escalate(request: AuthedRequest, pk: int) -> HttpResponse:
    problem = problem_selectors.problem_get(user=request.user, pk=pk)
    form = EscalateForm(form_data(request), initial={"version": problem.version})

    def perform(f: forms.Form) -> str:
        c = f.cleaned_data
        services.problem_escalate(
            problem=problem,
            by=request.user,
            to_level=c["to_level"],
            color=c["color"],
            reason=c["reason"],
            expected_version=c["version"],
        )
        return "已升级督办并签发督办单"

    return _ladder_action(
        request, problem, title="升级督办", name="escalate", form=form, perform=perform, submit="升级"
    )


@login_required
@GET_POST
def deescalate(request: AuthedRequest, pk: int) -> HttpResponse:
    problem = problem_selectors.problem_get(user=request.user, pk=pk)
    form = DeescalateForm(form_data(request), initial={"version": problem.version})

    def perform(f: forms.Form) -> str:
        c = f.cleaned_data
        services.problem_deescalate(
            problem=problem,
            by=request.user,
            to_level=c["to_level"],
            reason=c["reason"],
            expected_version=c["version"],
        )
        return "已降级督办"

    return _ladder_action(
        request, problem, title="降级督办", name="deescalate", form=form, perform=perform, submit="降级"
    )


@login_required
@GET_POST
def listing(request: AuthedRequest, pk: int) -> HttpResponse:
    problem = problem_selectors.problem_get(user=request.user, pk=pk)
    form = ListingForm(form_data(request), initial={"since": clock.today()})

    def perform(f: forms.Form) -> str:
        c = f.cleaned_data
        services.listing_open(
            problem=problem, by=request.user, leader_name=c["leader_name"], since=c["since"], reason=c["reason"]
        )
        return "已挂牌督办"

    return _ladder_action(request, problem, title="挂牌督办", name="listing", form=form, perform=perform, submit="挂牌")


@login_required
@GET_POST
def listing_lift(request: AuthedRequest, pk: int) -> HttpResponse:
    problem = problem_selectors.problem_get(user=request.user, pk=pk)
    form = LiftForm(form_data(request), initial={"lifted_on": clock.today()})

    def perform(f: forms.Form) -> str:
        current = selectors.open_listing(problem=problem)
        if current is None:
            raise ValidationError({"lift_reason": "该问题没有挂牌督办"})
        c = f.cleaned_data
        services.listing_lift(listing=current, by=request.user, on=c["lifted_on"], reason=c["lift_reason"])
        return "已摘牌"

    return _ladder_action(
        request, problem, title="摘牌", name="listing_lift", form=form, perform=perform, submit="摘牌"
    )


@login_required
@GET_POST
def interview(request: AuthedRequest, pk: int) -> HttpResponse:
    problem = problem_selectors.problem_get(user=request.user, pk=pk)
    form = InterviewForm(form_data(request), initial={"on": clock.today()})

    def perform(f: forms.Form) -> str:
        c = f.cleaned_data
        services.interview_record(
            problem=problem,
            by=request.user,
            on=c["on"],
            interviewee=c["interviewee"],
            interviewer=c["interviewer"],
            outcome=c["outcome"],
        )
        return "约谈已登记"

    return _ladder_action(
        request, problem, title="登记约谈", name="interview", form=form, perform=perform, submit="登记"
    )


# ---------------------------------------------------------------- green channel


@login_required
@GET_POST
def green_channel(request: AuthedRequest, pk: int) -> HttpResponse:
    project = project_selectors.project_get(user=request.user, pk=pk)
    form = GreenChannelForm(
        form_data(request), initial={"version": project.version, "on": "0" if project.green_channel else "1"}
    )

    def perform(f: forms.Form) -> str:
        c = f.cleaned_data
        services.project_green_channel_set(
            project=project, by=request.user, on=c["on"], reason=c["reason"], expected_version=c["version"]
        )
        return "已列入绿色通道" if c["on"] else "已移出绿色通道"

    back = reverse("projects:detail", args=[pk])
    action = Action(
        title="绿色通道",
        url=reverse("supervision:green_channel", args=[pk]),
        form=form,
        perform=perform,
        intro="绿色通道项目的问题和审批时限按时限规则缩短，并在各清单中排在最前。",
    )
    return ACTIONS.run(
        request,
        action,
        allowed=permissions.can_set_green_channel(request.user, project),
        success_url=back,
        context={"problem": None, "back_url": back, "back_label": project.name},
    )
