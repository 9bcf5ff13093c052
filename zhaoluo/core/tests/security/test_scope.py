"""B2: each persona sees exactly the records of its scope, in lists, the Excel export and
the API; a record outside it answers 404 to every method, as one that does not exist."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from zhaoluo.projects.models import FundArrival, Project
from zhaoluo.testing import factories as f
from zhaoluo.testing import permission_matrix as pm

from .conftest import client_as, send, targets_for
from .test_matrix import NAMED

pytestmark = pytest.mark.django_db

P1, P2, PX = "盼盼食品精深加工基地", "张湾物流园", "襄城外区项目"
E1, E2, EX = "襄阳盼盼食品有限公司", "张湾物流有限公司", "襄城外区企业"

PROJECTS: dict[str, frozenset[str]] = {
    **dict.fromkeys(pm.DISTRICT_WIDE, frozenset({P1, P2})),
    **dict.fromkeys(["township_user", "unit", "leader", "task_force"], frozenset({P1})),
    **dict.fromkeys(["enterprise_user", "sysadmin", "secadmin", "auditadmin", "nobody"], frozenset()),
    "outsider": frozenset({PX}),
}
ENTERPRISES: dict[str, frozenset[str]] = {
    **dict.fromkeys(pm.DISTRICT_WIDE, frozenset({E1, E2})),
    **dict.fromkeys(["township_user", "unit", "leader", "task_force", "enterprise_user"], frozenset({E1})),
    **dict.fromkeys(["sysadmin", "secadmin", "auditadmin", "nobody"], frozenset()),
    "outsider": frozenset({EX}),
}
# Roles whose scope holds no directory of the district's cadres, units and townships.
NO_DIRECTORY = ["enterprise_user", "sysadmin", "secadmin", "auditadmin", "nobody"]


@pytest.fixture
def scoped_world(world):
    other_enterprise = f.EnterpriseFactory.create(district=world.district, township=world.other_township, name=E2)
    Project.objects.filter(pk=world.other_project.pk).update(enterprise=other_enterprise)
    outside_enterprise = f.EnterpriseFactory.create(district=world.other_district, name=EX)
    outside = f.ProjectFactory.create(district=world.other_district, name=PX, enterprise=outside_enterprise)
    for project in (world.project, world.other_project, outside):
        FundArrival.objects.create(project=project, period=dt.date(2020, 5, 1), amount=Decimal(100))
    return world


def test_the_personas_cover_the_whole_world():
    assert set(PROJECTS) == set(ENTERPRISES) == set(pm.PERSONAS)


@pytest.mark.parametrize("persona", pm.PERSONAS)
def test_each_persona_sees_exactly_its_scope_in_lists_the_export_and_the_api(scoped_world, persona):
    client = client_as(scoped_world, persona)
    wanted_projects, wanted_enterprises = PROJECTS[persona], ENTERPRISES[persona]

    page = client.get(reverse("projects:list"))
    assert {p.name for p in page.context["page"].object_list} == wanted_projects

    # The ledger engine's export (a file streamed from disk), for accounts with a district.
    export = client.get(reverse("projects:export"))
    if persona in pm.HAS_DISTRICT:
        content = b"".join(export.streaming_content)
        sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
        cells = {str(c) for row in sheet.iter_rows(min_row=2, values_only=True) for c in row if c}
        assert cells & {P1, P2, PX} == wanted_projects
    else:
        assert export.status_code == 403 and not wanted_projects

    api = client.get("/api/projects/").json()
    assert {r["name"] for r in api["results"]} == wanted_projects and api["count"] == len(wanted_projects)

    funds = client.get("/api/funds/").json()
    assert {r["project_name"] for r in funds["results"]} == wanted_projects

    page = client.get(reverse("enterprises:list"))
    assert {e.name for e in page.context["page"].object_list} == wanted_enterprises
    api = client.get("/api/enterprises/").json()
    assert {r["name"] for r in api["results"]} == wanted_enterprises

    if persona in NO_DIRECTORY:
        for url in ("/api/orgs/units/", "/api/orgs/townships/", "/api/orgs/officials/"):
            assert client.get(url).json() == [], url


def test_the_outsider_sees_nothing_of_this_district_in_any_list(scoped_world):
    client = client_as(scoped_world, "outsider")
    for url in ("/api/projects/", "/api/funds/", "/api/enterprises/", "/api/orgs/units/", "/api/orgs/townships/"):
        text = json.dumps(client.get(url).json(), ensure_ascii=False)
        for name in ("襄州", "双沟", "张湾", "盼盼", "区发改局"):
            assert name not in text, (url, name)


# ---------------------------------------------------------------- foreign ids


# The routes naming a project or an enterprise (the inbox, channels and accounts are not a township's).
OBJECT_ROUTES = [r for r in pm.ROUTES if r.kwargs in pm.SCOPED_KWARGS and r.name in NAMED]


@pytest.mark.parametrize("persona", ["township_user", "unit", "leader", "task_force"])
def test_a_record_of_another_township_answers_404_to_every_method_like_one_that_does_not_exist(world, persona):
    # world.other_project lies in 张湾街道, outside these personas' portfolio and township.
    foreign = targets_for(world.other_project, world.investment)
    client = client_as(world, persona)
    wrong = []
    for route in OBJECT_ROUTES:
        url = reverse(route.name, kwargs=route.kwargs(foreign))
        missing = reverse(
            route.name, kwargs={k: 987654 if k != "kind" else v for k, v in route.kwargs(foreign).items()}
        )
        for method in route.methods:
            response = send(client, method, url, api=route.api)
            absent = send(client, method, missing, api=route.api)
            if response.status_code != 404:
                wrong.append(f"{method} {url}: {response.status_code}")
            elif route.api and response.json() != absent.json():
                wrong.append(f"{method} {url}: a foreign record answers unlike a missing one")
    assert wrong == []


def test_a_milestone_of_a_foreign_project_is_404_even_under_a_visible_project_in_the_url(world, targets):
    foreign = targets_for(world.other_project, world.investment)
    client = client_as(world, "task_force")
    url = reverse("projects:milestone_edit", args=[targets.project.pk, foreign.milestone.pk])
    assert client.get(url).status_code == 404
    assert (
        client.post(url, {"name": "改名", "planned_on": "2020-07-01", "weight": "1", "version": 1}).status_code == 404
    )
    foreign.milestone.refresh_from_db()
    assert foreign.milestone.name == "完成供地"


def test_a_foreign_record_named_in_a_request_body_is_refused_and_nothing_is_written(world):
    outsider = client_as(world, "outsider")
    fund = outsider.post(
        "/api/funds/",
        {"project": world.project.pk, "period": "2020-05", "amount": "1"},
        content_type="application/json",
    )
    assert fund.status_code == 400 and "不在您的查看范围内" in fund.json()["error"]["fields"]["project"][0]
    assert not FundArrival.objects.exists()
    payload = {
        "name": "越区项目",
        "planned_investment": "1",
        "township": world.township.pk,
        "enterprise": world.project.enterprise_id,
        "lead_unit": world.lead_unit.pk,
    }
    created = outsider.post("/api/projects/", payload, content_type="application/json")
    assert created.status_code == 400
    assert set(created.json()["error"]["fields"]) == {"township", "enterprise", "lead_unit"}
    page = outsider.post(
        reverse("projects:create"),
        {"stage": "lead", "name": "越区项目", "planned_investment": "1", "kind": "new", "township": world.township.pk},
    )
    assert page.status_code == 422
    assert not Project.objects.filter(name="越区项目").exists()


# ---------------------------------------------------------------- problems (problems/selectors.py)

Q1, Q2, QE, QX = "盼盼项目用地问题", "张湾物流园用电问题", "盼盼企业融资问题", "襄城外区问题"
PROBLEMS: dict[str, frozenset[str]] = {
    **dict.fromkeys(pm.DISTRICT_WIDE, frozenset({Q1, Q2, QE})),
    # 双沟镇 holds the project and the enterprise; 区发改局 is responsible for Q1; 王海 and 李专 carry the project.
    "township_user": frozenset({Q1, QE}),
    **dict.fromkeys(["unit", "leader", "task_force"], frozenset({Q1})),
    "enterprise_user": frozenset({QE}),
    **dict.fromkeys(["sysadmin", "secadmin", "auditadmin", "nobody"], frozenset()),
    "outsider": frozenset({QX}),
}


@pytest.fixture
def problem_world(world):
    from zhaoluo.problems.choices import Origin
    from zhaoluo.problems.models import Problem

    on = dt.date(2020, 5, 6)
    common = {"district": world.district, "raised_on": on}
    Problem.objects.create(
        code="S1", description=Q1, origin=Origin.PROJECT, project=world.project, unit=world.lead_unit, **common
    )
    Problem.objects.create(code="S2", description=Q2, origin=Origin.PROJECT, project=world.other_project, **common)
    Problem.objects.create(
        code="SE", description=QE, origin=Origin.ENTERPRISE, enterprise=world.project.enterprise, **common
    )
    Problem.objects.create(code="SX", description=QX, district=world.other_district, raised_on=on)
    return world


def test_the_problem_personas_cover_the_whole_world():
    assert set(PROBLEMS) == set(pm.PERSONAS)


@pytest.mark.parametrize("persona", pm.PERSONAS)
def test_each_persona_sees_exactly_its_problems_in_the_three_lists_the_export_and_the_api(problem_world, persona):
    client = client_as(problem_world, persona)
    wanted = PROBLEMS[persona]
    page = client.get(reverse("problems:list"))
    assert {r["p"].description for r in page.context["rows"]} == wanted
    deadlines = client.get(reverse("problems:responsibility"))
    assert sum(g["total"] for g in deadlines.context["groups"]) == len(wanted)
    export = client.get(reverse("problems:export"))
    if persona in pm.HAS_DISTRICT:
        sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content)), read_only=True).worksheets[0]
        cells = {str(c) for row in sheet.iter_rows(min_row=2, values_only=True) for c in row if c}
        assert cells & {Q1, Q2, QE, QX} == wanted
    else:
        assert export.status_code == 403 and not wanted
    api = client.get("/api/problems/").json()
    assert {r["description"] for r in api["results"]} == wanted and api["count"] == len(wanted)
