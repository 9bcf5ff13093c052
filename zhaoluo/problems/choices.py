from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    """The factors of shared/LEDGERS.md `problems` (类别); blank in a ledger means 其他."""

    LAND = "land", _("用地")
    LABOUR = "labour", _("用工")
    FINANCE = "finance", _("融资")
    UTILITIES = "utilities", _("用电用气")
    APPROVAL = "approval", _("审批")
    INFRASTRUCTURE = "infrastructure", _("基础设施")
    SUPPLY_CHAIN = "supply_chain", _("供应链")
    POLICY = "policy", _("政策")
    OTHER = "other", _("其他")


class Origin(models.TextChoices):
    PROJECT = "project", _("项目")
    ENTERPRISE = "enterprise", _("企业")
    VISIT = "visit", _("走访")
    MEETING = "meeting", _("会议")
    OTHER = "other", _("其他")


class Status(models.TextChoices):
    PENDING = "pending", _("待交办")
    ASSIGNED = "assigned", _("已交办")
    HANDLING = "handling", _("办理中")
    RESOLVED = "resolved", _("已办结")
    CLOSED = "closed", _("已销号")


# Still someone's work: what 问题清单 lists and what can be overdue.
OPEN_STATUSES = (Status.PENDING, Status.ASSIGNED, Status.HANDLING)


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    FAIRLY = "fairly", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")
