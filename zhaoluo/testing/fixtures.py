"""Personas: one user per role in a small district, plus an outsider from the next district.

`world` builds it once per test; tests ask for `world.investment`, `world.project`, …
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhaoluo.orgs.choices import Body, RegionLevel, Role, UnitKind
from zhaoluo.orgs.models import Official, Region, Unit, User
from zhaoluo.projects.choices import Stage
from zhaoluo.projects.models import Project

from . import factories as f

PASSWORD = "Zl-test-passw0rd"


@dataclass
class World:
    province: Region
    city: Region
    district: Region
    other_district: Region
    township: Region
    other_township: Region
    investment_center: Unit
    lead_unit: Unit
    township_unit: Unit
    leader_official: Official
    member_official: Official
    lead_member_official: Official
    investment: User
    task_force: User
    leader: User
    unit: User
    township_user: User
    supervision: User
    principal: User
    economy: User
    enterprise_user: User
    sysadmin: User
    secadmin: User
    auditadmin: User
    outsider: User
    nobody: User
    project: Project
    other_project: Project

    def client_for(self, user: User) -> Client:
        """A logged-in client; for a role that needs 2FA, with the session already verified."""
        client = Client()
        client.force_login(user)
        if user.role in settings.ZHAOLUO_OTP_REQUIRED_ROLES:
            otp_verify_session(client, user)
        return client


def otp_verify_session(client: Client, user: User) -> TOTPDevice:
    """Mark a logged-in test client's session as having passed the second factor."""
    device, _ = TOTPDevice.objects.get_or_create(user=user, confirmed=True, defaults={"name": "测试设备"})
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


def _user(username: str, role: str, **kw: object) -> User:
    return f.UserFactory.create(username=username, role=role, **kw)


@pytest.fixture
def world(db: None) -> World:
    province = Region.objects.create(code="420000", name="湖北省", level=RegionLevel.PROVINCE)
    city = Region.objects.create(code="420600", name="襄阳市", level=RegionLevel.CITY, parent=province)
    district = Region.objects.create(code="420607", name="襄州区", level=RegionLevel.DISTRICT, parent=city)
    other = Region.objects.create(code="420602", name="襄城区", level=RegionLevel.DISTRICT, parent=city)
    township = Region.objects.create(code="420607103", name="双沟镇", level=RegionLevel.TOWNSHIP, parent=district)
    other_township = Region.objects.create(
        code="420607001", name="张湾街道", level=RegionLevel.TOWNSHIP, parent=district
    )
    center = Unit.objects.create(name="区招商服务中心", region=district)
    lead_unit = Unit.objects.create(name="区发改局", region=district)
    township_unit = Unit.objects.create(name="双沟镇人民政府", kind=UnitKind.TOWNSHIP, region=township)
    leader_official = Official.objects.create(
        name="王海", title="副区长", rank="副处级", body=Body.GOVERNMENT, district=district
    )
    member = Official.objects.create(name="李专", title="科员", rank="科员", unit=lead_unit)
    lead_member = Official.objects.create(name="赵牵头", title="副局长", rank="副科级", unit=lead_unit)
    enterprise = f.EnterpriseFactory.create(district=district, township=township, name="襄阳盼盼食品有限公司")
    project = f.ProjectFactory.create(
        district=district,
        name="盼盼食品精深加工基地",
        township=township,
        lead_unit=lead_unit,
        leader=leader_official,
        is_key=True,
        planned_investment=Decimal("200000"),
        enterprise=enterprise,
        investor="福建盼盼食品集团",
        stage=Stage.NEGOTIATING,
    )
    f.TaskForceMemberFactory.create(project=project, official=lead_member, is_lead=True)
    f.TaskForceMemberFactory.create(project=project, official=member)
    other_project = f.ProjectFactory.create(
        district=district,
        name="张湾物流园",
        township=other_township,
        planned_investment=Decimal("8000"),
    )
    return World(
        province=province,
        city=city,
        district=district,
        other_district=other,
        township=township,
        other_township=other_township,
        investment_center=center,
        lead_unit=lead_unit,
        township_unit=township_unit,
        leader_official=leader_official,
        member_official=member,
        lead_member_official=lead_member,
        investment=_user("zhaoshang", Role.INVESTMENT, region=district, unit=center),
        task_force=_user("zhuanban", Role.TASK_FORCE, region=district, official=member, unit=lead_unit),
        leader=_user("baobao", Role.LEADER, region=district, official=leader_official),
        unit=_user("qiantou", Role.UNIT, region=district, unit=lead_unit, official=lead_member),
        township_user=_user("shuanggou", Role.TOWNSHIP, region=township, unit=township_unit),
        supervision=_user("ducha", Role.SUPERVISION, region=district),
        principal=_user("quzhang", Role.PRINCIPAL, region=district),
        economy=_user("kejing", Role.ECONOMY, region=district),
        enterprise_user=_user("qiye", Role.ENTERPRISE, region=district, enterprise=enterprise),
        sysadmin=_user("xitong", Role.SYSADMIN, region=district, is_staff=True, is_superuser=True),
        secadmin=_user("anquan", Role.SECADMIN, region=district),
        auditadmin=_user("shenji", Role.AUDITADMIN, region=district),
        outsider=_user("waiqu", Role.INVESTMENT, region=other),
        nobody=_user("wujuese", "", region=district),
        project=project,
        other_project=other_project,
    )
