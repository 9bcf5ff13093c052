"""Meeting pages: the list (upcoming / past), a chair's own meetings, the meeting page with its
agenda (edited in place with HTMX), minutes and decisions, and the .docx pack."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhaoluo.core import audit, clock
from zhaoluo.core.actions import Action, ActionPages, Done, form_data
from zhaoluo.core.errors import ConflictError, PermissionDeniedError
from zhaoluo.core.forms import style_form
from zhaoluo.core.htmx import AuthedRequest, render_page
from zhaoluo.core.models import AuditEvent

from . import pack, permissions, selectors, services
from .choices import Outcome, Status
from .filters import MeetingFilterSet
from .forms import AgendaForm, CancelForm, DecisionForm, MinutesForm
from .models import AgendaItem, Meeting

GET_POST = require_http_methods(["GET", "POST"])
PAST_LIMIT = 100


def _list(request: AuthedRequest, qs: QuerySet[Meeting], *, mine: bool) -> HttpResponse:
    filterset = MeetingFilterSet(request.GET or None, queryset=qs, request=request)
    style_form(filterset.form)
    upcoming, past = selectors.split_by_date(filterset.qs, clock.today())
    context = {"upcoming": list(upcoming), "past": list(past[:PAST_LIMIT]), "mine": mine, "filter_form": filterset.form}
    return render(request, "meetings/list.html", context)


@login_required
@require_GET
def meeting_list(request: AuthedRequest) -> HttpResponse:
    return _list(request, selectors.meeting_list(user=request.user), mine=False)


@login_required
@require_GET
def my_meetings(request: AuthedRequest) -> HttpResponse:
    return _list(request, selectors.my_meetings(user=request.user), mine=True)


def _agenda_context(request: AuthedRequest, meeting: Meeting, error: str = "") -> dict[str, Any]:
    today = clock.today()
    items = list(meeting.items.select_related("project", "problem", "decision__problem").order_by("position", "pk"))
    outcomes = {i.pk: selectors.decision_outcome(i.decision.problem, today) for i in items if i.decision is not None}
    return {
        "meeting": meeting,
        "items": [(i, outcomes.get(i.pk, "")) for i in items],
        "outcome_labels": dict(Outcome.choices),
        "can_edit_agenda": permissions.can_edit(request.user, meeting) and meeting.is_editable,
        "agenda_error": error,
    }


@login_required
@require_GET
def meeting_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    can_edit = permissions.can_edit(request.user, meeting)
    today = clock.today()
    context = {
        **_agenda_context(request, meeting),
        "attendance": list(meeting.attendance.select_related("official").order_by("pk")),
        "decisions": selectors.decisions_with_outcome(meeting.decisions.order_by("pk"), today),
        "can_edit": can_edit,
        "can_minutes": can_edit and meeting.status != Status.CANCELLED and meeting.held_on <= today,
        "can_decide": can_edit and meeting.status == Status.HELD,
        "can_cancel": can_edit and meeting.status == Status.PLANNED,
        "history": meeting_history(meeting),
    }
    return render(request, "meetings/detail.html", context)


def meeting_history(meeting: Meeting) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(parent_type="meetings.meeting", parent_id=str(meeting.pk)).order_by("at", "id")[:200]
    )


@login_required
@require_POST
def agenda_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    """One agenda edit; an HTMX request gets the agenda fragment back, a plain POST the page."""
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    if not permissions.can_edit(request.user, meeting):
        raise PermissionDenied("只有会议主持人或督查室可以修改议程")
    form = AgendaForm(request.POST)
    status, error = 200, ""
    if not form.is_valid():
        status, error = 422, "；".join(str(e) for errs in form.errors.values() for e in errs)
    else:
        c = form.cleaned_data
        try:
            if c["op"] == "add":
                services.agenda_add(meeting=meeting, by=request.user, text=c["text"], expected_version=c["version"])
            else:
                item = AgendaItem.objects.filter(meeting=meeting, pk=c["item"]).first()
                if item is None:
                    raise ValidationError({"item": "议题不存在或已被删除，请刷新后重试"})
                if c["op"] == "remove":
                    services.agenda_remove(meeting=meeting, by=request.user, item=item, expected_version=c["version"])
                else:
                    services.agenda_move(
                        meeting=meeting, by=request.user, item=item, up=c["op"] == "up", expected_version=c["version"]
                    )
        except ConflictError as exc:
            status, error = 409, exc.message
        except ValidationError as exc:
            status, error = 422, "；".join(exc.messages)
        except PermissionDeniedError as exc:
            raise PermissionDenied(str(exc)) from exc
        meeting.refresh_from_db()
    context = _agenda_context(request, meeting, error)
    return render_page(request, "meetings/agenda_page.html", "meetings/_agenda.html", context, status=status)


ACTIONS = ActionPages(
    page="meetings/action_page.html",
    fragment="meetings/_action_form.html",
    model=Meeting,
    denied="只有会议主持人或督查室可以进行此操作",
)


def _meeting_action(request: AuthedRequest, action: Action, *, meeting: Meeting) -> HttpResponse:
    """Every meeting action is the chair's or 督查室's, and goes back to the meeting."""
    return ACTIONS.run(
        request,
        action,
        allowed=permissions.can_edit(request.user, meeting),
        success_url=reverse("meetings:detail", args=[meeting.pk]),
        context={"meeting": meeting},
    )


@login_required
@GET_POST
def minutes(request: AuthedRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    form = MinutesForm(
        form_data(request), initial={"version": meeting.version, "minutes": meeting.minutes}, meeting=meeting
    )

    def perform(f: forms.Form) -> str:
        assert isinstance(f, MinutesForm)
        c = f.cleaned_data
        presence = [
            services.Presence(official=row.official, present=bool(c.get(present)), reason=c.get(reason) or "")
            for row, present, reason in f.rows
        ]
        services.minutes_record(
            meeting=meeting, by=request.user, minutes=c["minutes"], attendance=presence, expected_version=c["version"]
        )
        return "会议纪要已保存，会议状态为已召开"

    action = Action(title="会议纪要", url=reverse("meetings:minutes", args=[pk]), form=form, perform=perform)
    return _meeting_action(request, action, meeting=meeting)


@login_required
@GET_POST
def decision_create(request: AuthedRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    form = DecisionForm(form_data(request), meeting=meeting, user=request.user)

    def perform(f: forms.Form) -> Done:
        decision = services.decision_record(
            meeting=meeting, by=request.user, **services.decision_kwargs(f.cleaned_data)
        )
        assert decision.problem is not None
        return Done(
            f"议定事项已交办，问题编号 {decision.problem.code}",
            reverse("meetings:detail", args=[meeting.pk]),
            obj=decision,
        )

    action = Action(
        title="录入议定事项并交办",
        url=reverse("meetings:decision", args=[pk]),
        form=form,
        perform=perform,
        submit="交办",
        once="meetings.decision",
        field_class="col-md-6",
        intro="每条议定事项即作为来源为“会议”的问题交办给责任单位。",
    )
    return _meeting_action(request, action, meeting=meeting)


@login_required
@GET_POST
def meeting_cancel(request: AuthedRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    form = CancelForm(form_data(request), initial={"version": meeting.version})

    def perform(f: forms.Form) -> str:
        c = f.cleaned_data
        services.meeting_cancel(meeting=meeting, by=request.user, reason=c["reason"], expected_version=c["version"])
        return "会议已取消"

    action = Action(
        title="取消会议",
        url=reverse("meetings:cancel", args=[pk]),
        form=form,
        perform=perform,
        submit="取消会议",
        danger=True,
    )
    return _meeting_action(request, action, meeting=meeting)


@login_required
@require_GET
def meeting_pack(request: AuthedRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    body = pack.build_pack(meeting, clock.today())
    audit.record(actor=request.user, action="meeting.exported", obj=meeting, parent=meeting, note="下载会议材料")
    response = HttpResponse(
        body, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    filename = f"meeting-{meeting.year}-{meeting.seq}.docx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
