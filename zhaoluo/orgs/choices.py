from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("省")
    CITY = "city", _("市")
    DISTRICT = "district", _("县区")
    TOWNSHIP = "township", _("镇街")


class UnitKind(models.TextChoices):
    DEPARTMENT = "department", _("部门")
    TOWNSHIP = "township", _("镇街")
    PARK = "park", _("园区")
    OTHER = "other", _("其他")


class Body(models.TextChoices):
    """The 四大家: a leader belongs to one of the four leadership bodies."""

    PARTY = "party", _("区委")
    CONGRESS = "congress", _("区人大常委会")
    GOVERNMENT = "government", _("区政府")
    CPPCC = "cppcc", _("区政协")


class Role(models.TextChoices):
    INVESTMENT = "investment", _("招商人员")
    TASK_FORCE = "task_force", _("专班成员")
    LEADER = "leader", _("包保领导")
    UNIT = "unit", _("牵头/责任单位")
    TOWNSHIP = "township", _("镇街")
    SUPERVISION = "supervision", _("督查室")
    PRINCIPAL = "principal", _("区长/区委书记")
    CADRE = "cadre", _("包联干部")
    ECONOMY = "economy", _("科经局")
    ENTERPRISE = "enterprise", _("企业联系人")
    SYSADMIN = "sysadmin", _("系统管理员")
    SECADMIN = "secadmin", _("安全管理员")
    AUDITADMIN = "auditadmin", _("审计管理员")


# Roles that see every record of their district.
DISTRICT_WIDE_ROLES = frozenset({Role.INVESTMENT, Role.SUPERVISION, Role.PRINCIPAL, Role.ECONOMY})
ADMIN_ROLES = frozenset({Role.SYSADMIN, Role.SECADMIN, Role.AUDITADMIN})
