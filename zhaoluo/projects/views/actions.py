"""Project-level actions: edit, advance, terminate, reopen, 专班."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from zhaoluo.core import clock
from zhaoluo.core.htmx import AuthedRequest

from .. import permissions, selectors, services
from ..choices import Stage, next_stage
from ..forms import AdvanceForm, ProjectForm, ReopenForm, TaskForceForm, TerminateForm
from .common import Action, run_action

GET_POST = require_http_methods(["GET", "POST"])


def _data(request: HttpRequest) -> tuple[object, object]:
    if request.method == "POST":
        return request.POST, request.FILES
    return None, None


@login_required
@GET_POST
def project_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(user=request.user, pk=pk)
    data, _ = _data(request)
    form = ProjectForm(data, initial=ProjectForm.initial_for(project), user=request.user)

    def perform(f: forms.Form) -> str:
        assert isinstance(f, ProjectForm)
        services.project_update(
            project=project, by=request.user, data=f.service_data(), expected_version=f.cleaned_data["version"]
        )
        return "项目信息已保存"

    action = Action(
        title="编辑项目信息",
        url=reverse("projects:edit", args=[pk]),
        form=form,
        perform=perform,
        field_class="col-md-6",
    )
    return run_action(request, project, action, allowed=permissions.can_manage(request.user, project))


@login_required
@GET_POST
def project_advance(request: AuthedRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(user=request.user, pk=pk)
    target = next_stage(project.stage)
    data, files = _data(request)
    initial = {"to": target, "on": clock.today(), "version": project.version}
    form = AdvanceForm(data, files, initial=initial)

    def perform(f: forms.Form) -> str:
        c = f.cleaned_data
        services.project_advance_stage(
            project=project,
            to=c["to"],
            on=c["on"],
            by=request.user,
            note=c["note"],
            evidence=c["evidence"] or None,
            expected_version=c["version"],
        )
        return f"项目已推进到{Stage(c['to']).label}"

    label = Stage(target).label if target else ""
    action = Action(
        title=f"推进到{label}" if target else "推进阶段",
        url=reverse("projects:advance", args=[pk]),
        form=form,
        perform=perform,
        submit=f"确认推进到{label}" if target else "推进",
        aliases={"to": "__all__"},
        intro=f"当前阶段：{Stage(project.stage).label}。只能推进到下一阶段。",
    )
    allowed = permissions.can_manage(request.user, project)
    return run_action(request, project, action, allowed=allowed)


@login_required
@GET_POST
def project_terminate(request: AuthedRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(user=request.user, pk=pk)
    data, files = _data(request)
    form = TerminateForm(data, files, initial={"on": clock.today(), "version": project.version})

    def perform(f: forms.Form) -> str:
        c = f.cleaned_data
        services.project_terminate(
            project=project,
            on=c["on"],
            reason=c["reason"],
            by=request.user,
            evidence=c["evidence"] or None,
            expected_version=c["version"],
        )
        return "项目已终止"

    action = Action(
        title="终止项目",
        url=reverse("projects:terminate", args=[pk]),
        form=form,
        perform=perform,
        submit="确认终止",
        danger=True,
        intro="终止后项目不再计入在建项目；可凭原因重启。",
    )
    return run_action(request, project, action, allowed=permissions.can_manage(request.user, project))


@login_required
@GET_POST
def project_reopen(request: AuthedRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(user=request.user, pk=pk)
    data, _ = _data(request)
    form = ReopenForm(data, initial={"on": clock.today(), "version": project.version})

    def perform(f: forms.Form) -> str:
        c = f.cleaned_data
        services.project_reopen(
            project=project, on=c["on"], reason=c["reason"], by=request.user, expected_version=c["version"]
        )
        return "项目已重启"

    action = Action(
        title="重启项目",
        url=reverse("projects:reopen", args=[pk]),
        form=form,
        perform=perform,
        submit="确认重启",
        intro="重启后项目回到其日期所示的阶段（无阶段日期则为在谈）。",
    )
    return run_action(request, project, action, allowed=permissions.can_manage(request.user, project))


@login_required
@GET_POST
def project_task_force(request: AuthedRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(user=request.user, pk=pk)
    current = list(project.task_force.all())
    lead = next((m.official_id for m in current if m.is_lead), None)
    data, _ = _data(request)
    form = TaskForceForm(
        data,
        initial={"members": [m.official_id for m in current], "lead": lead, "version": project.version},
        user=request.user,
    )

    def perform(f: forms.Form) -> str:
        duties = {m.official_id: m.duty for m in current}
        lead_official = f.cleaned_data["lead"]
        members = [
            services.MemberSpec(official=o, is_lead=o.pk == lead_official.pk, duty=duties.get(o.pk, ""))
            for o in f.cleaned_data["members"]
        ]
        members.sort(key=lambda m: not m.is_lead)
        services.task_force_set(
            project=project, by=request.user, members=members, expected_version=f.cleaned_data["version"]
        )
        return "专班已更新"

    action = Action(
        title="设置专班",
        url=reverse("projects:task_force", args=[pk]),
        form=form,
        perform=perform,
        intro="选择专班成员并指定一名负责人。",
    )
    return run_action(request, project, action, allowed=permissions.can_manage(request.user, project))
