"""The 三个清单 pages, the action forms on the detail page, and the API beside them."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from zhaoluo.core.models import AuditEvent
from zhaoluo.problems import services
from zhaoluo.problems.choices import Category, Origin, Status
from zhaoluo.problems.models import Problem

pytestmark = pytest.mark.django_db
# Wednesday 10 June 2020: this week ends Sun 14 June, this month on 30 June.
WEDNESDAY = dt.datetime(2020, 6, 10, 9, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture
def three(world):
    """One problem overdue, one due this week, one due later this month, all 区发改局's."""
    with time_machine.travel(dt.datetime(2020, 6, 1, 9, tzinfo=WEDNESDAY.tzinfo), tick=False):
        made = {}
        for name, due, category in (
            ("overdue", dt.date(2020, 6, 5), Category.LAND),
            ("week", dt.date(2020, 6, 12), Category.FINANCE),
            ("month", dt.date(2020, 6, 29), Category.LAND),
        ):
            problem = services.problem_raise(
                by=world.task_force,
                description=f"问题{name}",
                category=category,
                origin=Origin.PROJECT,
                project=world.project,
            )
            services.problem_assign(
                problem=problem,
                by=world.supervision,
                unit=world.lead_unit,
                owner=world.lead_member_official,
                due_on=due,
            )
            made[name] = problem
    return made


@time_machine.travel(WEDNESDAY, tick=False)
def test_the_deadline_list_puts_each_problem_in_its_band_with_working_days_overdue(world, three):
    page = world.client_for(world.supervision).get("/problems/deadlines/")
    assert page.status_code == 200
    bands = {b["kind"]: [r["p"].description for r in b["rows"]] for b in page.context["bands"]}
    assert bands == {"overdue": ["问题overdue"], "week": ["问题week"], "month": ["问题month"]}
    late = page.context["bands"][0]["rows"][0]["late"]
    assert late == 3  # due Fri 5 June: Mon 8, Tue 9, Wed 10
    assert "逾期 3 个工作日" in page.content.decode()


@time_machine.travel(WEDNESDAY, tick=False)
def test_the_problem_list_filters_by_category_and_shows_only_open_problems_by_default(world, three):
    client = world.client_for(world.supervision)
    services.problem_start(problem=three["week"], by=world.unit)
    services.problem_resolve(problem=three["week"], by=world.unit, handling_note="已办")
    shown = client.get("/problems/").context["page"].object_list
    assert sorted(p.description for p in shown) == ["问题month", "问题overdue"]
    land = client.get("/problems/", {"category": Category.LAND}).context["page"].object_list
    assert sorted(p.description for p in land) == ["问题month", "问题overdue"]
    resolved = client.get("/problems/", {"status": Status.RESOLVED}).context["page"].object_list
    assert [p.description for p in resolved] == ["问题week"]


@time_machine.travel(WEDNESDAY, tick=False)
def test_the_responsibility_list_counts_open_overdue_and_resolved_per_unit_and_owner(world, three):
    services.problem_start(problem=three["week"], by=world.unit)
    services.problem_resolve(problem=three["week"], by=world.unit, handling_note="已办")
    groups = world.client_for(world.principal).get("/problems/responsibility/").context["groups"]
    assert [(g["unit__name"], g["owner__name"], g["open"], g["overdue"], g["resolved"]) for g in groups] == [
        ("区发改局", "赵牵头", 2, 1, 1)
    ]


@time_machine.travel(WEDNESDAY, tick=False)
def test_the_unit_resolves_through_the_form_and_a_stale_form_gets_409_with_nothing_saved(world, three):
    problem = three["week"]
    services.problem_start(problem=problem, by=world.unit)
    problem.refresh_from_db()
    client = world.client_for(world.unit)
    empty = client.post(f"/problems/{problem.pk}/resolve/", {"version": problem.version, "handling_note": ""})
    assert empty.status_code == 422
    done = client.post(f"/problems/{problem.pk}/resolve/", {"version": problem.version, "handling_note": "已落实"})
    assert done.status_code == 302
    stale = client.post(f"/problems/{problem.pk}/resolve/", {"version": problem.version, "handling_note": "再办"})
    assert stale.status_code == 409
    problem.refresh_from_db()
    assert problem.status == Status.RESOLVED and problem.handling_note == "已落实"


@time_machine.travel(WEDNESDAY, tick=False)
def test_a_problem_is_raised_through_the_form_and_lands_pending_with_its_raiser(world):
    client = world.client_for(world.task_force)
    response = client.post(
        "/problems/new/",
        {
            "description": "施工用电未接入",
            "category": Category.UTILITIES,
            "origin": Origin.PROJECT,
            "project": world.project.pk,
        },
    )
    assert response.status_code == 302
    problem = Problem.objects.get()
    assert (problem.status, problem.raiser, problem.category) == (Status.PENDING, world.task_force, Category.UTILITIES)


@time_machine.travel(WEDNESDAY, tick=False)
def test_the_detail_page_offers_the_unit_only_its_own_moves(world, three):
    page = world.client_for(world.unit).get(f"/problems/{three['week'].pk}/").content.decode()
    assert "开始办理" in page and f"/problems/{three['week'].pk}/assign/" not in page
    page = world.client_for(world.supervision).get(f"/problems/{three['week'].pk}/").content.decode()
    assert f"/problems/{three['week'].pk}/assign/" in page and "开始办理" not in page


@time_machine.travel(WEDNESDAY, tick=False)
def test_the_api_lists_with_the_same_filters_and_moves_a_problem_with_its_version(world, three):
    client = world.client_for(world.unit)
    listed = client.get("/api/problems/", {"due": "overdue"}).json()
    assert [r["description"] for r in listed["results"]] == ["问题overdue"]
    assert listed["results"][0]["overdue_workdays"] == 3
    problem = three["overdue"]
    started = client.post(
        f"/api/problems/{problem.pk}/start/", {"version": problem.version}, content_type="application/json"
    )
    assert started.status_code == 200 and started.json()["status"] == Status.HANDLING
    refused = world.client_for(world.task_force).post(
        f"/api/problems/{problem.pk}/resolve/",
        {"version": started.json()["version"], "handling_note": "x"},
        content_type="application/json",
    )
    assert refused.status_code == 403
    assert AuditEvent.objects.filter(action="problem.started", object_id=str(problem.pk)).count() == 1


@time_machine.travel(WEDNESDAY, tick=False)
def test_the_export_holds_the_filtered_problems_in_the_ledger_columns(world, three):
    from io import BytesIO

    from openpyxl import load_workbook

    response = world.client_for(world.supervision).get("/problems/export.xlsx", {"due": "overdue"})
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).worksheets[0]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][:5] == ["问题编号", "来源", "项目编号", "企业信用代码", "问题描述"]
    assert [r[4] for r in rows[1:] if r[4]] == ["问题overdue"]


def test_the_whole_loop_runs_through_the_forms_and_the_late_resolution_shows_on_the_timeline(world):
    monday = dt.datetime(2020, 6, 1, 9, tzinfo=WEDNESDAY.tzinfo)
    raiser, supervision, unit = (world.client_for(u) for u in (world.task_force, world.supervision, world.unit))
    with time_machine.travel(monday, tick=False):
        raiser.post(
            "/problems/new/",
            {
                "description": "环评批复滞后",
                "category": Category.APPROVAL,
                "origin": Origin.PROJECT,
                "project": world.project.pk,
            },
        )
        problem = Problem.objects.get()
        assigned = supervision.post(
            f"/problems/{problem.pk}/assign/",
            {"unit": world.lead_unit.pk, "workdays": 3, "note": "尽快", "version": problem.version},
        )
        assert assigned.status_code == 302
        problem.refresh_from_db()
        assert problem.due_on == dt.date(2020, 6, 4)
        assert unit.post(f"/problems/{problem.pk}/start/", {"version": problem.version}).status_code == 302
    with time_machine.travel(WEDNESDAY, tick=False):
        problem.refresh_from_db()
        done = unit.post(f"/problems/{problem.pk}/resolve/", {"handling_note": "已批复", "version": problem.version})
        assert done.status_code == 302
        problem.refresh_from_db()
        # The unit may not close its own work; the raiser does.
        assert unit.post(f"/problems/{problem.pk}/close/", {"version": problem.version}).status_code == 403
        assert raiser.post(f"/problems/{problem.pk}/close/", {"version": problem.version}).status_code == 302
        problem.refresh_from_db()
        rated = raiser.post(f"/problems/{problem.pk}/rate/", {"satisfaction": "fairly", "version": problem.version})
        assert rated.status_code == 302
        page = raiser.get(f"/problems/{problem.pk}/").content.decode()
    problem.refresh_from_db()
    assert (problem.status, problem.satisfaction, problem.resolved_on) == (
        Status.CLOSED,
        "fairly",
        dt.date(2020, 6, 10),
    )
    for text in ("提出问题", "交办", "开始办理", "办结", "销号", "评价", "超期 4 个工作日"):
        assert text in page, text
