"""Issue #10 item 3: logins for the roster, many officials at once (/security/accounts/bulk/)."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from zhaoluo.accounts.models import AccountSecurity
from zhaoluo.core.models import AuditEvent
from zhaoluo.orgs.choices import Role
from zhaoluo.orgs.models import Official, Unit, User
from zhaoluo.testing import factories as f

pytestmark = pytest.mark.django_db
BULK = "/security/accounts/bulk/"


@pytest.fixture
def roster(world):
    return [
        f.OfficialFactory.create(name="陈一", unit=world.lead_unit),
        f.OfficialFactory.create(name="陈二", unit=world.township_unit),
        f.OfficialFactory.create(name="陈三", unit=world.investment_center),
    ]


def _post(client: Client, picks: dict[Official, tuple[str, str]]):
    data: dict[str, object] = {"pick": [str(o.pk) for o in picks]}
    for official, (username, role) in picks.items():
        data[f"username-{official.pk}"] = username
        data[f"role-{official.pk}"] = role
    return client.post(BULK, data)


def test_the_security_admin_creates_logins_for_several_officials_at_once(world, roster):
    client = world.client_for(world.secadmin)
    assert reverse("secadmin:bulk") == BULK
    page = client.get(BULK).content.decode()
    assert all(o.name in page for o in roster) and "李专" not in page  # 李专 already logs in
    response = _post(
        client,
        {
            roster[0]: ("chenyi", Role.UNIT),
            roster[1]: ("chener", Role.TOWNSHIP),
            roster[2]: ("chensan", Role.INVESTMENT),
        },
    )
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    created = {c.user.username: c for c in response.context["created"]}
    assert set(created) == {"chenyi", "chener", "chensan"}
    for username, official in (("chenyi", roster[0]), ("chener", roster[1]), ("chensan", roster[2])):
        user = User.objects.get(username=username)
        assert user.official == official and user.unit == official.unit
        password = created[username].password
        assert user.check_password(password) and password in response.content.decode()
        assert AccountSecurity.objects.get(user=user).must_change_password
        event = AuditEvent.objects.get(action="user.created", object_id=str(user.pk))
        assert event.actor == world.secadmin and password not in str(event.after)
    assert User.objects.get(username="chener").region == world.township  # the township's unit logs in there
    assert User.objects.get(username="chenyi").region == world.district

    # The sheet: downloaded once, with each login and its temporary password, then gone.
    sheet = client.get(reverse("secadmin:bulk-sheet"))
    assert sheet.status_code == 200 and sheet["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert rows[0][:5] == ("姓名", "单位", "用户名", "角色", "临时密码")
    assert {(r[2], r[4]) for r in rows[1:]} == {(u, c.password) for u, c in created.items()}
    again = client.get(reverse("secadmin:bulk-sheet"))
    assert again.status_code == 302 and again["Location"] == BULK
    assert AuditEvent.objects.filter(action="account.bulk_sheet_downloaded", actor=world.secadmin).count() == 1
    # The temporary password is the first login's only: it must be changed before anything else.
    fresh = Client()
    assert (
        fresh.post(reverse("login"), {"username": "chensan", "password": created["chensan"].password}).status_code
        == 302
    )
    assert fresh.get("/")["Location"].startswith(reverse("accounts:password-change"))


def test_no_admin_role_is_handed_out_in_bulk_and_a_bad_row_creates_nothing(world, roster):
    client = world.client_for(world.secadmin)
    response = _post(client, {roster[0]: ("chenyi", Role.UNIT), roster[1]: ("chener", Role.AUDITADMIN)})
    assert response.status_code == 422
    assert "陈二" in response.content.decode()
    assert not User.objects.filter(username__in=["chenyi", "chener"]).exists()
    # A taken name in the batch: the whole batch waits, the page names the official.
    response = _post(client, {roster[0]: ("chenyi", Role.UNIT), roster[1]: ("zhaoshang", Role.TOWNSHIP)})
    assert response.status_code == 422 and "陈二" in response.content.decode()
    assert not User.objects.filter(username="chenyi").exists()
    assert not AuditEvent.objects.filter(action="user.created").exists()


def test_officials_of_another_district_are_neither_listed_nor_accepted(world, roster):
    elsewhere = f.OfficialFactory.create(
        name="外区干部", unit=Unit.objects.create(name="襄城区招商局", region=world.other_district)
    )
    client = world.client_for(world.secadmin)
    assert "外区干部" not in client.get(BULK).content.decode()
    response = _post(client, {roster[0]: ("chenyi", Role.UNIT), elsewhere: ("waiqu2", Role.INVESTMENT)})
    assert response.status_code == 422
    assert not User.objects.filter(username__in=["chenyi", "waiqu2"]).exists()


def test_the_roster_is_searched_and_paginated(world):
    for i in range(55):
        f.OfficialFactory.create(name=f"刘{i:02d}", unit=world.lead_unit)
    client = world.client_for(world.secadmin)
    first = client.get(BULK)
    assert len(first.context["rows"]) == 50 and first.context["page"].paginator.num_pages == 2
    assert len(client.get(BULK, {"page": 2}).context["rows"]) == 5  # the world's officials all log in already
    found = client.get(BULK, {"q": "刘07"})
    assert [r["official"].name for r in found.context["rows"]] == ["刘07"]
    assert found.context["rows"][0]["username"] == "liu07"


@pytest.mark.parametrize("persona", ["sysadmin", "auditadmin", "investment"])
def test_only_the_security_admin_creates_logins_in_bulk(world, roster, persona):
    client = world.client_for(getattr(world, persona))
    assert client.get(BULK).status_code == 403
    assert _post(client, {roster[0]: ("chenyi", Role.UNIT)}).status_code == 403
    assert not User.objects.filter(username="chenyi").exists()


def test_leaders_without_a_unit_of_another_district_are_not_offered(world, roster):
    ours = f.LeaderFactory.create(name="本区领导", body="government", district=world.district)
    theirs = f.LeaderFactory.create(name="邻区领导", body="government", district=world.other_district)
    client = world.client_for(world.secadmin)
    page = client.get(BULK).content.decode()
    assert ours.name in page and theirs.name not in page
    single = client.get(reverse("secadmin:create")).content.decode()
    assert ours.name in single and theirs.name not in single
