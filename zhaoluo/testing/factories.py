"""factory_boy factories for tests (and nothing else: the demo uses the services)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from zhaoluo.chains.models import Cluster
from zhaoluo.enterprises.models import Enterprise
from zhaoluo.orgs.choices import Body, RegionLevel, UnitKind
from zhaoluo.orgs.models import Official, Region, Unit, User
from zhaoluo.projects.choices import Stage
from zhaoluo.projects.models import Milestone, Project, TaskForceMember


def uscc_with_check(body17: str) -> str:
    """Append the GB 32100-2015 check character to 17 characters."""
    from stdnum.cn import uscc

    return body17 + uscc.calc_check_digit(body17)


class RegionFactory(DjangoModelFactory[Region]):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{420700 + n:06d}")
    name = factory.Sequence(lambda n: f"测试区{n}")
    level = RegionLevel.DISTRICT


class UnitFactory(DjangoModelFactory[Unit]):
    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"测试单位{n}")
    kind = UnitKind.DEPARTMENT
    region = factory.SubFactory(RegionFactory)


class OfficialFactory(DjangoModelFactory[Official]):
    class Meta:
        model = Official

    name = factory.Sequence(lambda n: f"干部{n}")
    title = "科长"
    rank = "正科级"


class LeaderFactory(OfficialFactory):
    name = factory.Sequence(lambda n: f"领导{n}")
    title = "副区长"
    rank = "副处级"
    body = Body.GOVERNMENT


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "Zl-test-passw0rd")

    @factory.post_generation
    def _save(obj: User, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            obj.save()


class ClusterFactory(DjangoModelFactory[Cluster]):
    class Meta:
        model = Cluster
        django_get_or_create = ("name",)

    name = "纺织服装"


class EnterpriseFactory(DjangoModelFactory[Enterprise]):
    class Meta:
        model = Enterprise

    uscc = factory.Sequence(lambda n: uscc_with_check(f"91420607MA{n:07d}"))
    name = factory.Sequence(lambda n: f"襄阳测试企业{n}有限公司")


class ProjectFactory(DjangoModelFactory[Project]):
    class Meta:
        model = Project

    name = factory.Sequence(lambda n: f"测试项目{n}")
    planned_investment = Decimal("5000")
    stage = Stage.NEGOTIATING


class MilestoneFactory(DjangoModelFactory[Milestone]):
    class Meta:
        model = Milestone

    name = factory.Sequence(lambda n: f"节点{n}")
    planned_on = dt.date(2020, 6, 1)
    weight = Decimal("1")


class TaskForceMemberFactory(DjangoModelFactory[TaskForceMember]):
    class Meta:
        model = TaskForceMember

    official = factory.SubFactory(OfficialFactory)
    is_lead = False
