"""Regions, units, officials and users: who the platform serves and what each may see."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from zhaoluo.core.crypto import EncryptedCharField, EncryptedEmailField
from zhaoluo.core.models import BaseModel

from .choices import Body, RegionLevel, Role, UnitKind

# A roster's 手机 is a mainland mobile number: the platform texts and phones cadres on it.
mobile_validator = RegexValidator(r"^1[3-9]\d{9}$", _("手机号码应为 11 位大陆手机号（1 开头，第二位 3–9）"))

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
    # The district `zhaoluo setup` moved in first: the ledger commands work on it by default.
    is_home = models.BooleanField(_("本平台区县"), default=False, editable=False)

    class Meta:
        verbose_name = _("地区")
        verbose_name_plural = _("地区")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["is_home"], condition=models.Q(is_home=True), name="orgs_region_one_home"),
        ]

    def __str__(self) -> str:
        return self.name

    def district(self) -> Region | None:
        node: Region | None = self
        while node is not None and node.level != RegionLevel.DISTRICT:
            node = node.parent
        return node


class Unit(BaseModel):
    """A department, township or park of the district government."""

    # Unique within a district (services.unit_create), not across the install: every district has
    # its own 区发改局.
    name = models.CharField(_("单位名称"), max_length=100, db_index=True)
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
        constraints = [
            models.UniqueConstraint(
                fields=["region", "name"],
                name="orgs_unit_region_name_unique",
                violation_error_message="该地区已有同名单位",
            ),
        ]

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
    # Personal data: encrypted at rest, masked in exports (core/pi.py).
    mobile = EncryptedCharField(_("手机"), max_length=20, blank=True, validators=[mobile_validator])
    # Leaders of the 四大家 often have no unit; the district still says whose they are, so a
    # second district on the same install neither lists nor assigns them.
    district = models.ForeignKey(
        Region,
        verbose_name=_("所属区县"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="officials",
    )

    class Meta:
        verbose_name = _("干部")
        verbose_name_plural = _("干部")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_leader(self) -> bool:
        return bool(self.body)

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A cadre's unit settles the district; only a unit-less leader needs it said.
        if self.unit_id is not None and self.district_id is None:
            self.district = self.unit.region.district() if self.unit is not None else None
        super().save(*args, **kwargs)


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
