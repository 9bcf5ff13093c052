"""/api/notices/: the scoped list with the notices page's FilterSet, detail, and the unit's reply."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from zhaoluo.core.models import AuditEvent
from zhaoluo.supervision import services
from zhaoluo.supervision.models import Escalation, Notice

from .conftest import at

pytestmark = pytest.mark.django_db
DAY = dt.date(2021, 2, 24)


@pytest.fixture
def notices(world, make_problem):
    """Two 督办单 of 2021: a red one on 区发改局's problem, unanswered and past its reply deadline on DAY,
    and a blue one on 双沟镇's problem, answered on time."""
    red_problem = make_problem()
    blue_problem = make_problem(project=world.other_project)
    red = services.notice_issue(problem=red_problem, color="red", on=dt.date(2021, 2, 8), by=None)
    blue = services.notice_issue(problem=blue_problem, color="blue", on=dt.date(2021, 2, 22), by=None)
    Notice.objects.filter(pk=blue.pk).update(
        unit=world.township_unit, reply_text="已办结", replied_on=dt.date(2021, 2, 23), replied_by=world.unit
    )
    return red, blue


def _get(world, user, url):
    with time_machine.travel(at(DAY), tick=False):
        return world.client_for(user).get(url)


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.content[:300]
    return {row["id"] for row in response.json()["results"]}


def _reply(world, user, notice, body):
    with time_machine.travel(at(DAY), tick=False):
        return world.client_for(user).post(
            f"/api/notices/{notice.pk}/reply/", json.dumps(body), content_type="application/json"
        )


def test_the_office_lists_every_notice_and_an_outsider_lists_none_and_gets_404(world, notices):
    red, blue = notices
    assert _ids(_get(world, world.supervision, "/api/notices/")) == {red.pk, blue.pk}
    assert _ids(_get(world, world.outsider, "/api/notices/")) == set()
    assert _get(world, world.outsider, f"/api/notices/{red.pk}/").status_code == 404
    detail = _get(world, world.unit, f"/api/notices/{red.pk}/").json()
    assert detail["number_text"] == red.number_text and detail["color_label"] == "红色"
    assert detail["problem_code"] == red.problem.code and detail["replied_on"] is None


def test_a_user_without_a_role_lists_nothing_and_an_anonymous_caller_gets_401(world, notices):
    assert _ids(_get(world, world.nobody, "/api/notices/")) == set()
    assert Client().get("/api/notices/").status_code == 401


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("color=red", {"red"}),
        ("color=red&color=blue", {"red", "blue"}),
        ("replied=true", {"blue"}),
        ("replied=false", {"red"}),
        ("year=2021", {"red", "blue"}),
        ("year=2020", set()),
        ("reply_late=true", {"red"}),
        ("reply_late=false", {"blue"}),
    ],
)
def test_the_api_filters_notices_by_colour_reply_year_and_late_reply(world, notices, query, expected):
    red, blue = notices
    names = {red.pk: "red", blue.pk: "blue"}
    found = _ids(_get(world, world.supervision, f"/api/notices/?{query}"))
    assert {names[pk] for pk in found} == expected


def test_the_unit_filter_only_offers_units_in_the_callers_district(world, notices):
    red, blue = notices
    assert _ids(_get(world, world.supervision, f"/api/notices/?unit={world.township_unit.pk}")) == {blue.pk}
    assert _ids(_get(world, world.supervision, f"/api/notices/?unit={world.lead_unit.pk}")) == {red.pk}
    assert _get(world, world.outsider, f"/api/notices/?unit={world.lead_unit.pk}").status_code == 400


def test_the_notices_page_uses_the_same_filters_and_keeps_the_old_waiting_link(world, notices):
    red, blue = notices
    for query in ("replied=false", "waiting=1", "color=red", "reply_late=true"):
        page = _get(world, world.supervision, reverse("supervision:notices") + "?" + query).content.decode()
        assert red.number_text in page and blue.number_text not in page, query
    page = _get(world, world.supervision, reverse("supervision:notices")).content.decode()
    assert red.number_text in page and blue.number_text in page and 'id="notice-filters"' in page


def test_the_unit_replies_through_the_api_and_the_reply_is_audited(world, notices):
    red, _ = notices
    response = _reply(world, world.unit, red, {"reply_text": "已协调自然资源局，3月5日前办结", "version": red.version})
    assert response.status_code == 200, response.content[:300]
    assert response.json()["replied_on"] == DAY.isoformat()
    red.refresh_from_db()
    assert red.replied_on == DAY and red.replied_by == world.unit and red.reply_text.startswith("已协调")
    event = AuditEvent.objects.get(action="supervision.notice_replied", object_id=str(red.pk))
    assert event.actor_id == world.unit.pk and "超过回复时限" in event.note


def test_a_stale_second_reply_gets_409_and_keeps_the_first(world, notices):
    red, _ = notices
    loaded = red.version
    assert _reply(world, world.unit, red, {"reply_text": "第一次回复", "version": loaded}).status_code == 200
    stale = _reply(world, world.unit, red, {"reply_text": "第二次回复", "version": loaded})
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "conflict"
    red.refresh_from_db()
    assert red.reply_text == "第一次回复"
    assert AuditEvent.objects.filter(action="supervision.notice_replied", object_id=str(red.pk)).count() == 1


def test_who_sees_but_does_not_handle_the_problem_gets_403_and_an_outsider_404(world, notices):
    red, _ = notices
    body = {"reply_text": "越权回复", "version": red.version}
    assert _reply(world, world.investment, red, body).status_code == 403
    assert _reply(world, world.outsider, red, body).status_code == 404
    red.refresh_from_db()
    assert red.replied_on is None and red.reply_text == ""
    assert not AuditEvent.objects.filter(action="supervision.notice_replied").exists()


def test_an_empty_reply_is_refused_with_the_field_named(world, notices):
    red, _ = notices
    response = _reply(world, world.unit, red, {"reply_text": "  ", "version": red.version})
    assert response.status_code == 400
    assert "回复内容" in json.dumps(response.json(), ensure_ascii=False)
    red.refresh_from_db()
    assert red.replied_on is None


def test_a_problems_escalations_list_the_rule_step_with_its_notice_and_outsiders_get_404(world, make_problem):
    problem = make_problem()
    services.supervision_tick(DAY)
    escalation = Escalation.objects.filter(problem=problem).order_by("on", "id").last()
    url = f"/api/problems/{problem.pk}/escalations/"
    rows = _get(world, world.supervision, url).json()
    assert [row["id"] for row in rows] == list(
        Escalation.objects.filter(problem=problem).order_by("on", "id").values_list("id", flat=True)
    )
    last = rows[-1]
    assert last["kind"] == "rule" and last["to_level"] == escalation.to_level and last["rule_name"]
    assert last["notice"] == Notice.objects.get(escalation=escalation).pk
    assert _get(world, world.outsider, url).status_code == 404
