from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    COORDINATION = "coordination", _("协调会")
    SITE = "site", _("现场会")
    DISPATCH = "dispatch", _("调度会")
    OTHER = "other", _("其他会议")


class ChairBy(models.TextChoices):
    """How a cadence rule finds its chairs (docs/meetings.md)."""

    # Every district leader (四大家) who is 包保领导 of a live project, for their own portfolio.
    PORTFOLIO = "portfolio", _("分管区领导（包保项目的区领导）")
    # The leader whose 职务 lists this post exactly (“区委副书记、区长” holds 区长, not 副区长).
    POST = "post", _("按职务")


class Period(models.TextChoices):
    HALF_MONTH = "half_month", _("每半月")
    MONTH = "month", _("每月")
    TWO_MONTHS = "two_months", _("每两月")


class Status(models.TextChoices):
    PLANNED = "planned", _("计划")
    HELD = "held", _("已召开")
    CANCELLED = "cancelled", _("取消")


class ItemKind(models.TextChoices):
    PROJECT = "project", _("红黄灯项目")
    PROBLEM = "problem", _("逾期问题")
    ESCALATED = "escalated", _("升级督办问题")
    REVIEW = "review", _("上次会议议定事项")
    FREE = "free", _("其他议题")


class Outcome(models.TextChoices):
    """What came of a decision, read from its problem."""

    ON_TIME = "on_time", _("按期办结")
    LATE = "late", _("逾期办结")
    OPEN = "open", _("仍在办理")
    OVERDUE = "overdue", _("逾期未办结")
