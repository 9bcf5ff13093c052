"""The inbox page, the navbar badge and the API: everyone sees only their own notifications."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from zhaoluo.core.models import AuditEvent
from zhaoluo.notify import services
from zhaoluo.notify.choices import Event
from zhaoluo.notify.models import Notification


def _tell(user, subject="交办：盼盼食品用地指标", link="/projects/1/", event=Event.ASSIGNED) -> Notification:
    (row,) = services.notify(recipients=[user], event=event, subject=subject, body="办理时限：3月5日", link=link)
    return row


@pytest.mark.django_db
def test_the_navbar_shows_the_unread_count_and_the_inbox_lists_own_messages(world):
    _tell(world.unit)
    _tell(world.unit, subject="逾期：张湾物流园用电", event=Event.OVERDUE)
    _tell(world.leader, subject="别人的消息")

    client = world.client_for(world.unit)
    home = client.get(reverse("home")).content.decode()
    page = client.get(reverse("notify:inbox")).content.decode()

    assert 'aria-label="未读消息">2<' in home
    assert "交办：盼盼食品用地指标" in page and "逾期：张湾物流园用电" in page
    assert "别人的消息" not in page


@pytest.mark.django_db
def test_opening_a_notification_marks_it_read_and_goes_to_its_object(world):
    note = _tell(world.unit)
    client = world.client_for(world.unit)

    response = client.post(reverse("notify:open", args=[note.pk]))

    assert response.status_code == 302 and response["Location"] == "/projects/1/"
    note.refresh_from_db()
    assert note.read_at is not None
    event = AuditEvent.objects.get(action="notification.read")
    assert event.actor == world.unit and event.object_id == str(note.pk)
    assert 'aria-label="未读消息"' not in client.get(reverse("home")).content.decode()


@pytest.mark.django_db
def test_a_link_to_another_site_is_not_followed(world):
    note = _tell(world.unit, link="https://evil.example.com/")
    response = world.client_for(world.unit).post(reverse("notify:open", args=[note.pk]))
    assert response["Location"] == reverse("notify:inbox")


@pytest.mark.django_db
def test_mark_all_read_marks_only_the_callers_messages(world):
    _tell(world.unit)
    _tell(world.unit)
    other = _tell(world.leader)

    response = world.client_for(world.unit).post(reverse("notify:read_all"))

    assert response.status_code == 302
    assert not Notification.objects.filter(recipient=world.unit, read_at__isnull=True).exists()
    other.refresh_from_db()
    assert other.read_at is None
    assert AuditEvent.objects.get(action="notification.read_all").note == "2 条消息标为已读"


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["outsider", "nobody", "sysadmin", "leader"])
def test_nobody_can_read_or_mark_someone_elses_notification(world, persona):
    note = _tell(world.unit)
    client = world.client_for(getattr(world, persona))

    assert client.post(reverse("notify:read", args=[note.pk])).status_code == 404
    assert client.post(reverse("notify:open", args=[note.pk])).status_code == 404
    assert client.get(f"/api/notifications/{note.pk}/").status_code == 404
    assert client.post(f"/api/notifications/{note.pk}/read/").status_code == 404
    assert client.get("/api/notifications/").json()["count"] == 0
    note.refresh_from_db()
    assert note.read_at is None


@pytest.mark.django_db
def test_reading_state_never_changes_on_get(world):
    note = _tell(world.unit)
    client = world.client_for(world.unit)
    assert client.get(reverse("notify:open", args=[note.pk])).status_code == 405
    assert client.get(reverse("notify:read_all")).status_code == 405
    note.refresh_from_db()
    assert note.read_at is None


@pytest.mark.django_db
def test_marking_read_needs_the_csrf_token(world):
    note = _tell(world.unit)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.unit)
    assert client.post(reverse("notify:read", args=[note.pk])).status_code == 403
    note.refresh_from_db()
    assert note.read_at is None


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_login_and_the_api_answers_401(client):
    assert client.get(reverse("notify:inbox")).status_code == 302
    assert client.get("/api/notifications/").status_code == 401


@pytest.mark.django_db
def test_the_api_lists_own_notifications_and_filters_unread(world):
    first = _tell(world.unit)
    _tell(world.unit, subject="会议通知：区政府协调会", event=Event.MEETING)
    _tell(world.leader)
    services.notification_mark_read(notification=first, by=world.unit)
    client = world.client_for(world.unit)

    everything = client.get("/api/notifications/").json()
    unread = client.get("/api/notifications/?unread=true").json()

    assert everything["count"] == 2
    assert [n["subject"] for n in unread["results"]] == ["会议通知：区政府协调会"]
    assert unread["results"][0]["event_display"] == "会议" and unread["results"][0]["is_read"] is False


@pytest.mark.django_db
def test_the_api_marks_one_and_all_read(world):
    first = _tell(world.unit)
    _tell(world.unit)
    client = world.client_for(world.unit)

    one = client.post(f"/api/notifications/{first.pk}/read/")
    assert one.status_code == 200 and one.json()["is_read"] is True
    assert client.post("/api/notifications/read-all/").json() == {"marked": 1}
    assert client.post("/api/notifications/read-all/").json() == {"marked": 0}


@pytest.mark.django_db
def test_the_inbox_page_filters_unread_and_all(world):
    read = _tell(world.unit, subject="已经看过的")
    services.notification_mark_read(notification=read, by=world.unit)
    _tell(world.unit, subject="还没看的")
    client = world.client_for(world.unit)

    unread_page = client.get(reverse("notify:inbox")).content.decode()
    all_page = client.get(reverse("notify:inbox") + "?show=all").content.decode()

    assert "还没看的" in unread_page and "已经看过的" not in unread_page
    assert "还没看的" in all_page and "已经看过的" in all_page
