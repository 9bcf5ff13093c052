from django.db import models
from django.utils.translation import gettext_lazy as _


class VisitMode(models.TextChoices):
    ON_SITE = "on_site", _("实地")
    PHONE = "phone", _("电话")
    VIDEO = "video", _("视频")


class Trend(models.TextChoices):
    """Output and orders against the same period last year."""

    UP = "up", _("增长")
    FLAT = "flat", _("持平")
    DOWN = "down", _("下降")


class Pool(models.TextChoices):
    ABOVE_SCALE = "above_scale", _("规上企业")
    HIGH_TECH = "high_tech", _("高新技术企业")
    SPECIALISED = "specialised", _("专精特新")
    LISTING = "listing", _("上市后备")
    LISTED = "listed", _("已上市")


class ListingStage(models.TextChoices):
    TUTORING = "tutoring", _("辅导备案")
    FILED = "filed", _("申报受理")
    APPROVED = "approved", _("审核通过")
