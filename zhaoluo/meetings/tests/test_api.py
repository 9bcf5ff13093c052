"""The read-only meetings API: the pages' scope, the list page's FilterSet, the detail's shape."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from zhaoluo.meetings import selectors, services
from zhaoluo.meetings.choices import Kind, Status
from zhaoluo.meetings.models import Decision, Meeting
from zhaoluo.problems.choices import Status as ProblemStatus

CST = dt.timezone(dt.timedelta(hours=8))
TODAY = dt.date(2021, 3, 31)
URL = "/api/meetings/"
pytestmark = pytest.mark.django_db


def _at(day: dt.date, hour: int = 10) -> Any:
    return time_machine.travel(dt.datetime.combine(day, dt.time(hour), tzinfo=CST), tick=False)


def titles(response: Any) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["title"] for row in response.json()["results"]}


@pytest.fixture
def scheduled(world, leaders):
    services.meetings_tick(TODAY)
    return Meeting.objects.get(kind=Kind.COORDINATION)


@pytest.fixture
def held(world, leaders):
    """A coordination meeting of 18 March with minutes, one absentee and one decision handed out."""
    with _at(dt.date(2021, 3, 18), 8):
        meeting = services.meeting_create(
            by=world.supervision,
            district=world.district,
            kind=Kind.COORDINATION,
            chair=world.leader_official,
            held_on=dt.date(2021, 3, 18),
            title="盼盼食品项目供地协调会",
            place="区政府三楼会议室",
        )
    with _at(dt.date(2021, 3, 18), 16):
        presence = [
            services.Presence(official=row.official, present=False, reason="市里开会")
            for row in meeting.attendance.select_related("official")
        ]
        meeting.refresh_from_db()
        services.minutes_record(
            meeting=meeting,
            by=world.supervision,
            minutes="研究盼盼项目供地。",
            attendance=presence,
            expected_version=meeting.version,
        )
        services.decision_record(
            meeting=meeting,
            by=world.supervision,
            text="区发改局3月底前完成项目核准",
            unit=world.lead_unit,
            project=world.project,
            workdays=5,
            category="approval",
        )
    meeting.refresh_from_db()
    return meeting


def test_each_persona_lists_through_the_api_exactly_the_meetings_the_pages_show(world, scheduled, held):
    personas = ["investment", "supervision", "leader", "unit", "task_force", "township_user", "principal"]
    personas += ["enterprise_user", "outsider", "sysadmin", "secadmin", "auditadmin", "nobody"]
    with _at(TODAY):
        for name in personas:
            user = getattr(world, name)
            seen = titles(world.client_for(user).get(URL))
            assert seen == set(selectors.meeting_list(user=user).values_list("title", flat=True)), name
        district = titles(world.client_for(world.supervision).get(URL))
        invited = titles(world.client_for(world.unit).get(URL))
        outsider = titles(world.client_for(world.outsider).get(URL))
        task_force = titles(world.client_for(world.task_force).get(URL))
    assert Meeting.objects.count() == len(district) >= 4
    assert "盼盼食品项目供地协调会" in invited and "王海主持协调会（2021年4月上半月）" in invited
    assert outsider == set() and task_force == set()


def test_a_meeting_outside_ones_scope_is_404_on_the_api_as_on_the_page(world, held):
    url = f"{URL}{held.pk}/"
    with _at(TODAY):
        assert world.client_for(world.outsider).get(url).status_code == 404
        assert world.client_for(world.township_user).get(url).status_code == 404
        assert world.client_for(world.enterprise_user).get(url).status_code == 404
        assert world.client_for(world.unit).get(url).status_code == 200
        assert world.client_for(world.supervision).get(f"{URL}999999/").status_code == 404


def test_the_api_is_read_only(world, held):
    client = world.client_for(world.supervision)
    with _at(TODAY):
        assert client.post(URL, {"title": "新会议"}, content_type="application/json").status_code == 405
        answer = client.patch(f"{URL}{held.pk}/", {"title": "改名"}, content_type="application/json")
        assert answer.status_code == 405
    held.refresh_from_db()
    assert held.title == "盼盼食品项目供地协调会" and Meeting.objects.filter(title="新会议").count() == 0


def test_the_detail_embeds_the_agenda_the_attendance_and_each_decision_with_its_problem(world, held):
    with _at(TODAY):
        body = world.client_for(world.unit).get(f"{URL}{held.pk}/").json()
    assert body["number"] == held.number and body["title"] == "盼盼食品项目供地协调会"
    assert body["status"] == Status.HELD and body["status_label"] == "已召开"
    assert body["kind_label"] == "协调会" and body["chair_name"] == world.leader_official.name
    assert body["minutes"] == "研究盼盼项目供地。" and body["place"] == "区政府三楼会议室"
    items = list(held.items.order_by("position", "pk"))
    assert [i["text"] for i in body["items"]] == [i.text for i in items] and items
    assert [i["position"] for i in body["items"]] == sorted(i["position"] for i in body["items"])
    assert {a["official_name"] for a in body["attendance"]} == {
        row.official.name for row in held.attendance.select_related("official")
    }
    assert all(a["present"] is False and a["absence_reason"] == "市里开会" for a in body["attendance"])
    decision = Decision.objects.select_related("problem").get(meeting=held)
    [row] = body["decisions"]
    assert row["text"] == "区发改局3月底前完成项目核准" and row["unit_name"] == world.lead_unit.name
    assert row["project_name"] == world.project.name
    assert row["problem_code"] == decision.problem.code and row["problem"] == decision.problem.pk
    assert row["problem_status"] == ProblemStatus.ASSIGNED and row["problem_status_label"] == "已交办"
    assert row["problem_due_on"] == decision.problem.due_on.isoformat() == row["due_on"]
    # Due the 24th, unresolved on the 31st: the same outcome the meeting page shows.
    assert row["outcome"] == "overdue" and row["outcome_label"] == "逾期未办结"


def test_the_decision_outcome_follows_its_problem_once_resolved(world, held):
    decision = Decision.objects.select_related("problem").get(meeting=held)
    decision.problem.resolved_on = dt.date(2021, 3, 23)
    decision.problem.status = ProblemStatus.RESOLVED
    decision.problem.save(update_fields=["resolved_on", "status"])
    with _at(TODAY):
        [row] = world.client_for(world.supervision).get(f"{URL}{held.pk}/").json()["decisions"]
    assert row["problem_status"] == ProblemStatus.RESOLVED and row["problem_resolved_on"] == "2021-03-23"
    assert row["outcome"] == "on_time"


def test_the_list_filters_by_kind_status_chair_dates_and_keyword(world, leaders, scheduled, held):
    client = world.client_for(world.supervision)
    with _at(TODAY):
        assert titles(client.get(URL, {"kind": "site"})) == set(
            Meeting.objects.filter(kind=Kind.SITE).values_list("title", flat=True)
        )
        assert "刘明锋主持现场会" in "".join(titles(client.get(URL, {"kind": "site"})))
        assert titles(client.get(URL, {"status": "held"})) == {"盼盼食品项目供地协调会"}
        by_chair = titles(client.get(URL, {"chair": leaders.mayor.pk}))
        assert by_chair and all(t.startswith("刘明锋") for t in by_chair)
        march = titles(client.get(URL, {"held_from": "2021-03-01", "held_to": "2021-03-31"}))
        assert march == {"盼盼食品项目供地协调会"}
        assert "盼盼食品项目供地协调会" not in titles(client.get(URL, {"held_from": "2021-04-01"}))
        assert titles(client.get(URL, {"q": "研究盼盼"})) == {"盼盼食品项目供地协调会"}
        by_agenda = titles(client.get(URL, {"q": "冷库用电"}))
        assert "王海主持协调会（2021年4月上半月）" in by_agenda
        assert titles(client.get(URL, {"q": "高铁站前广场"})) == set()
        bad = client.get(URL, {"kind": "banquet"})
    assert bad.status_code == 400


def test_the_list_and_the_detail_take_a_fixed_number_of_queries(world, held, django_assert_max_num_queries):
    for day in range(1, 13):
        with _at(dt.date(2021, 3, day), 8):
            services.meeting_create(
                by=world.supervision,
                district=world.district,
                kind=Kind.DISPATCH,
                chair=world.leader_official,
                held_on=dt.date(2021, 3, 20) + dt.timedelta(days=day),
            )
    client = world.client_for(world.supervision)
    with _at(TODAY):
        client.get(URL)  # session and user loaded once, as on any later request
        with django_assert_max_num_queries(5):
            response = client.get(URL)
        assert response.json()["count"] == Meeting.objects.count() >= 13
        with django_assert_max_num_queries(7):
            detail = client.get(f"{URL}{held.pk}/")
    assert detail.status_code == 200 and detail.json()["decisions"]


def test_the_list_page_filters_by_date_range_with_the_same_filterset(world, scheduled, held):
    with _at(TODAY):
        page = world.client_for(world.supervision).get(
            reverse("meetings:list"), {"held_from": "2021-03-01", "held_to": "2021-03-31"}
        )
    text = page.content.decode()
    assert "盼盼食品项目供地协调会" in text and "王海主持协调会" not in text
