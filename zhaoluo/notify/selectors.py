"""All reads of notifications: a user's own inbox; channels and deliveries for the system administrator."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from .choices import DeliveryStatus
from .models import Channel, Delivery, Notification
from .services import can_configure


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def notification_list(*, user: Any) -> QuerySet[Notification]:
    """The user's own notifications, newest first. Nobody reads anyone else's inbox, administrators included."""
    if not _signed_in(user):
        return Notification.objects.none()
    return Notification.objects.filter(recipient_id=user.pk)


def notification_get(*, user: Any, pk: int) -> Notification:
    notification = notification_list(user=user).filter(pk=pk).first()
    if notification is None:
        raise Http404("消息不存在或不是发给您的")
    return notification


def unread_count(*, user: Any) -> int:
    return notification_list(user=user).filter(read_at__isnull=True).count()


def channel_list(*, user: Any) -> QuerySet[Channel]:
    """Channels with their outbox counts; only the system administrator sees them."""
    if not can_configure(user):
        return Channel.objects.none()
    return Channel.objects.annotate(
        sent_count=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.SENT)),
        pending_count=Count(
            "deliveries", filter=Q(deliveries__status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILED])
        ),
        gave_up_count=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.GAVE_UP)),
    )


def channel_get(*, user: Any, pk: int) -> Channel:
    channel = channel_list(user=user).filter(pk=pk).first()
    if channel is None:
        raise Http404("通知渠道不存在")
    return channel


def delivery_problems(*, user: Any, limit: int = 30) -> QuerySet[Delivery]:
    """The latest deliveries that failed or were given up, for the channel page."""
    if not can_configure(user):
        return Delivery.objects.none()
    failing = [DeliveryStatus.FAILED, DeliveryStatus.GAVE_UP]
    return (
        Delivery.objects.filter(status__in=failing)
        .select_related("channel")
        .order_by("-next_attempt_at", "-id")[:limit]
    )


def delivery_get(*, user: Any, pk: int) -> Delivery:
    delivery = Delivery.objects.filter(pk=pk).select_related("channel").first() if can_configure(user) else None
    if delivery is None:
        raise Http404("发送记录不存在")
    return delivery
