"""The in-app inbox, the channels an administrator configures, and the outbox of deliveries."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhaoluo.core.models import BaseModel

from .choices import ChannelKind, DeliveryStatus, Event, MessageFormat


def all_events() -> list[str]:
    return list(Event.values)


class Notification(models.Model):
    """One message in one user's inbox. Always written, whatever channels are configured."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("接收人"), on_delete=models.CASCADE, related_name="notifications"
    )
    event = models.CharField(_("类别"), max_length=16, choices=Event.choices, default=Event.OTHER)
    subject = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    link = models.CharField(_("链接"), max_length=500, blank=True, help_text=_("站内地址，例如 /projects/12/"))
    # Same shape as the audit log's object columns, so a notification outlives a renamed model.
    object_type = models.CharField(_("对象类型"), max_length=64, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    dedupe_key = models.CharField(
        _("去重键"),
        max_length=200,
        null=True,
        blank=True,
        help_text=_("同一接收人同一键只通知一次，例如 due_soon:problems.problem:12:2021-03-05"),
    )
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("消息")
        verbose_name_plural = _("消息")
        ordering = ["-created_at", "-id"]
        constraints = [
            # NULL keys are distinct on SQLite and PostgreSQL: only keyed messages are deduplicated.
            models.UniqueConstraint(fields=["recipient", "dedupe_key"], name="notify_one_per_recipient_and_key"),
        ]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notify_inbox_unread")]

    def __str__(self) -> str:
        return self.subject

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class Channel(BaseModel):
    """An outside channel: the e-mail switch, or one WeCom / DingTalk group robot."""

    kind = models.CharField(_("渠道"), max_length=16, choices=ChannelKind.choices)
    name = models.CharField(_("名称"), max_length=64, unique=True, help_text=_("例如：招商专班群机器人"))
    enabled = models.BooleanField(_("启用"), default=True)
    webhook_url = models.CharField(
        _("Webhook 地址"),
        max_length=500,
        blank=True,
        help_text=_("群机器人的 Webhook 地址（含 key 或 access_token），页面上只显示遮盖后的形式"),
    )
    # Plain text until core/crypto.py provides an encrypted field; never shown in full (see services.mask_secret).
    secret = models.CharField(
        _("加签密钥"), max_length=200, blank=True, help_text=_("钉钉机器人“加签”安全设置中以 SEC 开头的密钥")
    )
    events = models.JSONField(_("通知类别"), default=all_events, blank=True)
    message_format = models.CharField(
        _("消息格式"), max_length=16, choices=MessageFormat.choices, default=MessageFormat.TEXT
    )

    class Meta:
        verbose_name = _("通知渠道")
        verbose_name_plural = _("通知渠道")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["kind"], condition=Q(kind="email"), name="notify_one_email_channel"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_robot(self) -> bool:
        return self.kind in (ChannelKind.WECOM, ChannelKind.DINGTALK)


class Delivery(models.Model):
    """The outbox: one message to send on one channel, with its attempts.

    E-mail has one delivery per notification (one per recipient); a group robot one per
    `notify()` call, naming everyone it concerns, so a group is not flooded with copies.
    A test message from the channel page has no notification.
    """

    channel = models.ForeignKey(Channel, verbose_name=_("渠道"), on_delete=models.PROTECT, related_name="deliveries")
    notification = models.ForeignKey(
        Notification,
        verbose_name=_("消息"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    event = models.CharField(_("类别"), max_length=16, choices=Event.choices, default=Event.OTHER)
    subject = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    link = models.CharField(_("链接"), max_length=500, blank=True)
    audience = models.CharField(_("接收人"), max_length=500, blank=True, help_text=_("群机器人消息中列出的接收人"))
    # A test message from the channel page is tried once: its result is for the administrator watching.
    is_test = models.BooleanField(_("测试消息"), default=False)
    status = models.CharField(
        _("状态"), max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING, db_index=True
    )
    attempts = models.PositiveIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试时间"), default=timezone.now, db_index=True)
    last_error = models.CharField(_("最近错误"), max_length=500, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("发送记录")
        verbose_name_plural = _("发送记录")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="notify_delivery_due")]

    def __str__(self) -> str:
        return f"{self.channel} · {self.subject}"
