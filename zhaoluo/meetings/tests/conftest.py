"""A district with its principal leaders, a red project with an overdue problem, for the meeting tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from zhaoluo.orgs.choices import Body, Role
from zhaoluo.orgs.models import Official, User
from zhaoluo.problems.choices import Origin, Status
from zhaoluo.problems.models import Problem
from zhaoluo.projects.choices import Light
from zhaoluo.projects.models import Project
from zhaoluo.supervision.services import supervision_tick
from zhaoluo.testing import factories as f


@dataclass
class Leaders:
    mayor: Official
    secretary: Official
    mayor_user: User
    overdue: Problem
    escalated: Problem
    green_project: Project


def make_problem(world, project, code, *, due_on, status=Status.ASSIGNED, raised_on=dt.date(2021, 3, 1), **kw):
    return Problem.objects.create(
        district=world.district,
        code=code,
        description=kw.pop("description", f"{project.name}用地指标未落实"),
        origin=Origin.PROJECT,
        project=project,
        unit=world.lead_unit,
        raised_on=raised_on,
        due_on=due_on,
        status=status,
        raiser=world.investment,
        **kw,
    )


@pytest.fixture
def leaders(world) -> Leaders:
    mayor = Official.objects.create(
        name="刘明锋", title="区委副书记、区长", rank="正处级", body=Body.GOVERNMENT, district=world.district
    )
    secretary = Official.objects.create(
        name="黄进", title="区委书记", rank="正处级", body=Body.PARTY, district=world.district
    )
    User.objects.filter(pk=world.principal.pk).update(official=mayor)
    world.principal.refresh_from_db()
    f.UserFactory.create(username="shuji", role=Role.PRINCIPAL, region=world.district, official=secretary)
    Project.objects.filter(pk=world.project.pk).update(
        light=Light.RED,
        light_reasons=[{"rule": "r1", "rule_name": "节点逾期", "level": "red", "message": "完成供地节点逾期 20 天"}],
    )
    world.project.refresh_from_db()
    green = f.ProjectFactory.create(
        district=world.district, name="双沟镇冷链仓储", leader=world.leader_official, lead_unit=world.lead_unit
    )
    # Due Friday 19 March 2021: by Wednesday the 31st it is 8 working days late.
    overdue = make_problem(world, world.project, "WT2021-0001", due_on=dt.date(2021, 3, 19))
    escalated = make_problem(world, green, "WT2021-0002", due_on=dt.date(2021, 3, 22), description="冷库用电增容未批复")
    # The ladder as of the 31st: both are overdue by more than a working day, so at level 2.
    supervision_tick(dt.date(2021, 3, 31))
    overdue.refresh_from_db()
    escalated.refresh_from_db()
    return Leaders(mayor, secretary, world.principal, overdue, escalated, green)
