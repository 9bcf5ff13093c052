from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.TextChoices):
    """What a notification is about; channels subscribe to events."""

    ASSIGNED = "assigned", _("交办")
    DUE_SOON = "due_soon", _("临期")
    OVERDUE = "overdue", _("逾期")
    ESCALATED = "escalated", _("升级")
    NOTICE = "notice", _("督办单")
    MEETING = "meeting", _("会议")
    OTHER = "other", _("其他")


class ChannelKind(models.TextChoices):
    EMAIL = "email", _("电子邮件")
    WECOM = "wecom", _("企业微信群机器人")
    DINGTALK = "dingtalk", _("钉钉群机器人")


class MessageFormat(models.TextChoices):
    TEXT = "text", _("纯文本")
    MARKDOWN = "markdown", _("Markdown")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("失败待重试")
    GAVE_UP = "gave_up", _("已放弃")


# A delivery in one of these states still has attempts ahead of it.
OPEN_STATUSES = (DeliveryStatus.PENDING, DeliveryStatus.FAILED)
