"""The Django admin belongs to the system administrator (系统管理员) alone."""

from __future__ import annotations

import pytest
from django.urls import reverse

from zhaoluo.core import audit
from zhaoluo.core.models import AuditEvent, CalendarDay
from zhaoluo.orgs.choices import Role
from zhaoluo.projects.models import LightRule
from zhaoluo.testing import factories as f
from zhaoluo.testing.fixtures import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "persona", ["investment", "principal", "supervision", "economy", "leader", "nobody", "outsider"]
)
def test_the_admin_is_denied_to_everyone_but_the_system_administrator(world, persona):
    client = world.client_for(getattr(world, persona))
    for url in (
        reverse("admin:index"),
        reverse("admin:projects_lightrule_changelist"),
        reverse("admin:orgs_unit_changelist"),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login")), url


def test_staff_flags_do_not_open_the_admin_without_the_role(world):
    user = f.UserFactory.create(username="staffer", role=Role.SECADMIN, is_staff=True, is_superuser=True)
    assert world.client_for(user).get(reverse("admin:index")).status_code == 302


def test_a_system_administrator_without_django_flags_gets_in(world):
    admin = f.UserFactory.create(username="sys2", role=Role.SYSADMIN, region=world.district)
    client = world.client_for(admin)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "亮灯规则" in html and "工作日调整" in html
    assert client.get(reverse("admin:projects_lightrule_changelist")).status_code == 200
    # Accounts and roles are the 安全管理员's (三员分立), not the system administrator's.
    assert client.get("/admin/orgs/user/").status_code == 404


def test_the_admin_has_no_login_form_of_its_own(client, world):
    # Its password form would bypass the second factor; the platform's login has lockout and 2FA.
    response = client.post(reverse("admin:login"), {"username": "xitong", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert not client.get(reverse("home")).wsgi_request.user.is_authenticated


def test_an_inactive_system_administrator_is_kept_out(world):
    world.sysadmin.is_active = False
    world.sysadmin.save()
    from django.test import Client

    client = Client()
    client.force_login(world.sysadmin)
    assert client.get(reverse("admin:index")).status_code == 302


def test_the_admin_offers_no_audit_model_to_read_or_change(world):
    # 三员分立: the audit log and its settings are not the system administrator's to see or change.
    audit.record(actor=world.investment, action="project.updated", obj=world.project)
    event = AuditEvent.objects.get(action="project.updated")
    client = world.client_for(world.sysadmin)
    index = client.get(reverse("admin:index")).content.decode()
    assert "审计记录" not in index and "审计链头" not in index
    paths = ("core/auditevent/", f"core/auditevent/{event.pk}/change/", "core/auditevent/add/", "core/auditchainhead/")
    for path in paths:
        assert client.get(f"/admin/{path}").status_code == 404, path
    assert client.post(f"/admin/core/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code == 404
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_calendar_days_are_edited_in_the_admin_and_the_edit_is_audited(world):
    client = world.client_for(world.sysadmin)
    response = client.post(
        reverse("admin:core_calendarday_add"), {"day": "2030-02-02", "is_workday": "on", "name": "春节调休上班"}
    )
    assert response.status_code == 302
    day = CalendarDay.objects.get(day="2030-02-02")
    assert day.is_workday
    event = AuditEvent.objects.get(action="admin.core.calendarday.created")
    assert event.actor == world.sysadmin and event.after["name"] == "春节调休上班"


def test_business_records_are_not_edited_raw_in_the_admin(world):
    client = world.client_for(world.sysadmin)
    for path in ("projects/project/", "projects/stagetransition/", "projects/fundarrival/", "enterprises/enterprise/"):
        assert client.get(f"/admin/{path}").status_code == 404, path


def test_an_admin_change_to_a_light_rule_moves_its_version_and_is_audited(world):
    rule = LightRule.objects.get(code="milestone-overdue")
    client = world.client_for(world.sysadmin)
    data = {
        "code": rule.code,
        "name": rule.name,
        "kind": rule.kind,
        "params": '{"yellow_max_workdays": 3}',
        "enabled": "on",
        "basis": rule.basis,
    }
    assert client.post(reverse("admin:projects_lightrule_change", args=[rule.pk]), data).status_code == 302
    updated = LightRule.objects.get(pk=rule.pk)
    assert updated.params == {"yellow_max_workdays": 3}
    assert updated.version == rule.version + 1
    event = AuditEvent.objects.get(action="admin.projects.lightrule.updated")
    assert event.before == {"params": {"yellow_max_workdays": 5}}
    assert event.after == {"params": {"yellow_max_workdays": 3}}


def test_light_rule_parameters_are_validated_in_the_admin(world):
    rule = LightRule.objects.get(code="progress-wuhan")
    client = world.client_for(world.sysadmin)
    data = {
        "code": rule.code,
        "name": rule.name,
        "kind": rule.kind,
        "params": '{"red_below_pct": 90, "yellow_below_pct": 80}',
        "enabled": "on",
        "basis": rule.basis,
    }
    response = client.post(reverse("admin:projects_lightrule_change", args=[rule.pk]), data)
    assert response.status_code == 200 and "红灯阈值不能高于黄灯阈值" in response.content.decode()
    rule.refresh_from_db()
    assert rule.params != {"red_below_pct": 90, "yellow_below_pct": 80}


def test_audit_snapshots_never_carry_a_password_hash(world):
    snap = audit.snapshot(world.investment)
    assert "password" not in snap and "last_login" not in snap
    assert snap["username"] == world.investment.username
