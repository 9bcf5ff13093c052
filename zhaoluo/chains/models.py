"""Industrial clusters (产业集群), chains and their links (补链/延链/强链 targets)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from zhaoluo.core.models import BaseModel


class Cluster(BaseModel):
    name = models.CharField(_("产业集群"), max_length=64, unique=True)
    is_leading = models.BooleanField(_("主导产业"), default=False, help_text=_("4+N 中的“4”"))

    class Meta:
        verbose_name = _("产业集群")
        verbose_name_plural = _("产业集群")
        ordering = ["-is_leading", "id"]

    def __str__(self) -> str:
        return self.name


class Chain(BaseModel):
    name = models.CharField(_("产业链"), max_length=64, unique=True)
    cluster = models.ForeignKey(
        Cluster, verbose_name=_("所属集群"), null=True, blank=True, on_delete=models.SET_NULL, related_name="chains"
    )

    class Meta:
        verbose_name = _("产业链")
        verbose_name_plural = _("产业链")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class ChainLink(BaseModel):
    chain = models.ForeignKey(Chain, verbose_name=_("产业链"), on_delete=models.CASCADE, related_name="links")
    name = models.CharField(_("环节"), max_length=64)

    class Meta:
        verbose_name = _("产业链环节")
        verbose_name_plural = _("产业链环节")
        ordering = ["chain_id", "id"]
        constraints = [models.UniqueConstraint(fields=["chain", "name"], name="chainlink_unique_per_chain")]

    def __str__(self) -> str:
        return f"{self.chain.name}/{self.name}"
