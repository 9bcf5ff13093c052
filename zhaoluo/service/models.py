"""百名干部进百企: pairings of cadres with enterprises, visits with their instrument and flags,
the needs written on a visit, and the enterprise pools as dated memberships."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from zhaoluo.core.models import BaseModel
from zhaoluo.problems.choices import Category

from .choices import ListingStage, Pool, VisitMode


class PairingQuerySet(models.QuerySet["Pairing"]):
    def active_on(self, day: dt.date) -> PairingQuerySet:
        return self.filter(Q(since__lte=day), Q(until__isnull=True) | Q(until__gte=day))

    def active_in(self, first: dt.date, last: dt.date) -> PairingQuerySet:
        """Active at any day between `first` and `last` (both included)."""
        return self.filter(Q(since__lte=last), Q(until__isnull=True) | Q(until__gte=first))


class Pairing(BaseModel):
    """A cadre's responsibility for one enterprise (包联), from 起始 to 结束 (open while blank)."""

    district = models.ForeignKey("orgs.Region", verbose_name=_("所属区"), on_delete=models.PROTECT, related_name="+")
    cadre = models.ForeignKey(
        "orgs.Official", verbose_name=_("包联干部"), on_delete=models.PROTECT, related_name="pairings"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="pairings"
    )
    since = models.DateField(_("起始日期"))
    until = models.DateField(_("结束日期"), null=True, blank=True)
    end_reason = models.CharField(_("结束原因"), max_length=200, blank=True)

    objects = PairingQuerySet.as_manager()

    class Meta:
        verbose_name = _("包联关系")
        verbose_name_plural = _("包联关系")
        ordering = ["cadre__name", "enterprise__name", "-since"]
        indexes = [models.Index(fields=["since", "until"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(until__gte=F("since")),
                name="pairing_until_not_before_since",
                violation_error_message="结束日期不能早于起始日期",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cadre} — {self.enterprise}"

    def is_active(self, day: dt.date) -> bool:
        return self.since <= day and (self.until is None or self.until >= day)


class FlagRule(BaseModel):
    """A rule that raises a flag from one answer of the visit instrument (rules are data:
    an administrator changes the threshold or switches a rule off; presets in flags.py)."""

    code = models.SlugField(_("规则代码"), max_length=40, unique=True)
    name = models.CharField(_("规则名称"), max_length=64)
    question = models.CharField(_("题目"), max_length=40)
    op = models.CharField(
        _("判断方式"),
        max_length=16,
        choices=[
            ("lte", _("不高于")),
            ("gte", _("不低于")),
            ("yes", _("回答为“是”")),
            ("no", _("回答为“否”")),
            ("within_months", _("日期在走访后若干个月内")),
        ],
    )
    threshold = models.DecimalField(_("阈值"), max_digits=12, decimal_places=2, null=True, blank=True)
    enabled = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("走访预警规则")
        verbose_name_plural = _("走访预警规则")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Visit(BaseModel):
    """One visit (走访) of a cadre to an enterprise, with the structured instrument's answers."""

    district = models.ForeignKey("orgs.Region", verbose_name=_("所属区"), on_delete=models.PROTECT, related_name="+")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="visits"
    )
    cadre = models.ForeignKey(
        "orgs.Official", verbose_name=_("包联干部"), on_delete=models.PROTECT, related_name="visits"
    )
    pairing = models.ForeignKey(
        Pairing, verbose_name=_("包联关系"), null=True, blank=True, on_delete=models.SET_NULL, related_name="visits"
    )
    visited_on = models.DateField(_("走访日期"))
    mode = models.CharField(_("走访方式"), max_length=16, choices=VisitMode.choices, default=VisitMode.ON_SITE)
    participants = models.CharField(_("参加人员"), max_length=200, blank=True)
    # The instrument's answers by question key (instrument.py): what the flag rules read.
    answers = models.JSONField(_("走访问卷"), default=dict, blank=True)
    notes = models.TextField(_("走访情况"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("走访记录")
        verbose_name_plural = _("走访记录")
        ordering = ["-visited_on", "-id"]
        indexes = [models.Index(fields=["enterprise", "visited_on"]), models.Index(fields=["visited_on"])]

    def __str__(self) -> str:
        return f"{self.visited_on:%Y-%m-%d} {self.cadre} 走访 {self.enterprise}"


def visit_photo_path(instance: VisitPhoto, filename: str) -> str:
    return f"visits/{instance.visit.enterprise_id}/{filename}"


class VisitPhoto(models.Model):
    """A photo of a visit: resized and stripped of EXIF (GPS, device) when stored. It may show
    people, so it is read under the rules of contact details (services.can_see_photos)."""

    visit = models.ForeignKey(Visit, verbose_name=_("走访记录"), on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("照片"), upload_to=visit_photo_path)

    class Meta:
        verbose_name = _("走访照片")
        verbose_name_plural = _("走访照片")

    def __str__(self) -> str:
        return str(self.image.name)


class VisitFlag(models.Model):
    """A warning a rule raised from a visit's answers; names the rule and says why."""

    visit = models.ForeignKey(Visit, verbose_name=_("走访记录"), on_delete=models.CASCADE, related_name="flags")
    rule = models.ForeignKey(FlagRule, verbose_name=_("规则"), on_delete=models.PROTECT, related_name="flags")
    message = models.CharField(_("说明"), max_length=200)

    class Meta:
        verbose_name = _("走访预警")
        verbose_name_plural = _("走访预警")
        ordering = ["-visit__visited_on", "rule__code"]
        constraints = [models.UniqueConstraint(fields=["visit", "rule"], name="visitflag_one_per_rule")]

    def __str__(self) -> str:
        return f"{self.rule.name}：{self.message}"


class VisitNeed(BaseModel):
    """A need the enterprise voiced on a visit; one tap turns it into a problem of the loop."""

    visit = models.ForeignKey(Visit, verbose_name=_("走访记录"), on_delete=models.CASCADE, related_name="needs")
    description = models.TextField(_("需求描述"))
    category = models.CharField(_("类别"), max_length=16, choices=Category.choices, default=Category.OTHER)
    problem = models.OneToOneField(
        "problems.Problem",
        verbose_name=_("问题"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="visit_need",
    )

    class Meta:
        verbose_name = _("企业需求")
        verbose_name_plural = _("企业需求")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.description[:40]


class PoolMembership(BaseModel):
    """An enterprise's time in a pool (规上, 高企, 专精特新, 上市后备, 已上市): entered, left, why."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="pool_memberships"
    )
    pool = models.CharField(_("企业库"), max_length=16, choices=Pool.choices)
    entered_on = models.DateField(_("入库日期"))
    left_on = models.DateField(_("出库日期"), null=True, blank=True)
    reason = models.CharField(_("入库依据"), max_length=200, blank=True)
    left_reason = models.CharField(_("出库原因"), max_length=200, blank=True)
    listing_stage = models.CharField(_("上市进程"), max_length=16, choices=ListingStage.choices, blank=True)
    certificate_expires_on = models.DateField(_("证书到期日"), null=True, blank=True)

    class Meta:
        verbose_name = _("企业库成员")
        verbose_name_plural = _("企业库成员")
        ordering = ["pool", "-entered_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("entered_on")),
                name="pool_left_not_before_entered",
                violation_error_message="出库日期不能早于入库日期",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.get_pool_display()}"
