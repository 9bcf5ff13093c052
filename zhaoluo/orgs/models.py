"""Regions, units, officials and users: who the platform serves and what each may see."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from zhaoluo.core.crypto import EncryptedEmailField
from zhaoluo.core.models import BaseModel

from .choices import Body, RegionLevel, Role, UnitKind

region_code_validator = RegexValidator(
    r"^(\d{6}|\d{9}|\d{12})$",
    _("地区代码应为 6 位（GB/T 2260 县级及以上）或 9/12 位（乡镇街道）数字"),
)


class Region(models.Model):
    """A node of the GB/T 2260 tree: province → city → district → township."""

    code = models.CharField(_("地区代码"), max_length=12, unique=True, validators=[region_code_validator])
    name = models.CharField(_("名称"), max_length=64)
    level = models.CharField(_("级别"), max_length=16, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        verbose_name = _("地区")
        verbose_name_plural = _("地区")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def district(self) -> Region | None:
        node: Region | None = self
        while node is not None and node.level != RegionLevel.DISTRICT:
            node = node.parent
        return node


class Unit(BaseModel):
    """A department, township or park of the district government."""

    name = models.CharField(_("单位名称"), max_length=100, unique=True)
    kind = models.CharField(_("类型"), max_length=16, choices=UnitKind.choices, default=UnitKind.DEPARTMENT)
    region = models.ForeignKey(
        Region,
        verbose_name=_("所属地区"),
        on_delete=models.PROTECT,
        related_name="units",
        help_text=_("镇街单位填所在镇街，部门填所在区"),
    )

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class Official(BaseModel):
    """A cadre or leader. Leaders of the 四大家 carry their body."""

    name = models.CharField(_("姓名"), max_length=32, db_index=True)
    title = models.CharField(_("职务"), max_length=64, blank=True)
    rank = models.CharField(_("职级"), max_length=16, blank=True, help_text=_("例如：正科级、副处级"))
    unit = models.ForeignKey(
        Unit, verbose_name=_("所在单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="officials"
    )
    body = models.CharField(_("四大家"), max_length=16, choices=Body.choices, blank=True)

    class Meta:
        verbose_name = _("干部")
        verbose_name_plural = _("干部")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_leader(self) -> bool:
        return bool(self.body)


class User(AbstractUser):
    """A login. One role per account: it keeps the three admin roles disjoint by construction."""

    role = models.CharField(_("角色"), max_length=16, choices=Role.choices, blank=True)
    # Personal data: encrypted at rest (it cannot be looked up by value).
    email = EncryptedEmailField(_("电子邮箱"), blank=True)
    official = models.OneToOneField(
        Official, verbose_name=_("对应干部"), null=True, blank=True, on_delete=models.SET_NULL, related_name="user"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("所在单位"), null=True, blank=True, on_delete=models.SET_NULL, related_name="users"
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("管辖地区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        help_text=_("区级角色填所在区，镇街用户填所在镇街"),
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("所属企业"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contacts",
    )

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            # "Wang" and "wang" would be two accounts for one person and one login name.
            models.UniqueConstraint(Lower("username"), name="orgs_user_username_ci_unique"),
        ]

    def __str__(self) -> str:
        if self.official_id:
            return f"{self.official} ({self.username})"
        return self.username

    @property
    def display_name(self) -> str:
        return self.official.name if self.official_id and self.official else (self.get_full_name() or self.username)
