from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.IntegerChoices):
    """The three levels of 三级督查: who holds the problem now."""

    UNIT = 1, _("第一级：责任单位")
    OFFICE = 2, _("第二级：区督查室")
    LEADERS = 3, _("第三级：区主要领导")


class Color(models.TextChoices):
    """督办单 colours, mildest first (their order is their rank)."""

    BLUE = "blue", _("蓝色")
    YELLOW = "yellow", _("黄色")
    RED = "red", _("红色")


COLOR_RANK = {"": 0, Color.BLUE: 1, Color.YELLOW: 2, Color.RED: 3}


class EscalationKind(models.TextChoices):
    RULE = "rule", _("按规则升级")
    MANUAL_UP = "manual_up", _("人工升级")
    MANUAL_DOWN = "manual_down", _("人工降级")


class DeadlineCondition(models.TextChoices):
    """What about a project shortens its deadlines; the conditions are code, the factors data."""

    GREEN_CHANNEL = "green_channel", _("绿色通道项目")
    RED_LIGHT = "red_light", _("亮红灯项目")


class DeadlineSubject(models.TextChoices):
    ALL = "all", _("问题和审批")
    PROBLEM = "problem", _("问题")
    APPROVAL = "approval", _("审批")
