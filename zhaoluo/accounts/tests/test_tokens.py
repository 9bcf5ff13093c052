"""Issue #11 point 5, E3: API tokens end (time, logout, password change) and a user may hold several."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from zhaoluo.accounts import token_services
from zhaoluo.accounts.models import ApiToken
from zhaoluo.core.models import AuditEvent
from zhaoluo.testing.fixtures import PASSWORD

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Blue-Kettle-41-Rain"


def api(key: str) -> int:
    return Client().get("/api/projects/", HTTP_AUTHORIZATION=f"Token {key}").status_code


def obtain(**extra: object) -> dict:
    cache.clear()  # the login throttle counts per address
    response = Client().post(
        "/api/auth/token/", {"username": "zhaoshang", "password": PASSWORD, **extra}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    return response.json()


def test_a_user_holds_several_named_tokens_each_with_its_own_end(world, settings):
    settings.ZHAOLUO_API_TOKEN_MAX_DAYS = 30
    first = obtain(name="台账同步")
    second = obtain(name="报表脚本", days=7)
    assert first["token"] != second["token"] and api(first["token"]) == api(second["token"]) == 200
    tokens = {t.name: t for t in ApiToken.objects.filter(user=world.investment)}
    assert set(tokens) == {"台账同步", "报表脚本"}
    assert (tokens["报表脚本"].expires_at - tokens["报表脚本"].created_at) == dt.timedelta(days=7)
    # Only the digest is stored: the key itself is nowhere in the table.
    assert not ApiToken.objects.filter(digest=first["token"]).exists()
    assert tokens["台账同步"].digest == token_services.digest(first["token"])
    assert AuditEvent.objects.filter(action="api_token.created", actor=world.investment).count() == 2
    # A name is the user's to tell tokens apart: the same one twice is refused, in Chinese.
    cache.clear()
    again = Client().post(
        "/api/auth/token/",
        {"username": "zhaoshang", "password": PASSWORD, "name": "台账同步"},
        content_type="application/json",
    )
    assert again.status_code == 400 and "已有名为" in again.content.decode()
    cache.clear()
    too_long = Client().post(
        "/api/auth/token/",
        {"username": "zhaoshang", "password": PASSWORD, "days": 31},
        content_type="application/json",
    )
    assert too_long.status_code == 400 and "有效期" in too_long.content.decode()


def test_a_token_stops_working_when_its_time_is_up(world):
    token, key = token_services.api_token_issue(user=world.investment, name="脚本", days=3)
    assert api(key) == 200
    with time_machine.travel(token.expires_at + dt.timedelta(seconds=1), tick=False):
        response = Client().get("/api/projects/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 401 and "过期" in response.content.decode()


def test_logging_out_of_the_web_ends_every_api_token(world):
    _, key_a = token_services.api_token_issue(user=world.investment, name="a")
    _, key_b = token_services.api_token_issue(user=world.investment, name="b")
    _, other = token_services.api_token_issue(user=world.economy, name="a")
    client = world.client_for(world.investment)
    assert client.post(reverse("logout")).status_code == 302
    assert api(key_a) == api(key_b) == 401
    assert not ApiToken.objects.filter(user=world.investment).exists()
    assert api(other) == 200  # another user's tokens are theirs
    event = AuditEvent.objects.get(action="logout", object_id=str(world.investment.pk))
    assert "撤销接口令牌 2 个" in event.note


def test_changing_the_password_ends_every_api_token(world):
    _, key = token_services.api_token_issue(user=world.investment, name="a")
    client = world.client_for(world.investment)
    response = client.post(
        reverse("accounts:password-change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert api(key) == 401 and not ApiToken.objects.filter(user=world.investment).exists()


def test_tokens_are_made_and_revoked_on_the_security_page(world):
    client = world.client_for(world.investment)
    response = client.post(reverse("accounts:token-create"), {"name": "台账同步", "days": 10})
    assert response.status_code == 200
    key = response.context["key"]
    assert key in response.content.decode() and api(key) == 200
    token = ApiToken.objects.get(user=world.investment)
    assert token.expires_at - token.created_at == dt.timedelta(days=10)
    assert "台账同步" in client.get(reverse("accounts:security")).content.decode()
    refused = client.post(reverse("accounts:token-create"), {"name": "", "days": 400})
    assert refused.status_code == 422 and "有效期" in refused.content.decode()
    # Another user's token is not found, like one that does not exist.
    other = world.client_for(world.economy)
    assert other.post(reverse("accounts:token-revoke", args=[token.pk])).status_code == 404
    assert client.post(reverse("accounts:token-revoke", args=[token.pk])).status_code == 302
    assert api(key) == 401 and not ApiToken.objects.exists()
    assert AuditEvent.objects.filter(action="api_token.revoked", actor=world.investment).count() == 1


def test_a_token_of_a_disabled_account_is_refused(world):
    _, key = token_services.api_token_issue(user=world.investment, name="a")
    world.investment.is_active = False
    world.investment.save(update_fields=["is_active"])
    assert api(key) == 401
