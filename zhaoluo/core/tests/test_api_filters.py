"""Out-of-range and invalid query values are refused with a 400 naming the parameter — on the
API, the Excel export and (as a message) the list page — never a 500 or silently ignored (#11)."""

from __future__ import annotations

import pytest
from django.test import Client

from zhaoluo.core.models import AuditEvent

pytestmark = pytest.mark.django_db

HUGE = "9" * 25  # past 64 bits
YEAR_FILTERS = [
    ("/api/projects/", "signed_year"),
    ("/api/projects/", "started_year"),
    ("/api/projects/", "producing_year"),
    ("/api/projects/", "at_capacity_year"),
    ("/api/approvals/", "submitted_year"),
    ("/api/approvals/", "decided_year"),
    ("/api/problems/", "raised_year"),
    ("/api/problems/", "resolved_year"),
    ("/api/funds/", "year"),
    ("/api/notices/", "year"),
]


def _client(world, user=None) -> Client:
    client = world.client_for(user or world.investment)
    client.raise_request_exception = False
    return client


def _refused(response, parameter: str) -> list[str]:
    assert response.status_code == 400, response.content[:300]
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert list(error["fields"]) == [parameter]
    return error["fields"][parameter]


@pytest.mark.parametrize(("path", "parameter"), YEAR_FILTERS)
@pytest.mark.parametrize("value", ["0", "-1", "10000", HUGE, "2020.5"])
def test_a_year_filter_outside_the_years_a_date_can_have_answers_400_naming_it(world, path, parameter, value):
    messages = _refused(_client(world).get(path, {parameter: value}), parameter)
    assert "1 至 9999 之间的整数年份" in messages[0]


@pytest.mark.parametrize(("path", "parameter"), YEAR_FILTERS)
def test_a_year_filter_inside_the_range_still_filters(world, path, parameter):
    response = _client(world).get(path, {parameter: "2020"})
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("path", "parameter"), [("/api/approvals/", "project"), ("/api/approvals/", "item"), ("/api/funds/", "project")]
)
@pytest.mark.parametrize("value", [HUGE, str(2**63), "0", "x1"])
def test_an_id_beyond_64_bits_or_not_positive_answers_400_naming_it(world, path, parameter, value):
    messages = _refused(_client(world).get(path, {parameter: value}), parameter)
    assert "编号" in messages[0]


def test_the_largest_64_bit_id_is_a_valid_id_that_matches_nothing(world):
    response = _client(world).get("/api/funds/", {"project": str(2**63 - 1)})
    assert response.status_code == 200 and response.json()["count"] == 0


@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        ("/api/approvals/", "green_channel"),
        ("/api/approvals/", "late"),
        ("/api/projects/", "is_key"),
        ("/api/projects/", "no_cluster"),
        ("/api/problems/", "is_open"),
        ("/api/enterprises/", "high_tech"),
        ("/api/notifications/", "unread"),
        ("/api/notices/", "replied"),
    ],
)
@pytest.mark.parametrize("value", ["-1", "AAA"])
def test_a_yes_no_filter_with_another_value_is_refused_not_ignored(world, path, parameter, value):
    messages = _refused(_client(world).get(path, {parameter: value}), parameter)
    assert "应为 true 或 false" in messages[0]


def test_yes_no_filters_read_true_false_one_and_zero(world):
    client = _client(world)
    for value, expected in (("true", 1), ("1", 1), ("false", 1), ("0", 1), ("", 2)):
        response = client.get("/api/projects/", {"is_key": value})
        assert response.status_code == 200
        if value in ("true", "1"):
            assert [p["id"] for p in response.json()["results"]] == [world.project.pk]
        elif value in ("false", "0"):
            assert [p["id"] for p in response.json()["results"]] == [world.other_project.pk]
        else:
            assert response.json()["count"] == expected


@pytest.mark.parametrize("path", ["/api/enterprises/", "/api/ledgers/enterprises/export"])
@pytest.mark.parametrize("value", ["AAA", "", "true", "2"])
def test_unmask_with_a_value_other_than_one_or_zero_is_refused_and_unmasks_nothing(world, path, value):
    before = AuditEvent.objects.filter(action__endswith="unmasked").count()
    messages = _refused(_client(world).get(path, {"unmask": value}), "unmask")
    assert "unmask" in messages[0]
    assert AuditEvent.objects.filter(action__endswith="unmasked").count() == before


def test_the_api_export_refuses_a_bad_filter_instead_of_exporting_everything(world):
    response = _client(world).get("/api/ledgers/projects/export", {"signed_year": "0"})
    assert response.status_code == 400
    assert "signed_year" in response.json()["error"]["fields"]
    assert not AuditEvent.objects.filter(action="ledger.exported").exists()


def test_the_page_export_refuses_a_bad_filter_in_chinese(world):
    response = _client(world).get("/projects/export.xlsx", {"signed_year": "10000"})
    assert response.status_code == 400
    assert "签约年度" in response.content.decode()
    assert not AuditEvent.objects.filter(action="ledger.exported").exists()


@pytest.mark.parametrize(
    ("path", "query", "label"),
    [
        ("/projects/", {"signed_year": "0"}, "签约年度"),
        ("/approvals/", {"project": HUGE}, "项目 id"),
        ("/approvals/", {"item": HUGE}, "审批事项"),
        ("/approvals/", {"green_channel": "-1"}, "绿色通道"),
        ("/problems/", {"raised_year": "10000"}, "提出年度"),
    ],
)
def test_a_list_page_with_a_bad_filter_shows_the_chinese_error_instead_of_a_500(world, path, query, label):
    response = _client(world).get(path, query)
    assert response.status_code == 200
    assert f"筛选条件未生效：{label}：" in response.content.decode()
