"""消息 (everyone's own inbox) and 通知渠道 (the system administrator's channel page)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhaoluo.core.actions import Action, run_action
from zhaoluo.core.htmx import AuthedRequest

from . import selectors, services
from .choices import DeliveryStatus, Event
from .forms import ChannelForm
from .models import Channel
from .senders import mask_url

PAGE_SIZE = 30
DENIED = "只有系统管理员可以配置通知渠道"


def _local(request: AuthedRequest, url: str) -> bool:
    return bool(url) and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()})


def _back(request: AuthedRequest) -> HttpResponseRedirect:
    target = request.POST.get("next", "")
    return HttpResponseRedirect(target if _local(request, target) else reverse("notify:inbox"))


@login_required
@require_GET
def inbox(request: AuthedRequest) -> HttpResponse:
    show = request.GET.get("show", "unread")
    rows = selectors.notification_list(user=request.user)
    if show == "unread":
        rows = rows.filter(read_at__isnull=True)
    event = request.GET.get("event", "")
    if event in Event.values:
        rows = rows.filter(event=event)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "show": show,
        "event": event,
        "events": Event.choices,
        "unread": selectors.unread_count(user=request.user),
    }
    return render(request, "notify/inbox.html", context)


@login_required
@require_POST
def mark_read(request: AuthedRequest, pk: int) -> HttpResponse:
    notification = selectors.notification_get(user=request.user, pk=pk)
    services.notification_mark_read(notification=notification, by=request.user)
    return _back(request)


@login_required
@require_POST
def open_notification(request: AuthedRequest, pk: int) -> HttpResponse:
    """Mark read and go to what it is about (a POST: reading changes state, GETs never do)."""
    notification = selectors.notification_get(user=request.user, pk=pk)
    services.notification_mark_read(notification=notification, by=request.user)
    if _local(request, notification.link):
        return HttpResponseRedirect(notification.link)
    return HttpResponseRedirect(reverse("notify:inbox"))


@login_required
@require_POST
def mark_all_read(request: AuthedRequest) -> HttpResponse:
    count = services.notification_mark_all_read(by=request.user)
    messages.success(request, f"{count} 条消息已标为已读" if count else "没有未读消息")
    return _back(request)


# ---------------------------------------------------------------- channels


def _require_admin(request: AuthedRequest) -> None:
    if not services.can_configure(request.user):
        raise PermissionDenied(DENIED)


@login_required
@require_GET
def channels(request: AuthedRequest) -> HttpResponse:
    _require_admin(request)
    labels = dict(Event.choices)
    rows = [
        (channel, mask_url(channel.webhook_url), "、".join(str(labels[e]) for e in channel.events if e in labels))
        for channel in selectors.channel_list(user=request.user)
    ]
    context = {
        "channels": rows,
        "problems": selectors.delivery_problems(user=request.user),
        "gave_up": DeliveryStatus.GAVE_UP,
    }
    return render(request, "notify/channels.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def channel_create(request: AuthedRequest) -> HttpResponse:
    form = ChannelForm(request.POST if request.method == "POST" else None)

    def perform(f: forms.Form) -> str:
        assert isinstance(f, ChannelForm)
        channel = services.channel_create(by=request.user, data=f.service_data())
        return f"通知渠道“{channel.name}”已添加"

    action = Action(
        title="添加通知渠道", url=reverse("notify:channel_create"), form=form, perform=perform, model=Channel
    )
    return run_action(
        request,
        action,
        allowed=services.can_configure(request.user),
        denied=DENIED,
        page="notify/channel_form.html",
        success_url=reverse("notify:channels"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def channel_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    _require_admin(request)
    channel = selectors.channel_get(user=request.user, pk=pk)
    form = ChannelForm(
        request.POST if request.method == "POST" else None, initial=ChannelForm.initial_for(channel), channel=channel
    )

    def perform(f: forms.Form) -> str:
        assert isinstance(f, ChannelForm)
        services.channel_update(
            channel=channel, by=request.user, data=f.service_data(), expected_version=f.cleaned_data["version"]
        )
        return f"通知渠道“{channel.name}”已保存"

    action = Action(
        title=f"编辑通知渠道：{channel.name}",
        url=reverse("notify:channel_edit", args=[pk]),
        form=form,
        perform=perform,
        model=Channel,
    )
    return run_action(
        request,
        action,
        allowed=True,
        page="notify/channel_form.html",
        success_url=reverse("notify:channels"),
        context={"channel": channel},
    )


@login_required
@require_POST
def channel_test(request: AuthedRequest, pk: int) -> HttpResponse:
    """Send a test message now and say what happened: the administrator is watching for the answer."""
    _require_admin(request)
    channel = selectors.channel_get(user=request.user, pk=pk)
    try:
        delivery = services.channel_send_test(channel=channel, by=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return HttpResponseRedirect(reverse("notify:channels"))
    # Committed above; the send itself holds no transaction open while it waits (timeout applies).
    services.deliver_due(ids=[delivery.pk])
    delivery.refresh_from_db()
    if delivery.status == DeliveryStatus.SENT:
        messages.success(request, f"测试消息已通过“{channel.name}”发送")
    elif not channel.enabled:
        messages.warning(request, f"“{channel.name}”未启用，测试消息没有发送")
    else:
        messages.error(request, f"测试消息发送失败：{delivery.last_error}")
    return HttpResponseRedirect(reverse("notify:channels"))


@login_required
@require_POST
def delivery_retry(request: AuthedRequest, pk: int) -> HttpResponse:
    _require_admin(request)
    delivery = selectors.delivery_get(user=request.user, pk=pk)
    try:
        services.delivery_retry(delivery=delivery, by=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "已重新排队发送")
    return HttpResponseRedirect(reverse("notify:channels"))
