"""A record of every committed import: which file (by its SHA-256), who, and what it changed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .spec import get as get_kind


class ImportRun(models.Model):
    kind = models.CharField(_("台账类型"), max_length=32, db_index=True)
    district = models.ForeignKey("orgs.Region", verbose_name=_("所属区"), on_delete=models.PROTECT, related_name="+")
    file_name = models.CharField(_("文件名"), max_length=255)
    sha256 = models.CharField(_("文件摘要（SHA-256）"), max_length=64, db_index=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("导入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("导入时间"), auto_now_add=True)
    rows_read = models.PositiveIntegerField(_("读取行数"), default=0)
    created = models.PositiveIntegerField(_("新增"), default=0)
    updated = models.PositiveIntegerField(_("更新"), default=0)
    unchanged = models.PositiveIntegerField(_("未变"), default=0)
    warnings = models.PositiveIntegerField(_("警告"), default=0)

    class Meta:
        verbose_name = _("台账导入记录")
        verbose_name_plural = _("台账导入记录")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name}（{self.kind_label}）"

    @property
    def kind_label(self) -> str:
        try:
            return get_kind(self.kind).label
        except LookupError:  # a kind whose app was removed since
            return self.kind
