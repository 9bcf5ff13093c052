"""The enterprise registry and its pools (规上, 高企, 上市后备/已上市)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhaoluo.core.crypto import EncryptedCharField
from zhaoluo.core.models import BaseModel
from zhaoluo.core.validators import normalise_uscc, validate_industry_code, validate_phone, validate_uscc

from .choices import Listing

# Contact data of a person (core/pi.py catalogue): masked unless the viewer may unmask it.
PI_FIELDS = ["contact", "phone"]


class Enterprise(BaseModel):
    district = models.ForeignKey("orgs.Region", verbose_name=_("所属区"), on_delete=models.PROTECT, related_name="+")
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True, validators=[validate_uscc])
    name = models.CharField(_("企业名称"), max_length=128, unique=True)
    township = models.ForeignKey(
        "orgs.Region", verbose_name=_("所属镇街"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    industry_code = models.CharField(_("行业代码"), max_length=4, blank=True, validators=[validate_industry_code])
    cluster = models.ForeignKey(
        "chains.Cluster",
        verbose_name=_("产业集群"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="enterprises",
    )
    above_scale = models.BooleanField(_("规上企业"), default=False)
    above_scale_since = models.DateField(_("入规日期"), null=True, blank=True)
    high_tech = models.BooleanField(_("高新技术企业"), default=False)
    high_tech_since = models.DateField(_("高企认定日期"), null=True, blank=True)
    listing = models.CharField(_("上市状态"), max_length=16, choices=Listing.choices, default=Listing.NONE)
    listing_since = models.DateField(_("上市状态日期"), null=True, blank=True)
    products = models.TextField(_("主要产品"), blank=True)
    needs = models.TextField(_("主要需求"), blank=True)
    employees = models.PositiveIntegerField(_("从业人员"), null=True, blank=True, validators=[MinValueValidator(0)])
    # Personal data of the enterprise's contact person: encrypted at rest, masked on display.
    contact = EncryptedCharField(_("联系人"), max_length=32, blank=True)
    phone = EncryptedCharField(_("联系电话"), max_length=20, blank=True, validators=[validate_phone])

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        self.uscc = normalise_uscc(self.uscc)
        errors: dict[str, str] = {}
        if self.high_tech_since and not self.high_tech:
            errors["high_tech_since"] = str(_("不是高新技术企业时不应填写认定日期"))
        if self.above_scale_since and not self.above_scale:
            errors["above_scale_since"] = str(_("不是规上企业时不应填写入规日期"))
        if errors:
            raise ValidationError(errors)
