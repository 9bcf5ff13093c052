"""The 包联干部 persona: `world` has none, so these tests add one (沈耀 of 区科经局) with a pairing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
import time_machine

from zhaoluo.enterprises.models import Enterprise
from zhaoluo.orgs.choices import Role
from zhaoluo.orgs.models import Official, Unit, User
from zhaoluo.service.models import Pairing
from zhaoluo.testing import factories as f

TODAY = dt.date(2021, 3, 31)


@dataclass
class Service:
    world: object
    bureau: Unit
    cadre_official: Official
    cadre: User
    other_cadre: User
    enterprise: Enterprise
    other_enterprise: Enterprise
    pairing: Pairing


@pytest.fixture
def today(settings):
    settings.ZHAOLUO_TODAY = TODAY.isoformat()
    with time_machine.travel(dt.datetime(2021, 3, 31, 10, 0), tick=False):
        yield TODAY


@pytest.fixture
def service(world, today) -> Service:
    bureau = Unit.objects.create(name="区科经局", region=world.district)
    shen = Official.objects.create(name="沈耀", title="总经济师", rank="副科级", unit=bureau)
    other = Official.objects.create(name="周平", title="科员", rank="科员", unit=bureau)
    world.economy.unit = bureau
    world.economy.save()
    cadre = f.UserFactory.create(username="shenyao", role=Role.CADRE, region=world.district, unit=bureau, official=shen)
    other_cadre = f.UserFactory.create(
        username="zhouping", role=Role.CADRE, region=world.district, unit=bureau, official=other
    )
    enterprise = world.enterprise_user.enterprise
    other_enterprise = f.EnterpriseFactory.create(
        district=world.district, township=world.other_township, name="襄阳金恒昌纺织有限公司"
    )
    pairing = Pairing.objects.create(
        district=world.district, cadre=shen, enterprise=enterprise, since=dt.date(2020, 3, 1)
    )
    return Service(world, bureau, shen, cadre, other_cadre, enterprise, other_enterprise, pairing)
