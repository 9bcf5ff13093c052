"""All writes of notifications: the inbox, the outbox and its delivery, and channel configuration.

`notify(...)` is what other apps call, inside their own business transaction. It writes the
inbox rows and the outbox rows (deliveries) in that transaction and sends nothing itself:
after commit a django-q2 task (and every `zhaoluo tick`) runs `deliver_due`, so a channel
that is down or slow can neither block nor roll back the business write.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone

from zhaoluo.core import audit
from zhaoluo.core.errors import ConflictError, PermissionDeniedError
from zhaoluo.core.locking import claim_version
from zhaoluo.orgs.choices import Role
from zhaoluo.orgs.models import User

from . import senders
from .choices import OPEN_STATUSES, ChannelKind, DeliveryStatus, Event
from .models import Channel, Delivery, Notification
from .senders import mask_secret, mask_url

logger = logging.getLogger(__name__)

CHANNEL_FIELDS = ["kind", "name", "enabled", "webhook_url", "secret", "events", "message_format"]
AUDIENCE_LIMIT = 500
# A run stops claiming after this long (what is left stays due for the next run): well inside the
# django-q2 task timeout, and a tick is never held for long by a robot that answers slowly but in time.
RUN_BUDGET_SECONDS = 120.0


# ---------------------------------------------------------------- notify


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@transaction.atomic
def notify(
    *,
    recipients: Iterable[User],
    event: str,
    subject: str,
    body: str = "",
    link: str = "",
    obj: models.Model | None = None,
    dedupe_key: str | None = None,
    actor: User | None = None,
) -> list[Notification]:
    """Tell `recipients` about `event`; returns the inbox rows written (none for a repeated dedupe_key).

    Call it inside the business transaction: if that rolls back, nobody is told. With a
    dedupe_key a recipient is told once per key, however many ticks ask (a reminder).
    Inactive accounts are skipped. A text too long for its column is cut, never refused:
    a notification must not be the reason a business write fails.
    """
    if event not in Event.values:
        raise ValueError(f"unknown notification event {event!r}")
    people: dict[int, User] = {}
    for user in recipients:
        if user.is_active and user.pk not in people:
            people[user.pk] = user
    object_type = audit.type_name(obj) if obj is not None else ""
    object_id = str(obj.pk) if obj is not None else ""
    subject = _cut(subject.strip(), 200)
    link = link[:500]
    created: list[Notification] = []
    for user in people.values():
        row = Notification(
            recipient=user,
            event=event,
            subject=subject,
            body=body,
            link=link,
            object_type=object_type,
            object_id=object_id,
            dedupe_key=dedupe_key or None,
        )
        if dedupe_key:
            if Notification.objects.filter(recipient=user, dedupe_key=dedupe_key).exists():
                continue
            try:
                # A concurrent tick may insert the same key between the check and here: the
                # savepoint keeps the caller's transaction usable when the constraint says no.
                with transaction.atomic():
                    row.save()
            except IntegrityError:
                continue
        else:
            row.save()
        created.append(row)
    if not created:
        return created
    deliveries = _outbox(created, event=event, subject=subject, body=body, link=link)
    names = "、".join(n.recipient.display_name for n in created)
    # No audit parent: a timeline (the project's) would show a bare "notification.sent" line. The object is
    # named in `after`, and the app that owns the timeline can describe these rows when it wants them.
    audit.record(
        actor=actor,
        action="notification.sent",
        obj=created[0],
        after={
            "event": event,
            "recipients": [n.recipient_id for n in created],
            "object_type": object_type,
            "object_id": object_id,
            "deliveries": len(deliveries),
        },
        note=_cut(f"{Event(event).label}通知 {len(created)} 人：{names}；外部渠道 {len(deliveries)} 条", 1000),
    )
    if deliveries:
        ids = [d.pk for d in deliveries]
        transaction.on_commit(lambda: enqueue_delivery(ids))
    return created


def _outbox(created: list[Notification], *, event: str, subject: str, body: str, link: str) -> list[Delivery]:
    rows: list[Delivery] = []
    for channel in Channel.objects.filter(enabled=True):
        if event not in (channel.events or []):
            continue
        if channel.kind == ChannelKind.EMAIL:
            for note in created:
                if note.recipient.email:
                    rows.append(
                        Delivery(channel=channel, notification=note, event=event, subject=subject, body=body, link=link)
                    )
        else:
            audience = _cut("、".join(n.recipient.display_name for n in created), AUDIENCE_LIMIT)
            rows.append(
                Delivery(
                    channel=channel,
                    notification=created[0],
                    event=event,
                    subject=subject,
                    body=body,
                    link=link,
                    audience=audience,
                )
            )
    for row in rows:
        row.save()
    return rows


def enqueue_delivery(ids: list[int]) -> None:
    """After commit: hand the new deliveries to the django-q2 cluster, if the deployment runs one.

    Enqueueing is best effort: when it fails (or ZHAOLUO_NOTIFY_QUEUE is off, for cron-only
    deployments) the next `zhaoluo tick` delivers them all the same.
    """
    if not settings.ZHAOLUO_NOTIFY_QUEUE:
        return
    try:
        from django_q.tasks import async_task

        # save=False: django-q2 keeps only the last Q_CLUSTER["save_limit"] successes, and a busy day of
        # notifications must not push the tick's history out (failures are still kept).
        async_task("zhaoluo.notify.services.deliver_due", ids=ids, task_name=f"notify-{ids[0]}", save=False)
    except Exception:  # the commit has happened: the tick is the fallback, and this is never the user's error
        logger.warning("could not enqueue notification delivery %s; the next tick will send it", ids, exc_info=True)


# ---------------------------------------------------------------- delivery


def backoff(attempts: int) -> dt.timedelta:
    """Wait after the n-th failed attempt: base, 2×base, 4×base, … (1, 2, 4, 8, 16 minutes by default)."""
    base = float(settings.ZHAOLUO_NOTIFY_BACKOFF_MINUTES)
    return dt.timedelta(minutes=base * 2 ** max(attempts - 1, 0))


def _lease() -> dt.timedelta:
    # A claimed row is hidden for longer than any send can take; if the sender dies the row comes back.
    return dt.timedelta(seconds=max(60.0, 4 * float(settings.ZHAOLUO_NOTIFY_TIMEOUT)))


def deliver_due(*, ids: Iterable[int] | None = None, limit: int | None = None) -> dict[str, int]:
    """Send every delivery that is due (or only `ids`), each at most once however many runs overlap.

    Runs outside any transaction so no database lock is held while waiting on the network.
    Each row is claimed with one conditional UPDATE (status, attempt count and due time
    unchanged), so of two concurrent runs only one sends it. A channel that times out or
    refuses the connection is skipped for the rest of the run: one dead robot costs one
    timeout per run, and every other channel is still served in the same run.
    """
    max_attempts = int(settings.ZHAOLUO_NOTIFY_MAX_ATTEMPTS)
    counts: Counter[str] = Counter()
    now = timezone.now()
    # A sender that died after claiming leaves its row open with no attempts left.
    stale = Delivery.objects.filter(status__in=OPEN_STATUSES, attempts__gte=max_attempts, next_attempt_at__lte=now)
    counts["gave_up"] += stale.update(status=DeliveryStatus.GAVE_UP)
    due = (
        Delivery.objects.filter(
            status__in=OPEN_STATUSES, next_attempt_at__lte=now, attempts__lt=max_attempts, channel__enabled=True
        )
        .select_related("channel", "notification__recipient__official")
        .order_by("next_attempt_at", "id")
    )
    if ids is not None:
        due = due.filter(pk__in=list(ids))
    broken: set[int] = set()
    stop_at = time.monotonic() + RUN_BUDGET_SECONDS
    for delivery in due[: limit or int(settings.ZHAOLUO_NOTIFY_BATCH)]:
        if delivery.channel_id in broken or time.monotonic() > stop_at:
            counts["deferred"] += 1
            continue
        if not _claim(delivery):
            counts["skipped"] += 1
            continue
        try:
            _send(delivery)
        except senders.SendError as exc:
            counts[_failed(delivery, exc, max_attempts)] += 1
            if exc.transport:
                broken.add(delivery.channel_id)
        else:
            _sent(delivery)
            counts["sent"] += 1
    return {key: counts[key] for key in ("sent", "failed", "gave_up", "deferred", "skipped")}


def _claim(delivery: Delivery) -> bool:
    now = timezone.now()
    claimed = Delivery.objects.filter(
        pk=delivery.pk,
        status=delivery.status,
        attempts=delivery.attempts,
        next_attempt_at__lte=now,
    ).update(attempts=F("attempts") + 1, next_attempt_at=now + _lease())
    if claimed:
        delivery.attempts += 1
    return bool(claimed)


def outgoing(delivery: Delivery) -> senders.Outgoing:
    heading = f"【{settings.ZHAOLUO_PLATFORM_NAME}·{Event(delivery.event).label}】"
    return senders.Outgoing(
        heading=heading,
        subject=delivery.subject,
        body=delivery.body,
        url=absolute_link(delivery.link),
        audience=delivery.audience,
    )


def absolute_link(link: str) -> str:
    """Outside channels need the full address; without ZHAOLUO_SITE_URL a site path is left out."""
    if not link or urlsplit(link).scheme in ("http", "https"):
        return link
    base = str(settings.ZHAOLUO_SITE_URL).rstrip("/")
    return f"{base}{link}" if base else ""


def _send(delivery: Delivery) -> None:
    channel = delivery.channel
    msg = outgoing(delivery)
    if channel.kind == ChannelKind.EMAIL:
        recipient = delivery.notification.recipient if delivery.notification is not None else None
        senders.send_email(recipient.email if recipient is not None else "", msg)
    elif channel.kind == ChannelKind.WECOM:
        senders.send_wecom(channel.webhook_url, msg, channel.message_format)
    elif channel.kind == ChannelKind.DINGTALK:
        senders.send_dingtalk(channel.webhook_url, channel.secret, msg, channel.message_format)
    else:  # pragma: no cover - the choices allow nothing else
        raise senders.SendError(f"未知渠道 {channel.kind}", retry=False)


def _sent(delivery: Delivery) -> None:
    Delivery.objects.filter(pk=delivery.pk, attempts=delivery.attempts).update(
        status=DeliveryStatus.SENT, sent_at=timezone.now(), last_error=""
    )


def _failed(delivery: Delivery, exc: senders.SendError, max_attempts: int) -> str:
    error = senders.scrub(exc.message, delivery.channel.webhook_url, delivery.channel.secret)
    give_up = not exc.retry or delivery.is_test or delivery.attempts >= max_attempts
    status = DeliveryStatus.GAVE_UP if give_up else DeliveryStatus.FAILED
    next_at = timezone.now() + (dt.timedelta(0) if give_up else backoff(delivery.attempts))
    # Only while the row is still ours: if our lease ran out and another run took it over, its result stands.
    updated = Delivery.objects.filter(pk=delivery.pk, attempts=delivery.attempts).update(
        status=status, last_error=error, next_attempt_at=next_at
    )
    logger.warning("delivery %s on %s failed (attempt %s): %s", delivery.pk, delivery.channel, delivery.attempts, error)
    if give_up and updated:
        delivery.status, delivery.last_error = status, error
        with transaction.atomic():
            audit.record(
                actor=None,
                action="notification.delivery_gave_up",
                obj=delivery,
                parent=delivery.channel,
                note=f"第 {delivery.attempts} 次尝试后放弃：{error}",
            )
    return "gave_up" if give_up else "failed"


# ---------------------------------------------------------------- inbox


@transaction.atomic
def notification_mark_read(*, notification: Notification, by: User) -> bool:
    """Mark one of the user's own notifications read; False if it already was."""
    if notification.recipient_id != by.pk:
        raise PermissionDeniedError("只能处理自己的消息")
    now = timezone.now()
    changed = Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)
    if changed:
        notification.read_at = now
        audit.record(actor=by, action="notification.read", obj=notification)
    return bool(changed)


@transaction.atomic
def notification_mark_all_read(*, by: User) -> int:
    count = Notification.objects.filter(recipient=by, read_at__isnull=True).update(read_at=timezone.now())
    if count:
        audit.record(actor=by, action="notification.read_all", obj=by, note=f"{count} 条消息标为已读")
    return count


# ---------------------------------------------------------------- channels


def can_configure(user: Any) -> bool:
    return getattr(user, "role", None) == Role.SYSADMIN and bool(getattr(user, "is_active", False))


def _require_admin(by: User | None) -> None:
    if not can_configure(by):
        raise PermissionDeniedError("只有系统管理员可以配置通知渠道")


def channel_snapshot(channel: Channel) -> audit.Snapshot:
    """The audit view of a channel: the webhook's token and the signing secret masked."""
    data = audit.snapshot(channel)
    data["webhook_url"] = mask_url(channel.webhook_url)
    data["secret"] = mask_secret(channel.secret)
    return data


def _assign(channel: Channel, data: Mapping[str, Any]) -> None:
    unknown = set(data) - set(CHANNEL_FIELDS)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "该字段不能在此修改"))
    for key, value in data.items():
        setattr(channel, key, value)


def _validate(channel: Channel) -> None:
    errors: dict[str, str] = {}
    events = channel.events if isinstance(channel.events, list) else None
    if events is None or any(e not in Event.values for e in events):
        errors["events"] = "通知类别无效"
    else:
        channel.events = [e for e in Event.values if e in events]  # stored in a fixed order
    if channel.is_robot:
        refusal = senders.webhook_refusal(channel.webhook_url or "", channel.kind)
        if refusal:
            errors["webhook_url"] = refusal
    else:
        channel.webhook_url = ""
    if channel.kind != ChannelKind.DINGTALK:
        channel.secret = ""
    channel.secret = (channel.secret or "").strip()
    if errors:
        raise ValidationError(errors)
    channel.full_clean()


@transaction.atomic
def channel_create(*, by: User, data: Mapping[str, Any]) -> Channel:
    _require_admin(by)
    channel = Channel()
    _assign(channel, data)
    _validate(channel)
    channel.save()
    audit.record(actor=by, action="notify_channel.created", obj=channel, after=channel_snapshot(channel))
    return channel


@transaction.atomic
def channel_update(*, channel: Channel, by: User, data: Mapping[str, Any], expected_version: int | None) -> Channel:
    """Change a channel. A `secret` left out keeps the stored one (the form never shows it back)."""
    _require_admin(by)
    before = channel_snapshot(channel)
    try:
        claim_version(channel, expected_version, dict(data))
    except ConflictError as exc:
        # The 409 answer shows the current value of each field someone else changed: masked here too.
        current = Channel.objects.get(pk=channel.pk)
        for key, masked in (("secret", mask_secret(current.secret)), ("webhook_url", mask_url(current.webhook_url))):
            if key in exc.changes:
                exc.changes[key] = masked
        raise
    if "kind" in data and data["kind"] != channel.kind:
        raise ValidationError({"kind": "渠道类型创建后不能修改，请新建一个渠道"})
    _assign(channel, data)
    _validate(channel)
    channel.save()
    old, new = audit.diff(before, channel_snapshot(channel))
    if new:
        audit.record(actor=by, action="notify_channel.updated", obj=channel, before=old, after=new)
    return channel


@transaction.atomic
def channel_send_test(*, channel: Channel, by: User) -> Delivery:
    """Queue one test message on `channel` (to the administrator's own e-mail for the e-mail channel).

    It also lands in the administrator's inbox. Tried once: a failure shows on the page, not in retries.
    """
    _require_admin(by)
    if channel.kind == ChannelKind.EMAIL and not by.email:
        raise ValidationError("您的账号没有登记电子邮箱，无法发送测试邮件")
    note = Notification.objects.create(
        recipient=by,
        event=Event.OTHER,
        subject=f"测试消息：{channel.name}",
        body=f"这是一条测试消息，由{by.display_name}于{timezone.localtime():%Y-%m-%d %H:%M}发送。",
    )
    delivery = Delivery.objects.create(
        channel=channel,
        notification=note,
        event=Event.OTHER,
        subject=note.subject,
        body=note.body,
        audience=by.display_name,
        is_test=True,
    )
    audit.record(actor=by, action="notify_channel.test", obj=channel, note=f"发送测试消息（发送记录 {delivery.pk}）")
    return delivery


@transaction.atomic
def delivery_retry(*, delivery: Delivery, by: User) -> Delivery:
    """Put a delivery that was given up back in the queue, with a fresh set of attempts."""
    _require_admin(by)
    updated = Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.GAVE_UP).update(
        status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=timezone.now()
    )
    if not updated:
        raise ValidationError("只有已放弃的发送记录可以重新发送")
    delivery.refresh_from_db()
    audit.record(actor=by, action="notification.delivery_retried", obj=delivery, parent=delivery.channel)
    transaction.on_commit(lambda: enqueue_delivery([delivery.pk]))
    return delivery
