"""A3 password rotation and forced change, A6 TOTP second factor, E3 residual credentials."""

from __future__ import annotations

import datetime as dt
import time

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhaoluo.accounts import services
from zhaoluo.accounts.models import AccountSecurity, ApiToken
from zhaoluo.accounts.token_services import api_token_issue
from zhaoluo.core.models import AuditEvent
from zhaoluo.orgs.models import User
from zhaoluo.testing.fixtures import PASSWORD

pytestmark = pytest.mark.django_db
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
NEW_PASSWORD = "Blue-Kettle-41-Rain"
# Protected pages of every kind: the home page, lists, a detail page, the funnel, the API.
PROTECTED = [
    "/",
    "/projects/",
    "/enterprises/",
    "/stats/funnel/",
    "/account/security/",
]


def code_for(device: TOTPDevice, at: float | None = None) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = at if at is not None else time.time()
    return f"{totp.token():06d}"


def sessions_of(user: User) -> int:
    return sum(1 for s in Session.objects.all() if s.get_decoded().get(SESSION_KEY) == str(user.pk))


def password_set_days_ago(user: User, days: int) -> None:
    AccountSecurity.objects.update_or_create(
        user=user, defaults={"password_changed_at": START - dt.timedelta(days=days)}
    )


# --- A3 ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("days", "expired"), [(89, False), (91, True)])
def test_a_password_expires_after_ninety_days_on_every_protected_page(world, days, expired):
    password_set_days_ago(world.investment, days)
    with time_machine.travel(START, tick=False):
        client = world.client_for(world.investment)
        for url in [*PROTECTED, f"/projects/{world.project.pk}/"]:
            response = client.get(url)
            if expired:
                assert response.status_code == 302, url
                assert response["Location"].startswith(reverse("accounts:password-change")), url
            else:
                assert response.status_code == 200, url


def test_the_api_answers_403_json_naming_the_step(world):
    password_set_days_ago(world.investment, 91)
    with time_machine.travel(START, tick=False):
        response = world.client_for(world.investment).get("/api/projects/")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "password_expired"


def test_an_api_token_is_held_to_the_same_rule(world):
    _, key = api_token_issue(user=world.investment)
    password_set_days_ago(world.investment, 91)
    with time_machine.travel(START, tick=False):
        response = Client().get("/api/projects/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 403 and response.json()["error"]["code"] == "password_expired"


def test_the_rotation_period_is_a_setting(world, settings):
    settings.ZHAOLUO_PASSWORD_MAX_AGE_DAYS = 180
    password_set_days_ago(world.investment, 91)
    with time_machine.travel(START, tick=False):
        assert world.client_for(world.investment).get("/").status_code == 200


def test_changing_the_expired_password_lets_the_user_in_and_ends_other_sessions(world):
    api_token_issue(user=world.investment)
    password_set_days_ago(world.investment, 91)
    with time_machine.travel(START, tick=False):
        other = world.client_for(world.investment)
        client = world.client_for(world.investment)
        assert sessions_of(world.investment) == 2
        response = client.post(
            reverse("accounts:password-change") + "?next=/projects/",
            {
                "old_password": PASSWORD,
                "new_password1": NEW_PASSWORD,
                "new_password2": NEW_PASSWORD,
                "next": "/projects/",
            },
        )
        assert response.status_code == 302 and response["Location"] == "/projects/"
        assert client.get("/projects/").status_code == 200
        assert other.get("/projects/").status_code == 302
        assert sessions_of(world.investment) == 1
        assert not ApiToken.objects.filter(user=world.investment).exists()
    security = AccountSecurity.objects.get(user=world.investment)
    assert security.password_changed_at == START and not security.must_change_password
    world.investment.refresh_from_db()
    assert world.investment.check_password(NEW_PASSWORD)
    assert AuditEvent.objects.filter(action="password.changed", actor=world.investment).count() == 1


def test_a_new_password_must_follow_the_policy_and_differ_from_the_old(world):
    client = world.client_for(world.investment)
    url = reverse("accounts:password-change")
    local = "Xiangzhou123!"
    weak = client.post(url, {"old_password": PASSWORD, "new_password1": local, "new_password2": local})
    assert weak.status_code == 422 and "地名" in weak.content.decode()
    same = client.post(url, {"old_password": PASSWORD, "new_password1": PASSWORD, "new_password2": PASSWORD})
    assert same.status_code == 422 and "不能与当前密码相同" in same.content.decode()
    wrong_old = client.post(url, {"old_password": "nope", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert wrong_old.status_code == 422 and "当前密码不正确" in wrong_old.content.decode()
    world.investment.refresh_from_db()
    assert world.investment.check_password(PASSWORD)


def test_a_password_reset_by_the_security_admin_must_be_changed_at_first_login(world):
    temporary = services.account_reset_password(by=world.secadmin, user=world.investment)
    client = Client()
    response = client.post(reverse("login"), {"username": "zhaoshang", "password": temporary})
    assert response.status_code == 302
    response = client.get("/projects/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:password-change"))
    page = client.get(response["Location"])
    assert "管理员设置的密码须先修改" in page.content.decode()
    client.post(
        reverse("accounts:password-change"),
        {"old_password": temporary, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert client.get("/projects/").status_code == 200


# --- A6 ----------------------------------------------------------------------------------


def test_an_admin_role_must_enrol_totp_before_anything_else_and_then_verify_at_each_login(world):
    client = Client()
    client.force_login(world.auditadmin)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:otp-enrol"))
    page = client.get(reverse("accounts:otp-enrol"))
    assert page.status_code == 200 and "<script" not in page.content.decode().split("<main")[1].split("</main>")[0]
    qr = client.get(reverse("accounts:otp-qr"))
    assert qr.status_code == 200 and qr["Content-Type"] == "image/svg+xml" and b"<svg" in qr.content
    assert "no-store" in qr["Cache-Control"]
    # The pending secret is in the session: showing the page and its QR code wrote no device.
    assert not TOTPDevice.objects.filter(user=world.auditadmin).exists()
    device = TOTPDevice(key=client.session["otp_pending_key"], step=30)
    assert client.get(reverse("accounts:otp-qr")).status_code == 200
    assert client.session["otp_pending_key"] == device.key  # reloading keeps the same QR code
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        wrong = "000000" if code_for(device) != "000000" else "111111"
        assert client.post(reverse("accounts:otp-enrol"), {"token": wrong}).status_code == 422
        # django-otp slows a device down after a wrong code (1 s, then doubling).
        traveller.shift(dt.timedelta(seconds=2))
        assert client.post(reverse("accounts:otp-enrol"), {"token": code_for(device)}).status_code == 302
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(action="otp.enrolled", actor=world.auditadmin).count() == 1
    # The enrolled secret is never shown again.
    assert client.get(reverse("accounts:otp-qr")).status_code == 403

    # Next login: the password alone is not enough.
    later = Client()
    later.force_login(world.auditadmin)
    response = later.get("/account/security/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:otp-verify"))
    device = TOTPDevice.objects.get(user=world.auditadmin, confirmed=True)
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=60), tick=False):
        ok = later.post(reverse("accounts:otp-verify"), {"token": code_for(device), "next": "/account/security/"})
        assert ok.status_code == 302 and ok["Location"] == "/account/security/"
        assert later.get("/account/security/").status_code == 200


def test_a_used_code_is_not_accepted_twice(world):
    device = TOTPDevice.objects.create(user=world.secadmin, name="phone", confirmed=True)
    with time_machine.travel(START, tick=False):
        code = code_for(device)
        first, second = Client(), Client()
        first.force_login(world.secadmin)
        second.force_login(world.secadmin)
        assert first.post(reverse("accounts:otp-verify"), {"token": code}).status_code == 302
        replay = second.post(reverse("accounts:otp-verify"), {"token": code})
        assert replay.status_code == 422 and "已使用过" in replay.content.decode()
        assert second.get("/").status_code == 302
    assert AuditEvent.objects.filter(action="otp.failed", actor=world.secadmin).count() == 1


@pytest.mark.parametrize("path", ["/admin/", "/admin/projects/lightrule/", "/admin/core/calendarday/add/"])
def test_the_django_admin_is_unreachable_with_a_password_only_session(world, path):
    client = Client()
    client.force_login(world.sysadmin)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith((reverse("accounts:otp-enrol"), reverse("admin:login")))
    # Even when the role is not forced to enrol by setting, the admin wants a verified session.
    from django.test import override_settings

    with override_settings(ZHAOLUO_OTP_REQUIRED_ROLES=frozenset()):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))


def test_the_otp_required_roles_are_a_setting(world, settings):
    settings.ZHAOLUO_OTP_REQUIRED_ROLES = frozenset({"investment"})
    client = Client()
    client.force_login(world.investment)
    assert client.get("/").status_code == 302
    client.force_login(world.auditadmin)
    assert client.get("/").status_code == 200


def test_anyone_may_enrol_and_is_then_asked_for_a_code(world):
    client = world.client_for(world.investment)
    client.get(reverse("accounts:otp-enrol"))
    device = TOTPDevice(key=client.session["otp_pending_key"], step=30)
    client.post(reverse("accounts:otp-enrol"), {"token": code_for(device)})
    assert TOTPDevice.objects.get(user=world.investment).confirmed
    assert client.get("/").status_code == 200
    fresh = world.client_for(world.investment)
    assert fresh.get("/").status_code == 302


def test_an_api_token_for_an_account_with_2fa_needs_the_code(world):
    from django.core.cache import cache

    cache.clear()
    device = TOTPDevice.objects.create(user=world.investment, name="phone", confirmed=True)
    url = reverse("api-token")
    without = Client().post(url, {"username": "zhaoshang", "password": PASSWORD})
    assert without.status_code == 403 and without.json()["error"]["code"] == "otp_required"
    with_code = Client().post(url, {"username": "zhaoshang", "password": PASSWORD, "otp": code_for(device)})
    assert with_code.status_code == 200 and with_code.json()["token"]


# --- E3 ----------------------------------------------------------------------------------


def test_a_removed_devices_codes_are_rejected_and_its_sessions_lose_verification(world):
    client = world.client_for(world.secadmin)
    device = TOTPDevice.objects.get(user=world.secadmin)
    assert client.get("/").status_code == 200
    device_id = device.pk
    other = world.client_for(world.secadmin)
    other.post(reverse("accounts:otp-remove", args=[device_id]))
    assert not TOTPDevice.objects.filter(pk=device_id).exists()
    assert AuditEvent.objects.filter(action="otp.removed", actor=world.secadmin).count() == 1
    # The first session was ended; the remover's own is sent to enrol again.
    assert client.get("/").status_code == 302
    assert other.get("/")["Location"].startswith(reverse("accounts:otp-enrol"))
    # The removed device's codes no longer open a session.
    late = Client()
    late.force_login(world.secadmin)
    late.post(reverse("accounts:otp-verify"), {"token": code_for(device)})
    assert late.get("/")["Location"].startswith(reverse("accounts:otp-enrol"))
    assert not AuditEvent.objects.filter(action="otp.verified", actor=world.secadmin).exists()


def test_self_service_reset_links_are_not_offered(client, world):
    assert client.get("/password_reset/").status_code == 404
    assert client.get("/account/password/reset/").status_code == 404


def test_every_admin_page_wants_a_verified_session(world):
    from zhaoluo.core.adminsite import site

    urls = [reverse("admin:index")]
    for model in site._registry:
        opts = model._meta
        urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    password_only = Client()
    password_only.force_login(world.sysadmin)
    verified = world.client_for(world.sysadmin)
    for url in urls:
        assert password_only.get(url).status_code == 302, url
        assert verified.get(url).status_code == 200, url
