"""The plan (方案 milestones), monthly progress and funds of a project."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.urls import reverse

from zhaoluo.core import clock
from zhaoluo.core.htmx import AuthedRequest

from .. import permissions, selectors, services
from ..forms import (
    FundForm,
    MilestoneCompleteForm,
    MilestoneDeleteForm,
    MilestoneEditForm,
    MilestoneForm,
    ProgressForm,
)
from ..models import FundArrival, Milestone, ProgressReport
from .actions import GET_POST, _data
from .common import Action, Done, run_action


def _shown_version(request: AuthedRequest, milestone: Milestone) -> int:
    try:
        shown = int(request.GET.get("version", ""))
    except ValueError:
        return milestone.version
    return shown if shown >= 1 else milestone.version


def _milestone(request: AuthedRequest, pk: int, mid: int) -> Milestone:
    milestone = selectors.milestone_get(user=request.user, pk=mid)
    if milestone.project_id != pk:
        raise Http404("节点不存在或不在您的查看范围内")
    return milestone


@login_required
@GET_POST
def milestone_create(request: AuthedRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(user=request.user, pk=pk)
    project_url = reverse("projects:detail", args=[pk])
    data, _ = _data(request)
    form = MilestoneForm(data)

    def perform(f: forms.Form) -> Done:
        c = f.cleaned_data
        milestone = services.milestone_create(
            project=project,
            by=request.user,
            name=c["name"],
            planned_on=c["planned_on"],
            weight=c["weight"],
            actual_on=c["actual_on"],
        )
        return Done(f"已新增节点“{c['name']}”", project_url, obj=milestone)

    action = Action(
        title="新增方案节点",
        url=reverse("projects:milestone_create", args=[pk]),
        form=form,
        perform=perform,
        model=Milestone,
        once="projects.milestone_create",
    )
    return run_action(request, project, action, allowed=permissions.can_report(request.user, project))


@login_required
@GET_POST
def milestone_edit(request: AuthedRequest, pk: int, mid: int) -> HttpResponse:
    milestone = _milestone(request, pk, mid)
    project = selectors.project_get(user=request.user, pk=pk)
    data, _ = _data(request)
    form = MilestoneEditForm(data, initial=MilestoneEditForm.initial_for(milestone))

    def perform(f: forms.Form) -> str:
        c = f.cleaned_data
        changes = {k: c[k] for k in ("name", "planned_on", "actual_on", "weight")}
        services.milestone_update(milestone=milestone, by=request.user, data=changes, expected_version=c["version"])
        return f"节点“{c['name']}”已保存"

    action = Action(
        title=f"编辑节点“{milestone.name}”",
        url=reverse("projects:milestone_edit", args=[pk, mid]),
        form=form,
        perform=perform,
        model=Milestone,
    )
    return run_action(request, project, action, allowed=permissions.can_report(request.user, project))


@login_required
@GET_POST
def milestone_complete(request: AuthedRequest, pk: int, mid: int) -> HttpResponse:
    milestone = _milestone(request, pk, mid)
    project = selectors.project_get(user=request.user, pk=pk)
    data, _ = _data(request)
    form = MilestoneCompleteForm(data, initial={"actual_on": clock.today(), "version": milestone.version})

    def perform(f: forms.Form) -> str:
        c = f.cleaned_data
        services.milestone_update(
            milestone=milestone, by=request.user, data={"actual_on": c["actual_on"]}, expected_version=c["version"]
        )
        return f"节点“{milestone.name}”已完成"

    action = Action(
        title=f"完成节点“{milestone.name}”",
        url=reverse("projects:milestone_complete", args=[pk, mid]),
        form=form,
        perform=perform,
        model=Milestone,
        submit="标记为已完成",
        intro=f"计划完成日期：{milestone.planned_on:%Y-%m-%d}",
    )
    return run_action(request, project, action, allowed=permissions.can_report(request.user, project))


@login_required
@GET_POST
def milestone_delete(request: AuthedRequest, pk: int, mid: int) -> HttpResponse:
    milestone = _milestone(request, pk, mid)
    project = selectors.project_get(user=request.user, pk=pk)
    data, _ = _data(request)
    # The link on the project page carries the version shown there, so a node changed
    # by someone else since is not deleted unseen; opened directly, the form reads it now.
    form = MilestoneDeleteForm(data, initial={"version": _shown_version(request, milestone)})
    name = milestone.name

    def perform(f: forms.Form) -> str:
        services.milestone_delete(milestone=milestone, by=request.user, expected_version=f.cleaned_data["version"])
        return f"节点“{name}”已删除"

    action = Action(
        title=f"删除节点“{name}”",
        url=reverse("projects:milestone_delete", args=[pk, mid]),
        form=form,
        perform=perform,
        model=Milestone,
        submit="确认删除",
        danger=True,
        intro=f"删除后不可恢复（删除记录保留在项目动态中）。计划完成日期：{milestone.planned_on:%Y-%m-%d}",
    )
    return run_action(request, project, action, allowed=permissions.can_report(request.user, project))


@login_required
@GET_POST
def progress_record(request: AuthedRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(user=request.user, pk=pk)
    project_url = reverse("projects:detail", args=[pk])
    data, files = _data(request)
    form = ProgressForm(data, files)

    def perform(f: forms.Form) -> Done:
        c = f.cleaned_data
        report = services.progress_record(
            project=project,
            by=request.user,
            period=c["period"],
            completed_investment=c["completed_investment"],
            image_progress=c["image_progress"],
            text=c["text"],
            photos=c["photos"],
        )
        return Done(f"{report.period.year}年{report.period.month}月进展已保存", project_url, obj=report)

    action = Action(
        title="填报月度进展",
        url=reverse("projects:progress", args=[pk]),
        form=form,
        perform=perform,
        model=ProgressReport,
        intro="同一月份再次填报会覆盖该月的数据（照片追加）。",
        once="projects.progress",
    )
    return run_action(request, project, action, allowed=permissions.can_report(request.user, project))


@login_required
@GET_POST
def fund_record(request: AuthedRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(user=request.user, pk=pk)
    project_url = reverse("projects:detail", args=[pk])
    data, _ = _data(request)
    form = FundForm(data)

    def perform(f: forms.Form) -> Done:
        c = f.cleaned_data
        fund = services.fund_record(
            project=project, by=request.user, period=c["period"], amount=c["amount"], origin=c["origin"]
        )
        return Done(
            f"已登记{fund.period.year}年{fund.period.month}月到位资金 {fund.amount} 万元", project_url, obj=fund
        )

    action = Action(
        title="登记到位资金",
        url=reverse("projects:funds", args=[pk]),
        form=form,
        perform=perform,
        model=FundArrival,
        intro="同一月份、同一来源再次登记即为更正金额。",
        once="projects.funds",
    )
    return run_action(request, project, action, allowed=permissions.can_manage(request.user, project))
