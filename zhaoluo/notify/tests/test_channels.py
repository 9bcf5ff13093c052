"""The 通知渠道 page: only the system administrator; secrets never shown back; test message; failures."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from zhaoluo.core.models import AuditEvent
from zhaoluo.notify import services
from zhaoluo.notify.choices import ChannelKind, DeliveryStatus, Event
from zhaoluo.notify.models import Channel, Delivery

SECRET = "SEC5a3ecf88f2b3eb50db30ecfc00f53033ac909c99bf7f88fd612bda89d7f3a9dc"
TOKEN = "50cb6e954c89afa14fb97754eafd886d658fcda27d05015a26b474e7bd2f0a59"


def _dingtalk(world, robot, **extra) -> Channel:
    data = {
        "kind": ChannelKind.DINGTALK,
        "name": "招商专班群",
        "webhook_url": robot.url(f"/robot/send?access_token={TOKEN}"),
        "secret": SECRET,
        **extra,
    }
    return services.channel_create(by=world.sysadmin, data=data)


@pytest.mark.django_db
def test_the_system_administrator_adds_a_dingtalk_robot_and_its_secrets_are_never_shown_back(world, robot):
    client = world.client_for(world.sysadmin)
    response = client.post(
        reverse("notify:channel_create"),
        {
            "kind": ChannelKind.DINGTALK,
            "name": "招商专班群",
            "enabled": "on",
            "webhook_url": robot.url(f"/robot/send?access_token={TOKEN}"),
            "secret": SECRET,
            "events": [Event.ASSIGNED, Event.OVERDUE],
            "message_format": "markdown",
        },
    )
    assert response.status_code == 302
    channel = Channel.objects.get()
    assert channel.secret == SECRET and channel.events == [Event.ASSIGNED, Event.OVERDUE]

    listing = client.get(reverse("notify:channels")).content.decode()
    edit = client.get(reverse("notify:channel_edit", args=[channel.pk])).content.decode()
    created = AuditEvent.objects.get(action="notify_channel.created")
    for text in (listing, edit, str(created.after)):
        assert SECRET not in text and TOKEN not in text
    assert "SEC****a9dc" in edit and "access_token=50c****0a59" in listing
    assert created.after["secret"] == "SEC****a9dc" and created.actor == world.sysadmin


@pytest.mark.django_db
def test_a_blank_secret_keeps_the_stored_one_and_clearing_is_explicit(world, robot):
    channel = _dingtalk(world, robot)
    client = world.client_for(world.sysadmin)
    url = reverse("notify:channel_edit", args=[channel.pk])
    base = {"name": "招商专班群（新）", "enabled": "on", "events": [Event.MEETING], "message_format": "text"}

    assert client.post(url, {**base, "version": channel.version}).status_code == 302
    channel.refresh_from_db()
    assert channel.secret == SECRET and channel.webhook_url.endswith(TOKEN) and channel.name == "招商专班群（新）"

    assert client.post(url, {**base, "version": channel.version, "clear_secret": "on"}).status_code == 302
    channel.refresh_from_db()
    assert channel.secret == ""
    updated = AuditEvent.objects.filter(action="notify_channel.updated").order_by("id").last()
    assert updated.before == {"secret": "SEC****a9dc"} and updated.after == {"secret": ""}


@pytest.mark.django_db
def test_a_stale_edit_of_a_channel_is_refused_with_409(world, robot):
    channel = _dingtalk(world, robot)
    stale = channel.version
    services.channel_update(channel=channel, by=world.sysadmin, data={"enabled": False}, expected_version=stale)
    response = world.client_for(world.sysadmin).post(
        reverse("notify:channel_edit", args=[channel.pk]),
        {"name": "改名", "events": [Event.MEETING], "message_format": "text", "version": stale},
    )
    assert response.status_code == 409
    channel.refresh_from_db()
    assert channel.name == "招商专班群"


@pytest.mark.django_db
def test_a_robot_needs_a_webhook_address(world):
    response = world.client_for(world.sysadmin).post(
        reverse("notify:channel_create"),
        {"kind": ChannelKind.WECOM, "name": "无地址", "events": [Event.ASSIGNED], "message_format": "text"},
    )
    assert response.status_code == 422
    assert "Webhook 地址" in response.content.decode()
    assert not Channel.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["secadmin", "auditadmin", "investment", "supervision", "outsider", "nobody"])
def test_only_the_system_administrator_configures_channels(world, robot, persona):
    channel = _dingtalk(world, robot)
    client = world.client_for(getattr(world, persona))

    assert client.get(reverse("notify:channels")).status_code == 403
    assert client.get(reverse("notify:channel_create")).status_code == 403
    assert client.post(reverse("notify:channel_edit", args=[channel.pk]), {"name": "x"}).status_code == 403
    assert client.post(reverse("notify:channel_test", args=[channel.pk])).status_code == 403
    assert robot.calls == [] and Channel.objects.get().name == "招商专班群"
    with pytest.raises(services.PermissionDeniedError):
        services.channel_create(by=getattr(world, persona), data={"kind": ChannelKind.EMAIL, "name": "邮件"})


@pytest.mark.django_db
def test_the_test_button_sends_a_signed_message_now_and_says_so(world, robot):
    channel = _dingtalk(world, robot)
    response = world.client_for(world.sysadmin).post(reverse("notify:channel_test", args=[channel.pk]), follow=True)

    assert "测试消息已通过“招商专班群”发送" in response.content.decode()
    (call,) = robot.calls
    assert call.query["access_token"] == TOKEN and "sign" in call.query
    assert call.body["text"]["content"].startswith("【招落通·其他】测试消息：招商专班群")
    assert AuditEvent.objects.filter(action="notify_channel.test", actor=world.sysadmin).exists()


@pytest.mark.django_db
def test_a_failing_test_message_is_shown_with_its_error_and_listed_as_given_up(world, robot):
    robot.answer("/robot", "errcode")
    channel = _dingtalk(world, robot)
    client = world.client_for(world.sysadmin)

    response = client.post(reverse("notify:channel_test", args=[channel.pk]), follow=True)
    page = response.content.decode()

    assert "测试消息发送失败：errcode 310000：sign not match" in page
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.GAVE_UP and delivery.attempts == 1
    assert "最近的发送失败" in page and "重新发送" in page

    robot.answer("/robot", "ok")
    client.post(reverse("notify:delivery_retry", args=[delivery.pk]))
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING and delivery.attempts == 0
    assert services.deliver_due()["sent"] == 1
    assert AuditEvent.objects.filter(action="notification.delivery_retried").exists()


@pytest.mark.django_db
def test_a_test_email_goes_to_the_administrators_own_address(world):
    channel = services.channel_create(by=world.sysadmin, data={"kind": ChannelKind.EMAIL, "name": "电子邮件"})
    client = world.client_for(world.sysadmin)

    response = client.post(reverse("notify:channel_test", args=[channel.pk]), follow=True)
    assert "没有登记电子邮箱" in response.content.decode() and mail.outbox == []

    world.sysadmin.email = "xitong@xiangzhou.gov.cn"
    world.sysadmin.save()
    client.post(reverse("notify:channel_test", args=[channel.pk]))
    assert [m.to for m in mail.outbox] == [["xitong@xiangzhou.gov.cn"]]


@pytest.mark.django_db
def test_only_one_email_channel_exists(world):
    services.channel_create(by=world.sysadmin, data={"kind": ChannelKind.EMAIL, "name": "电子邮件"})
    with pytest.raises(services.ValidationError):
        services.channel_create(by=world.sysadmin, data={"kind": ChannelKind.EMAIL, "name": "电子邮件2"})


@pytest.mark.django_db
def test_a_given_up_delivery_on_the_page_shows_no_secret(world, robot):
    robot.answer("/robot", "http500")
    _dingtalk(world, robot)
    services.notify(recipients=[world.unit], event=Event.OVERDUE, subject="逾期：盼盼食品用地指标")
    services.deliver_due()
    page = world.client_for(world.sysadmin).get(reverse("notify:channels")).content.decode()
    assert "HTTP 500" in page and TOKEN not in page and SECRET not in page


@pytest.mark.django_db
def test_the_409_answer_to_a_stale_edit_shows_the_new_secret_only_masked(world, robot):
    channel = _dingtalk(world, robot)
    stale = channel.version
    new_secret = "SECffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff1234"
    new_token = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa9999"
    services.channel_update(
        channel=channel,
        by=world.sysadmin,
        data={"secret": new_secret, "webhook_url": robot.url(f"/robot/send?access_token={new_token}")},
        expected_version=stale,
    )

    response = world.client_for(world.sysadmin).post(
        reverse("notify:channel_edit", args=[channel.pk]),
        {"name": "改名", "events": [Event.MEETING], "message_format": "text", "version": stale},
    )

    page = response.content.decode()
    assert response.status_code == 409
    assert new_secret not in page and new_token not in page and SECRET not in page
    assert "SEC****1234" in page


# --- Issue #11 point 12: a robot posts only to the robots' hosts or a configured gateway ------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "url"),
    [
        (ChannelKind.WECOM, "http://169.254.169.254/latest/meta-data/"),
        (ChannelKind.WECOM, "https://10.0.0.5/hook"),
        (ChannelKind.WECOM, "http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"),  # not HTTPS
        (ChannelKind.WECOM, "https://oapi.dingtalk.com/robot/send?access_token=t"),  # the other robot's host
        (ChannelKind.DINGTALK, "https://qyapi.weixin.qq.com.evil.example/robot/send"),
        (ChannelKind.DINGTALK, "https://oapi.dingtalk.com@10.0.0.5/robot/send"),
        (ChannelKind.DINGTALK, "https://oapi.dingtalk.com:8443/robot/send"),
    ],
)
def test_a_robot_webhook_outside_the_robots_hosts_is_refused(world, settings, kind, url):
    settings.ZHAOLUO_WEBHOOK_HOSTS = []
    response = world.client_for(world.sysadmin).post(
        reverse("notify:channel_create"),
        {"kind": kind, "name": "内网", "webhook_url": url, "events": [Event.ASSIGNED], "message_format": "text"},
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "ZHAOLUO_WEBHOOK_HOSTS" in page or "不能含用户名或密码" in page
    assert not Channel.objects.exists()


@pytest.mark.django_db
def test_the_robots_own_hosts_are_accepted_and_a_gateway_only_once_configured(world, settings):
    settings.ZHAOLUO_WEBHOOK_HOSTS = []
    for kind, url in (
        (ChannelKind.WECOM, "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"),
        (ChannelKind.DINGTALK, "https://oapi.dingtalk.com/robot/send?access_token=t"),
    ):
        services.channel_create(by=world.sysadmin, data={"kind": kind, "name": kind, "webhook_url": url})
    gateway = {"kind": ChannelKind.WECOM, "name": "网关", "webhook_url": "http://gw.xz.gov.cn:8080/wecom?key=k"}
    with pytest.raises(ValidationError, match="ZHAOLUO_WEBHOOK_HOSTS"):
        services.channel_create(by=world.sysadmin, data=gateway)
    settings.ZHAOLUO_WEBHOOK_HOSTS = ["gw.xz.gov.cn"]
    services.channel_create(by=world.sysadmin, data=gateway)
    assert Channel.objects.filter(kind__in=[ChannelKind.WECOM, ChannelKind.DINGTALK]).count() == 3


@pytest.mark.django_db
def test_a_channel_saved_before_the_allow_list_is_not_posted_to(world, robot, settings):
    channel = _dingtalk(world, robot)  # 127.0.0.1 is allowed by the notify tests' settings
    settings.ZHAOLUO_WEBHOOK_HOSTS = []
    response = world.client_for(world.sysadmin).post(reverse("notify:channel_test", args=[channel.pk]), follow=True)
    assert robot.calls == []
    assert "ZHAOLUO_WEBHOOK_HOSTS" in response.content.decode()
    delivery = Delivery.objects.get(channel=channel)
    assert delivery.status == DeliveryStatus.GAVE_UP and "ZHAOLUO_WEBHOOK_HOSTS" in delivery.last_error
