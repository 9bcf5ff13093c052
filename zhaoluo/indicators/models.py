"""The indicator catalogue (指标及其单位) and indicator values with their provenance."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhaoluo.core.models import BaseModel

from .choices import PeriodKind


class Indicator(BaseModel):
    name = models.CharField(_("指标"), max_length=64, unique=True)
    unit = models.CharField(_("单位"), max_length=16, help_text=_("如 万元、%、家"))
    description = models.CharField(_("说明"), max_length=255, blank=True)
    signed = models.BooleanField(_("可为负数"), default=False, help_text=_("增速等指标可以为负"))

    class Meta:
        verbose_name = _("指标")
        verbose_name_plural = _("指标目录")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.unit}）"


class IndicatorValue(BaseModel):
    region = models.ForeignKey("orgs.Region", verbose_name=_("地区"), on_delete=models.PROTECT, related_name="+")
    indicator = models.ForeignKey(Indicator, verbose_name=_("指标"), on_delete=models.PROTECT, related_name="values")
    period_kind = models.CharField(_("期间类型"), max_length=8, choices=PeriodKind.choices)
    period = models.DateField(_("期间"), help_text=_("年度为 1 月 1 日，月度为该月 1 日"))
    value = models.DecimalField(_("数值"), max_digits=20, decimal_places=4)
    # Provenance: which file, who, when (the last import that set this value).
    source_file = models.CharField(_("来源文件"), max_length=255, blank=True)
    source_sha256 = models.CharField(_("来源文件摘要"), max_length=64, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("导入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    imported_at = models.DateTimeField(_("导入时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("指标数值")
        verbose_name_plural = _("指标数值")
        ordering = ["-period", "region_id", "indicator_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "period_kind", "period", "indicator"], name="indicator_value_unique_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.period_label} {self.indicator.name}"

    @property
    def period_label(self) -> str:
        if self.period_kind == PeriodKind.YEAR:
            return f"{self.period.year}"
        return f"{self.period:%Y-%m}"
