"""The API answers in its own JSON error shape (docs/api.md), whatever goes wrong — issue #11."""

from __future__ import annotations

from unittest import mock

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

SECRET = "SELECT secret FROM core_auditevent -- /work/zhaoluo/settings.py"


def _client(world, user=None) -> Client:
    client = world.client_for(user or world.investment)
    client.raise_request_exception = False
    return client


def _assert_error_shape(response, status: int, code: str) -> dict:
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    return body["error"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/nope/"),
        ("post", "/api/nope/"),
        ("get", "/api/projects/abc/"),
        ("delete", "/api/projects/1/transitions/9/"),
        ("get", "/api/"),
    ],
)
def test_an_api_path_no_route_matches_answers_404_in_the_error_shape(world, method, path):
    response = getattr(_client(world), method)(path)
    error = _assert_error_shape(response, 404, "not_found")
    assert "<html" not in response.content.decode().lower()
    assert "没有这个接口地址" in error["message"]


def test_an_anonymous_caller_of_an_unmatched_api_path_gets_json_too(db):
    response = Client(raise_request_exception=False).get("/api/no-such-thing/")
    _assert_error_shape(response, 404, "not_found")


def test_a_server_error_in_an_api_view_answers_500_json_with_the_request_id_and_no_leak(world):
    with mock.patch("zhaoluo.orgs.api.MeView.get", side_effect=RuntimeError(SECRET)):
        response = _client(world).get("/api/me/")
    error = _assert_error_shape(response, 500, "server_error")
    assert error["request_id"] == response["X-Request-ID"]
    body = response.content.decode()
    for leak in ("Traceback", "RuntimeError", "SELECT", "settings.py"):
        assert leak not in body, leak


def test_pages_outside_the_api_keep_their_chinese_html_error_pages(world):
    response = _client(world).get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert "页面不存在" in response.content.decode()
