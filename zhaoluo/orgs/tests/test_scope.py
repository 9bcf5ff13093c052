"""Who sees which projects and enterprises: one test per persona."""

from __future__ import annotations

import pytest
from django.http import Http404

from zhaoluo.enterprises.selectors import enterprise_list
from zhaoluo.orgs import selectors as org_selectors
from zhaoluo.orgs.scope import ScopeKind, scope_for
from zhaoluo.projects.selectors import project_get, project_list
from zhaoluo.testing import factories as f

pytestmark = pytest.mark.django_db


def visible(user) -> set[str]:
    return set(project_list(user=user).values_list("name", flat=True))


BOTH = {"盼盼食品精深加工基地", "张湾物流园"}


@pytest.mark.parametrize("persona", ["investment", "supervision", "principal", "economy"])
def test_district_roles_see_every_project_of_their_district(world, persona):
    assert scope_for(getattr(world, persona)).kind is ScopeKind.DISTRICT
    assert visible(getattr(world, persona)) == BOTH


def test_a_township_user_sees_only_the_township_projects(world):
    assert visible(world.township_user) == {"盼盼食品精深加工基地"}


def test_a_unit_sees_what_it_leads_or_handles(world):
    assert visible(world.unit) == {"盼盼食品精深加工基地"}
    world.project.lead_unit = None
    world.project.save()
    # Still handled: one of the unit's officials sits in the 专班.
    assert visible(world.unit) == {"盼盼食品精深加工基地"}


def test_a_leader_sees_their_own_portfolio(world):
    assert visible(world.leader) == {"盼盼食品精深加工基地"}
    f.ProjectFactory.create(district=world.district, name="另一领导的项目", leader=f.LeaderFactory.create())
    assert visible(world.leader) == {"盼盼食品精深加工基地"}


def test_a_task_force_member_sees_the_projects_of_their_task_forces(world):
    assert visible(world.task_force) == {"盼盼食品精深加工基地"}


def test_an_enterprise_contact_sees_its_own_enterprise_and_no_internal_project_records(world):
    assert visible(world.enterprise_user) == set()
    assert list(enterprise_list(user=world.enterprise_user)) == [world.enterprise_user.enterprise]
    assert not org_selectors.officials(user=world.enterprise_user).exists()
    assert not org_selectors.units(user=world.enterprise_user).exists()


def test_pickers_offer_only_the_district_own_units_and_cadres(world):
    other_unit = f.UnitFactory.create(name="襄城区发改局", region=world.other_district)
    f.OfficialFactory.create(name="外区干部", unit=other_unit)
    assert other_unit not in org_selectors.units(user=world.investment)
    assert world.township_unit in org_selectors.units(user=world.investment)
    names = set(org_selectors.officials(user=world.investment).values_list("name", flat=True))
    assert "外区干部" not in names and {"王海", "李专"} <= names
    assert set(org_selectors.leaders(user=world.investment).values_list("name", flat=True)) == {"王海"}


@pytest.mark.parametrize("persona", ["outsider", "nobody", "sysadmin"])
def test_outsiders_and_admins_see_no_business_records(world, persona):
    user = getattr(world, persona)
    assert visible(user) == set()
    assert not enterprise_list(user=user).exists()
    # A 404 like a record that does not exist (ScopeDenied is an Http404 the audit log notices).
    with pytest.raises(Http404):
        project_get(user=user, pk=world.project.pk)


def test_an_inactive_account_sees_nothing(world):
    world.investment.is_active = False
    world.investment.save()
    world.investment.refresh_from_db()
    assert visible(world.investment) == set()
