"""B4 三员分立 and the 安全管理员's account pages, B6 admin networks, A8 default and dormant accounts."""

from __future__ import annotations

import datetime as dt
from itertools import combinations

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhaoluo.accounts import server_services, services
from zhaoluo.accounts.middleware import ADMIN_NAMESPACES, ADMIN_VIEW_NAMES
from zhaoluo.accounts.models import AccountSecurity, ApiToken
from zhaoluo.accounts.permissions import CAPABILITIES, capabilities_of
from zhaoluo.accounts.token_services import api_token_issue
from zhaoluo.core.errors import PermissionDeniedError
from zhaoluo.core.models import AuditEvent
from zhaoluo.core.scheduled import run_tick
from zhaoluo.demo.org_data import LOGINS
from zhaoluo.orgs.choices import ADMIN_ROLES, Role
from zhaoluo.orgs.models import User
from zhaoluo.orgs.services import DEFAULT_ACCOUNT_NAMES, user_create
from zhaoluo.testing import factories as f
from zhaoluo.testing import permission_matrix as pm
from zhaoluo.testing.fixtures import PASSWORD, otp_verify_session

pytestmark = pytest.mark.django_db
MANAGE = "/security/accounts/"


def sessions_of(user: User) -> int:
    return sum(1 for s in Session.objects.all() if s.get_decoded().get(SESSION_KEY) == str(user.pk))


# --- B4: the three roles ------------------------------------------------------------------


def test_the_three_admin_roles_have_pairwise_disjoint_capabilities():
    sets = {role: CAPABILITIES[role] for role in ADMIN_ROLES}
    assert all(sets.values())
    for a, b in combinations(sets, 2):
        assert not (sets[a] & sets[b]), (a, b)


def test_business_roles_hold_no_admin_capability(world):
    for persona in ("investment", "principal", "supervision", "economy", "leader", "unit", "nobody", "outsider"):
        assert capabilities_of(getattr(world, persona)) == frozenset(), persona


def test_no_account_is_a_django_superuser_or_staff(world):
    admin = user_create(by=None, username="sys3", password="Tq7#mV2pLx9w", role=Role.SYSADMIN, region=world.district)
    assert not admin.is_superuser and not admin.is_staff


@pytest.mark.parametrize("persona", ["sysadmin", "auditadmin", "investment", "principal", "nobody"])
def test_only_the_security_admin_manages_accounts(world, persona):
    client = world.client_for(getattr(world, persona))
    target = world.economy
    assert client.get(MANAGE).status_code == 403
    assert client.post(reverse("secadmin:reset", args=[target.pk])).status_code == 403
    assert client.post(reverse("secadmin:role", args=[target.pk]), {"role": Role.SYSADMIN}).status_code == 403
    assert client.post(reverse("secadmin:active", args=[target.pk]), {"active": "0"}).status_code == 403
    target.refresh_from_db()
    assert target.is_active and target.role == Role.ECONOMY and target.check_password(PASSWORD)


@pytest.mark.parametrize("persona", ["secadmin", "auditadmin"])
def test_the_other_admins_do_not_get_into_the_django_admin(world, persona):
    response = world.client_for(getattr(world, persona)).get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))


def test_the_security_admin_lists_the_districts_accounts_only(world):
    html = world.client_for(world.secadmin).get(MANAGE).content.decode()
    assert "zhaoshang" in html and "shuanggou" in html
    assert "waiqu" not in html  # the next district's


def test_the_security_admin_creates_an_account_with_a_temporary_password(world):
    client = world.client_for(world.secadmin)
    response = client.post(
        reverse("secadmin:create"),
        {
            "username": "newstaff",
            "role": Role.INVESTMENT,
            "region": world.district.pk,
            "unit": world.investment_center.pk,
        },
    )
    assert response.status_code == 200
    user = User.objects.get(username="newstaff")
    password = response.context["password"]
    assert user.check_password(password) and password in response.content.decode()
    assert AccountSecurity.objects.get(user=user).must_change_password
    event = AuditEvent.objects.get(action="user.created", object_id=str(user.pk))
    assert event.actor == world.secadmin and password not in str(event.after)


def test_a_reset_forces_a_change_and_ends_the_users_sessions_and_api_token(world):
    victim = world.client_for(world.economy)
    _, key = api_token_issue(user=world.economy)
    assert sessions_of(world.economy) == 1
    response = world.client_for(world.secadmin).post(reverse("secadmin:reset", args=[world.economy.pk]))
    assert response.status_code == 200
    world.economy.refresh_from_db()
    assert world.economy.check_password(response.context["password"])
    assert sessions_of(world.economy) == 0
    assert victim.get("/").status_code == 302
    assert not ApiToken.objects.filter(user=world.economy).exists()
    assert Client().get("/api/projects/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401
    assert AccountSecurity.objects.get(user=world.economy).must_change_password
    assert AuditEvent.objects.filter(action="account.password_reset", actor=world.secadmin).count() == 1


def test_disabling_ends_sessions_and_enabling_lets_the_user_back(world):
    victim = world.client_for(world.economy)
    manager = world.client_for(world.secadmin)
    manager.post(reverse("secadmin:active", args=[world.economy.pk]), {"active": "0"})
    world.economy.refresh_from_db()
    assert not world.economy.is_active and sessions_of(world.economy) == 0
    assert victim.get("/").status_code == 302
    assert Client().post(reverse("login"), {"username": "kejing", "password": PASSWORD}).status_code == 200
    manager.post(reverse("secadmin:active", args=[world.economy.pk]), {"active": "1"})
    assert Client().post(reverse("login"), {"username": "kejing", "password": PASSWORD}).status_code == 302
    actions = list(AuditEvent.objects.filter(object_id=str(world.economy.pk)).values_list("action", flat=True))
    assert "account.disabled" in actions and "account.enabled" in actions


def test_the_security_admin_unlocks_a_locked_account(world):
    for _ in range(5):
        Client().post(reverse("login"), {"username": "kejing", "password": "Wrong-passw0rd!"})
    assert Client().post(reverse("login"), {"username": "kejing", "password": PASSWORD}).status_code == 200
    world.client_for(world.secadmin).post(reverse("secadmin:unlock", args=[world.economy.pk]))
    assert Client().post(reverse("login"), {"username": "kejing", "password": PASSWORD}).status_code == 302
    assert AuditEvent.objects.filter(action="account.unlocked", actor=world.secadmin).count() == 1


def test_a_role_change_applies_at_once_and_is_audited(world):
    victim = world.client_for(world.economy)
    world.client_for(world.secadmin).post(reverse("secadmin:role", args=[world.economy.pk]), {"role": Role.SUPERVISION})
    world.economy.refresh_from_db()
    assert world.economy.role == Role.SUPERVISION
    assert victim.get("/").status_code == 302  # logged out: the new role starts with a new login
    event = AuditEvent.objects.get(action="account.role_changed")
    assert event.before == {"role": "economy"} and event.after == {"role": "supervision"}


def test_an_admin_role_goes_only_to_a_named_person_who_has_no_other_account(world):
    # Without a person behind it, an admin account could be a second hat for anyone.
    with pytest.raises(ValidationError, match="须对应具体干部"):
        server_services.admin_role_change(user=world.economy, role=Role.AUDITADMIN)
    # 李专 already logs in as zhuanban: a second account for him, with an admin role, is refused.
    second = f.UserFactory.create(username="lizhuan-audit", role="", region=world.district)
    second.official = world.member_official
    with pytest.raises(ValidationError, match="已有账号 zhuanban"):
        server_services.admin_role_change(user=second, role=Role.AUDITADMIN)
    world.economy.refresh_from_db()
    second.refresh_from_db()
    assert world.economy.role == Role.ECONOMY and second.role == ""


def test_a_named_person_can_be_given_an_admin_role_on_the_server(world):
    person = f.OfficialFactory.create(name="周审计", unit=world.lead_unit)
    user, _ = services.account_create(
        by=world.secadmin, username="zhoushenji", role=Role.ECONOMY, region=world.district, official=person
    )
    call_command("adminaccount", "role", "zhoushenji", Role.AUDITADMIN)
    user.refresh_from_db()
    assert user.role == Role.AUDITADMIN and user.official == person
    event = AuditEvent.objects.get(action="account.role_changed", object_id=str(user.pk))
    assert event.actor is None and event.source == "cli" and event.after == {"role": "auditadmin"}


# --- Point 1 of issue #11: no single administrator handles a 三员 account on the web ----------


def test_the_security_admin_cannot_create_an_admin_account_on_the_web(world):
    person = f.OfficialFactory.create(name="周审计", unit=world.lead_unit)
    response = world.client_for(world.secadmin).post(
        reverse("secadmin:create"),
        {"username": "zhoushenji", "role": Role.AUDITADMIN, "region": world.district.pk, "official": person.pk},
    )
    assert response.status_code == 422
    assert not User.objects.filter(username="zhoushenji").exists()
    with pytest.raises(ValidationError, match="服务器上"):
        services.account_create(
            by=world.secadmin, username="zhoushenji", role=Role.AUDITADMIN, region=world.district, official=person
        )
    assert not User.objects.filter(username="zhoushenji").exists()
    assert not AuditEvent.objects.filter(action="user.created").exists()


def test_the_security_admin_cannot_reset_re_enrol_or_re_role_an_admin_account(world):
    device = TOTPDevice.objects.create(user=world.sysadmin, name="phone", confirmed=True)
    client = world.client_for(world.secadmin)
    assert client.post(reverse("secadmin:reset", args=[world.sysadmin.pk])).status_code == 403
    assert client.post(reverse("secadmin:otp-reset", args=[world.sysadmin.pk])).status_code == 403
    client.post(reverse("secadmin:role", args=[world.auditadmin.pk]), {"role": Role.INVESTMENT})
    client.post(reverse("secadmin:role", args=[world.task_force.pk]), {"role": Role.AUDITADMIN})
    for user in (world.sysadmin, world.auditadmin, world.task_force):
        user.refresh_from_db()
    assert world.sysadmin.check_password(PASSWORD) and TOTPDevice.objects.filter(pk=device.pk).exists()
    assert world.auditadmin.role == Role.AUDITADMIN and world.task_force.role == Role.TASK_FORCE
    assert not AccountSecurity.objects.filter(user=world.sysadmin, must_change_password=True).exists()
    for call in (
        lambda: services.account_reset_password(by=world.secadmin, user=world.sysadmin),
        lambda: services.account_otp_reset(by=world.secadmin, user=world.sysadmin),
        lambda: services.account_change_role(by=world.secadmin, user=world.auditadmin, role=Role.ECONOMY),
    ):
        with pytest.raises(PermissionDeniedError, match="服务器上"):
            call()
    assert not AuditEvent.objects.filter(
        action__in=["account.password_reset", "otp.devices_removed", "account.role_changed"]
    ).exists()
    # The page offers none of it for the admin rows.
    html = client.get(MANAGE).content.decode()
    assert reverse("secadmin:reset", args=[world.sysadmin.pk]) not in html
    assert reverse("secadmin:reset", args=[world.economy.pk]) in html


def test_the_server_command_resets_an_admin_account_and_audits_it(world, capsys):
    device = TOTPDevice.objects.create(user=world.sysadmin, name="phone", confirmed=True)
    call_command("adminaccount", "reset-password", "xitong")
    password = capsys.readouterr().out.strip().splitlines()[-1]
    world.sysadmin.refresh_from_db()
    assert world.sysadmin.check_password(password)
    assert AccountSecurity.objects.get(user=world.sysadmin).must_change_password
    call_command("adminaccount", "otp-reset", "xitong")
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    events = AuditEvent.objects.filter(object_id=str(world.sysadmin.pk), source="cli", actor=None)
    assert set(events.values_list("action", flat=True)) == {"account.password_reset", "otp.devices_removed"}
    assert password not in str(list(events.values_list("note", "after")))
    # The command is for the three admin roles only; business accounts stay with the 安全管理员.
    with pytest.raises(CommandError, match="不是三员账号"):
        call_command("adminaccount", "reset-password", "kejing")


def test_the_security_admin_cannot_act_on_their_own_account(world):
    for call in (
        lambda: services.account_change_role(by=world.secadmin, user=world.secadmin, role=Role.SYSADMIN),
        lambda: services.account_set_active(by=world.secadmin, user=world.secadmin, active=False),
        lambda: services.account_reset_password(by=world.secadmin, user=world.secadmin),
    ):
        with pytest.raises(PermissionDeniedError):
            call()
    world.secadmin.refresh_from_db()
    assert world.secadmin.role == Role.SECADMIN and world.secadmin.is_active


def test_another_districts_account_is_out_of_reach(world):
    client = world.client_for(world.secadmin)
    assert client.post(reverse("secadmin:reset", args=[world.outsider.pk])).status_code == 404
    with pytest.raises(ValidationError, match="本区"):
        services.account_create(by=world.secadmin, username="x1", role=Role.INVESTMENT, region=world.other_district)


def test_removing_a_users_2fa_makes_them_enrol_again(world, settings):
    settings.ZHAOLUO_OTP_REQUIRED_ROLES = frozenset({Role.SYSADMIN, Role.SECADMIN, Role.AUDITADMIN, Role.ECONOMY})
    TOTPDevice.objects.create(user=world.economy, name="phone", confirmed=True)
    victim = world.client_for(world.economy)
    otp_verify_session(victim, world.economy)
    assert victim.get("/").status_code == 200
    world.client_for(world.secadmin).post(reverse("secadmin:otp-reset", args=[world.economy.pk]))
    assert victim.get("/").status_code == 302
    fresh = Client()
    fresh.force_login(world.economy)
    assert fresh.get("/")["Location"].startswith(reverse("accounts:otp-enrol"))
    assert AuditEvent.objects.filter(action="otp.devices_removed", actor=world.secadmin).count() == 1


# --- B6: admin networks -------------------------------------------------------------------


@pytest.mark.parametrize(("path", "persona"), [("/admin/", "sysadmin"), (MANAGE, "secadmin")])
def test_admin_pages_answer_only_from_the_admin_networks(world, settings, path, persona):
    settings.ZHAOLUO_TRUSTED_PROXIES = frozenset({"10.0.0.1"})
    client = world.client_for(getattr(world, persona))
    assert client.get(path, REMOTE_ADDR="192.168.3.4").status_code == 200
    assert client.get(path, REMOTE_ADDR="203.0.113.5").status_code == 404
    # Behind the trusted proxy the forwarded address counts; from anyone else it is ignored.
    assert client.get(path, REMOTE_ADDR="10.0.0.1", HTTP_X_REAL_IP="203.0.113.5").status_code == 404
    assert client.get(path, REMOTE_ADDR="203.0.113.5", HTTP_X_REAL_IP="127.0.0.1").status_code == 404
    settings.ZHAOLUO_ADMIN_NETWORKS = ["203.0.113.0/24"]
    assert client.get(path, REMOTE_ADDR="203.0.113.5").status_code == 200
    assert client.get(path, REMOTE_ADDR="192.168.3.4").status_code == 404


def test_the_admin_network_rule_leaves_ordinary_pages_alone(world):
    client = world.client_for(world.investment)
    assert client.get("/projects/", REMOTE_ADDR="203.0.113.5").status_code == 200


# --- A8: default and dormant accounts -----------------------------------------------------


@pytest.mark.parametrize("name", sorted(DEFAULT_ACCOUNT_NAMES | {"Admin", "ROOT"}))
def test_default_account_names_are_refused(world, name):
    with pytest.raises(CommandError, match="默认账号名"):
        call_command("createuser", name, "--role", "sysadmin", "--region", "420607", "--password", "Tq7#mV2pLx9w")
    assert not User.objects.filter(username__iexact=name).exists()


def test_the_demo_logins_have_no_default_names():
    assert not {spec.username.lower() for spec in LOGINS} & DEFAULT_ACCOUNT_NAMES


def test_the_tick_disables_dormant_accounts_and_ends_their_sessions(world):
    now = timezone.now()
    idle_client = world.client_for(world.economy)  # logging in stamps last_login: backdate after it
    User.objects.update(last_login=now)
    User.objects.filter(pk=world.economy.pk).update(last_login=now - dt.timedelta(days=91))
    User.objects.filter(pk=world.principal.pk).update(last_login=now - dt.timedelta(days=89))
    never = f.UserFactory.create(username="never", role=Role.INVESTMENT, region=world.district)
    User.objects.filter(pk=never.pk).update(last_login=None, date_joined=now - dt.timedelta(days=120))
    assert sessions_of(world.economy) == 1
    with time_machine.travel(now, tick=False):
        result = run_tick()
    assert result["dormant_disabled"] == 2
    assert set(User.objects.filter(is_active=False).values_list("username", flat=True)) == {"kejing", "never"}
    assert sessions_of(world.economy) == 0
    assert idle_client.get("/").status_code == 302
    events = AuditEvent.objects.filter(action="account.dormant_disabled")
    assert {e.object_id for e in events} == {str(world.economy.pk), str(never.pk)}
    assert all(e.source == "tick" and e.actor is None for e in events)
    # Idempotent: a second run finds nothing more.
    assert run_tick()["dormant_disabled"] == 0


# Issue #11 point 4: every admin page, not only the namespaced ones, answers only from the admin networks.
@pytest.mark.parametrize(
    ("name", "persona"),
    [
        ("privacy:anonymise", "secadmin"),
        ("notify:channels", "sysadmin"),
        ("notify:channel_create", "sysadmin"),
    ],
)
def test_anonymisation_and_the_notification_channels_answer_only_from_the_admin_networks(world, name, persona):
    client = world.client_for(getattr(world, persona))
    assert client.get(reverse(name), REMOTE_ADDR="192.168.3.4").status_code == 200
    assert client.get(reverse(name), REMOTE_ADDR="203.0.113.5").status_code == 404
    assert client.post(reverse(name), {}, REMOTE_ADDR="203.0.113.5").status_code == 404


def test_every_page_only_an_administrator_may_use_is_behind_the_admin_network_rule():
    admin_pages = [
        route.name
        for route in pm.ROUTES
        if not route.api and all(rule.ok and rule.ok <= pm.ADMINS for rule in route.methods.values())
    ]
    assert "privacy:anonymise" in admin_pages and "notify:channels" in admin_pages
    for name in admin_pages:
        namespace = name.split(":")[0] if ":" in name else ""
        assert namespace in ADMIN_NAMESPACES or name in ADMIN_VIEW_NAMES, name
