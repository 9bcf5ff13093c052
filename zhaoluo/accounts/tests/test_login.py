"""A1 identities, A4/G9 lockout and throttling, A5 sessions, E3 sessions gone after logout."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from zhaoluo.accounts import services
from zhaoluo.accounts.models import AccountSecurity, ApiToken, LoginFailure
from zhaoluo.accounts.token_services import api_token_issue
from zhaoluo.core.models import AuditEvent, Outcome
from zhaoluo.orgs.choices import Role
from zhaoluo.orgs.models import User
from zhaoluo.orgs.services import user_create
from zhaoluo.testing import factories as f
from zhaoluo.testing.fixtures import PASSWORD

pytestmark = pytest.mark.django_db
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
REFUSED = "用户名或密码错误，或账号已被临时锁定"


def login(client: Client, username: str, password: str, ip: str = "10.1.2.3"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def sessions_of(user: User) -> int:
    return sum(1 for s in Session.objects.all() if s.get_decoded().get(SESSION_KEY) == str(user.pk))


# --- A1 ----------------------------------------------------------------------------------


def test_usernames_differing_only_by_case_or_spaces_are_refused(world):
    for name in ("ZhaoShang", " zhaoshang ", "ZHAOSHANG"):
        with pytest.raises(ValidationError, match="已被使用"):
            user_create(by=None, username=name, password="Tq7#mV2pLx9w", role=Role.INVESTMENT, region=world.district)
    assert User.objects.filter(username__iexact="zhaoshang").count() == 1


def test_the_database_refuses_a_case_variant_even_past_the_service(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        f.UserFactory.create(username="ZHAOSHANG")


def test_an_account_cannot_be_created_without_a_password(world):
    with pytest.raises(ValidationError, match="密码不能为空"):
        user_create(
            by=None, username="nopw", password="", role=Role.INVESTMENT, region=world.district, check_password=False
        )
    assert not User.objects.filter(username="nopw").exists()


def test_no_active_account_has_an_empty_or_unusable_password(world):
    offenders = [u.username for u in User.objects.filter(is_active=True) if not u.has_usable_password()]
    assert offenders == []


def test_a_login_name_is_matched_whatever_its_case_and_surrounding_spaces(client, world):
    response = login(client, "  ZhaoShang ", PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("home")


# --- A4 / G9 -----------------------------------------------------------------------------


def test_five_wrong_passwords_lock_the_account_and_the_right_one_is_then_refused(client, world):
    with time_machine.travel(START, tick=False):
        for _ in range(5):
            response = login(client, "zhaoshang", "Wrong-passw0rd!")
            assert response.status_code == 200 and REFUSED in response.content.decode()
        security = AccountSecurity.objects.get(user=world.investment)
        assert security.failed_logins == 5
        assert security.locked_until == START + dt.timedelta(minutes=15)
        right = login(client, "zhaoshang", PASSWORD)
        assert right.status_code == 200 and REFUSED in right.content.decode()
        assert not right.wsgi_request.user.is_authenticated
    failures = AuditEvent.objects.filter(action="login.failed", parent_id=str(world.investment.pk))
    assert failures.count() == 6
    assert [e.after["reason"] for e in failures.order_by("id")] == ["bad_password"] * 5 + ["locked"]
    lock = AuditEvent.objects.get(action="account.locked", object_id=str(world.investment.pk))
    assert lock.ip == "10.1.2.3" and lock.source == "web"


def test_the_account_opens_again_after_the_cool_off(client, world):
    with time_machine.travel(START, tick=False) as traveller:
        for _ in range(5):
            login(client, "zhaoshang", "Wrong-passw0rd!")
        traveller.shift(dt.timedelta(minutes=14, seconds=59))
        assert login(client, "zhaoshang", PASSWORD).status_code == 200
        traveller.shift(dt.timedelta(seconds=2))
        response = login(client, "zhaoshang", PASSWORD)
        assert response.status_code == 302
    security = AccountSecurity.objects.get(user=world.investment)
    assert security.failed_logins == 0 and security.locked_until is None


def test_a_success_resets_the_failure_count(client, world):
    for _ in range(4):
        login(client, "zhaoshang", "Wrong-passw0rd!")
    assert login(Client(), "zhaoshang", PASSWORD).status_code == 302
    login(client, "zhaoshang", "Wrong-passw0rd!")
    assert AccountSecurity.objects.get(user=world.investment).locked_until is None


def test_lockout_figures_are_settings(client, world, settings):
    settings.ZHAOLUO_LOGIN_MAX_FAILURES = 2
    settings.ZHAOLUO_LOGIN_LOCKOUT_MINUTES = 30
    with time_machine.travel(START, tick=False):
        login(client, "zhaoshang", "x")
        login(client, "zhaoshang", "x")
    assert AccountSecurity.objects.get(user=world.investment).locked_until == START + dt.timedelta(minutes=30)


def test_unknown_user_wrong_password_and_locked_account_get_the_same_answer(world):
    def answer(username: str, password: str) -> tuple[int, str]:
        response = login(Client(), username, password)
        html = response.content.decode()
        start = html.index('<div class="alert alert-danger')
        return response.status_code, html[start : html.index("</div>", start)]

    unknown = answer("nosuchuser", "Wrong-passw0rd!")
    wrong = answer("zhuanban", "Wrong-passw0rd!")
    for _ in range(5):
        login(Client(), "ducha", "Wrong-passw0rd!")
    locked = answer("ducha", PASSWORD)
    assert unknown == wrong == locked
    assert unknown[0] == 200 and REFUSED in unknown[1]


def test_an_unknown_name_is_audited_with_line_breaks_neutralised(client, world):
    login(client, "evil\r\nINFO login ok admin", "whatever")
    failure = LoginFailure.objects.get()
    assert failure.user is None and "\r" not in failure.username and "\n" not in failure.username
    event = AuditEvent.objects.get(action="login.failed")
    assert event.after == {"username": failure.username, "reason": "unknown_user"}
    assert "\n" not in event.note and "\r" not in event.note


def test_one_address_is_throttled_after_twenty_failures_an_hour(world):
    with time_machine.travel(START, tick=False) as traveller:
        for i in range(20):
            assert login(Client(), f"guess{i}", "Wrong-passw0rd!", ip="203.0.113.9").status_code == 200
        throttled = login(Client(), "zhaoshang", PASSWORD, ip="203.0.113.9")
        assert throttled.status_code == 429 and "过多" in throttled.content.decode()
        # Another address is not affected, and the same one is free again an hour later.
        assert login(Client(), "zhaoshang", PASSWORD, ip="203.0.113.10").status_code == 302
        traveller.shift(dt.timedelta(hours=1, seconds=1))
        assert login(Client(), "zhaoshang", PASSWORD, ip="203.0.113.9").status_code == 302
    assert AuditEvent.objects.filter(action="login.failed", after__reason="ip_throttled").count() == 1


def test_the_address_is_read_from_x_real_ip_only_behind_a_trusted_proxy(world, settings):
    settings.ZHAOLUO_TRUSTED_PROXIES = frozenset({"10.0.0.1"})
    Client().post(
        reverse("login"), {"username": "a", "password": "b"}, REMOTE_ADDR="10.0.0.1", HTTP_X_REAL_IP="198.51.100.7"
    )
    Client().post(
        reverse("login"), {"username": "a", "password": "b"}, REMOTE_ADDR="10.9.9.9", HTTP_X_REAL_IP="198.51.100.8"
    )
    assert sorted(LoginFailure.objects.values_list("ip", flat=True)) == ["10.9.9.9", "198.51.100.7"]


def test_the_api_token_login_shares_the_lockout_and_the_uniform_answer(world):
    from django.core.cache import cache

    cache.clear()  # DRF's own per-address throttle counts across tests
    client = Client()
    url = reverse("api-token")
    for _ in range(5):
        response = client.post(url, {"username": "zhaoshang", "password": "Wrong-passw0rd!"})
        assert response.status_code == 400
    locked = client.post(url, {"username": "zhaoshang", "password": PASSWORD})
    unknown = client.post(url, {"username": "nosuchuser", "password": PASSWORD})
    assert locked.status_code == unknown.status_code == 400
    assert locked.json() == unknown.json()
    assert AuditEvent.objects.filter(action="account.locked", source="api").count() == 1


def test_the_api_token_login_works_for_a_plain_account(world):
    from django.core.cache import cache

    cache.clear()
    response = Client().post(reverse("api-token"), {"username": "zhaoshang", "password": PASSWORD})
    assert response.status_code == 200 and response.json()["token"]


# --- A5 / E3 -----------------------------------------------------------------------------


def test_an_idle_session_ends_after_thirty_minutes(world):
    with time_machine.travel(START, tick=False) as traveller:
        client = Client()
        assert login(client, "zhaoshang", PASSWORD).status_code == 302
        traveller.shift(dt.timedelta(minutes=29))
        assert client.get(reverse("home")).status_code == 200
        traveller.shift(dt.timedelta(minutes=30, seconds=1))
        response = client.get(reverse("home"))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_an_active_session_still_ends_after_twelve_hours(world):
    with time_machine.travel(START, tick=False) as traveller:
        client = Client()
        assert login(client, "zhaoshang", PASSWORD).status_code == 302
        for _ in range(24):  # busy all day: a request every 29 minutes keeps it from idling out
            traveller.shift(dt.timedelta(minutes=29))
            assert client.get(reverse("home")).status_code == 200
        traveller.shift(dt.timedelta(minutes=25))  # 12 h 1 min after login
        response = client.get(reverse("home"))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
        assert sessions_of(world.investment) == 0


def test_the_session_limits_are_settings_with_the_baseline_defaults():
    import importlib

    production = importlib.import_module("zhaoluo.settings")
    assert production.SESSION_COOKIE_AGE == 1800
    assert production.ZHAOLUO_SESSION_MAX_HOURS == 12
    assert production.PASSWORD_RESET_TIMEOUT <= 3600


def test_logout_deletes_every_session_of_the_account_and_a_replayed_cookie_gets_the_login_page(world):
    token, _ = api_token_issue(user=world.investment)
    first, second = Client(), Client()
    assert login(first, "zhaoshang", PASSWORD).status_code == 302
    assert login(second, "zhaoshang", PASSWORD).status_code == 302
    assert sessions_of(world.investment) == 2
    stolen = first.cookies["sessionid"].value
    assert first.post(reverse("logout")).status_code == 302
    assert sessions_of(world.investment) == 0
    replay = Client()
    replay.cookies["sessionid"] = stolen
    response = replay.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert second.get(reverse("home")).status_code == 302
    assert AuditEvent.objects.filter(action="logout", object_id=str(world.investment.pk)).exists()
    # Issue #11 point 5: the API tokens end with the web login behind them.
    assert not ApiToken.objects.filter(pk=token.pk).exists()


def test_logout_is_post_only(world):
    client = world.client_for(world.investment)
    assert client.get(reverse("logout")).status_code == 405
    assert client.get(reverse("home")).status_code == 200


def test_a_successful_login_is_audited(client, world):
    login(client, "zhaoshang", PASSWORD)
    event = AuditEvent.objects.get(action="login.succeeded")
    assert event.actor == world.investment and event.ip == "10.1.2.3"
    assert timezone.now() - event.at < dt.timedelta(minutes=1)


# --- Issue #11 point 6: failures are recorded as failures -------------------------------------


def test_failed_logins_failed_codes_and_locks_are_audited_as_failures_not_successes(world):
    for _ in range(5):
        login(Client(), "zhaoshang", "Wrong-passw0rd!")
    login(Client(), "nobody-here", "Wrong-passw0rd!")
    with transaction.atomic():
        assert services.otp_verify(user=world.sysadmin, token="000000") is None
    outcomes = dict(
        AuditEvent.objects.filter(action__in=["login.failed", "otp.failed", "account.locked"])
        .values_list("action", "outcome")
        .distinct()
    )
    assert outcomes == {
        "login.failed": Outcome.FAILURE,
        "otp.failed": Outcome.FAILURE,
        "account.locked": Outcome.DENIED,
    }
    assert AuditEvent.objects.filter(action="login.failed").count() == 6
    assert not AuditEvent.objects.filter(
        action__in=["login.failed", "otp.failed", "account.locked"], outcome=Outcome.SUCCESS
    ).exists()
