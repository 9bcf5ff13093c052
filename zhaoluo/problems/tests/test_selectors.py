"""Who sees which problems: the district, the units that handle them, the township, the portfolio, the enterprise."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.http import Http404

from zhaoluo.problems import selectors, services
from zhaoluo.problems.choices import Origin
from zhaoluo.testing import factories as f

pytestmark = pytest.mark.django_db
MONDAY = dt.datetime(2020, 6, 1, 9, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture
def problems(world):
    """One problem of each kind of link, all in the world's district (and one in the other district)."""
    with time_machine.travel(MONDAY, tick=False):
        water = f.UnitFactory.create(name="区水利局", region=world.district)
        on_project = services.problem_raise(
            by=world.investment, description="盼盼用地", origin=Origin.PROJECT, project=world.project
        )
        on_other_project = services.problem_raise(
            by=world.investment, description="张湾物流园用电", origin=Origin.PROJECT, project=world.other_project
        )
        for_enterprise = services.problem_raise(by=world.enterprise_user, description="盼盼融资")
        elsewhere = services.problem_raise(by=world.investment, description="会议交办道路", origin=Origin.MEETING)
        services.problem_assign(problem=elsewhere, by=world.supervision, unit=water, workdays=5)
        co_handled = services.problem_raise(by=world.investment, description="水利局牵头，发改局协办")
        services.problem_assign(
            problem=co_handled, by=world.supervision, unit=water, co_units=[world.lead_unit], workdays=5
        )
        township_own = services.problem_raise(by=world.investment, description="双沟镇承办")
        services.problem_assign(problem=township_own, by=world.supervision, unit=world.township_unit, workdays=5)
        other_district_user = f.UserFactory.create(
            username="xiangcheng", role="supervision", region=world.other_district
        )
        foreign = services.problem_raise(by=other_district_user, description="襄城区的问题")
    return {
        "on_project": on_project,
        "on_other_project": on_other_project,
        "for_enterprise": for_enterprise,
        "elsewhere": elsewhere,
        "co_handled": co_handled,
        "township_own": township_own,
        "foreign": foreign,
    }


def _seen(world, persona, problems):
    visible = set(selectors.problem_list(user=getattr(world, persona)).values_list("pk", flat=True))
    return sorted(name for name, p in problems.items() if p.pk in visible)


@pytest.mark.parametrize("persona", ["investment", "supervision", "principal", "economy"])
def test_district_wide_roles_see_every_problem_of_their_district_and_none_of_the_next(world, problems, persona):
    assert _seen(world, persona, problems) == sorted(set(problems) - {"foreign"})


def test_a_unit_sees_what_it_is_responsible_for_or_co_handles(world, problems):
    services.problem_assign(problem=problems["on_project"], by=world.supervision, unit=world.lead_unit, workdays=3)
    assert _seen(world, "unit", problems) == ["co_handled", "on_project"]


def test_a_township_sees_its_projects_its_enterprises_and_its_own_units_problems(world, problems):
    # The world's project and enterprise lie in 双沟镇; 张湾物流园 does not.
    assert _seen(world, "township_user", problems) == ["for_enterprise", "on_project", "township_own"]


@pytest.mark.parametrize("persona", ["leader", "task_force"])
def test_the_leader_and_the_task_force_see_the_problems_of_their_projects(world, problems, persona):
    assert _seen(world, persona, problems) == ["on_project"]


def test_an_enterprise_contact_sees_only_their_enterprises_problems(world, problems):
    assert _seen(world, "enterprise_user", problems) == ["for_enterprise"]


@pytest.mark.parametrize("persona", ["sysadmin", "secadmin", "auditadmin", "nobody"])
def test_the_admin_roles_and_accounts_without_a_role_see_no_problem_at_all(world, problems, persona):
    assert _seen(world, persona, problems) == []


def test_an_outsider_sees_their_own_districts_problems_only(world, problems):
    assert _seen(world, "outsider", problems) == ["foreign"]


def test_a_problem_outside_the_scope_is_404_like_one_that_does_not_exist(world, problems):
    with pytest.raises(Http404):
        selectors.problem_get(user=world.leader, pk=problems["elsewhere"].pk)
    with pytest.raises(Http404):
        selectors.problem_get(user=world.leader, pk=987654)
    assert selectors.problem_get(user=world.leader, pk=problems["on_project"].pk) == problems["on_project"]


def test_the_detail_page_is_404_outside_the_scope_and_shows_the_timeline_inside(world, problems):
    page = world.client_for(world.task_force).get(f"/problems/{problems['on_project'].pk}/")
    assert page.status_code == 200 and "提出问题" in page.content.decode()
    assert world.client_for(world.task_force).get(f"/problems/{problems['elsewhere'].pk}/").status_code == 404
