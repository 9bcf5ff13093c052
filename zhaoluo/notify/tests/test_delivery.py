"""The outbox: exact robot payloads, DingTalk signing, retries with backoff, timeouts, dedupe, concurrency."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import socket
import threading
from urllib.parse import unquote_plus

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django_q.models import OrmQ

from zhaoluo.core.models import AuditEvent
from zhaoluo.enterprises import services as enterprise_services
from zhaoluo.enterprises.models import Enterprise
from zhaoluo.meetings.models import CadenceRule
from zhaoluo.notify import messages, services
from zhaoluo.notify.choices import ChannelKind, DeliveryStatus, Event, MessageFormat
from zhaoluo.notify.models import Channel, Delivery, Notification

SECRET = "SEC0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd"
START = dt.datetime(2021, 3, 1, 9, 0, tzinfo=dt.UTC)


def _robot(world, kind, url, *, secret="", fmt=MessageFormat.TEXT, events=None, name=None) -> Channel:
    data = {"kind": kind, "name": name or f"{kind}群", "webhook_url": url, "secret": secret, "message_format": fmt}
    if events is not None:
        data["events"] = events
    return services.channel_create(by=world.sysadmin, data=data)


def _closed_port_url(path: str) -> str:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return f"http://127.0.0.1:{port}{path}"


def _assign(world, **kw) -> list[Notification]:
    msg = messages.assigned(title="盼盼食品用地指标", unit="区发改局", deadline=dt.date(2021, 3, 5), by="王海")
    return services.notify(
        recipients=[world.unit, world.task_force], **msg.as_kwargs(), link="/projects/1/", obj=world.project, **kw
    )


@pytest.mark.django_db
def test_wecom_text_message_is_posted_in_the_documented_json_shape(world, robot):
    _robot(world, ChannelKind.WECOM, robot.url("/cgi-bin/webhook/send?key=wk-123"))
    _assign(world)

    assert services.deliver_due()["sent"] == 1

    (call,) = robot.calls
    assert call.path == "/cgi-bin/webhook/send" and call.query == {"key": "wk-123"}
    assert call.headers["Content-Type"] == "application/json; charset=utf-8"
    assert call.body == {
        "msgtype": "text",
        "text": {
            "content": "【招落通·交办】交办：盼盼食品用地指标\n"
            "责任单位：区发改局\n办理时限：2021年3月5日（星期五）\n交办人：王海\n"
            "接收人：赵牵头、李专\n"
            "详情：https://zl.example.gov.cn/projects/1/"
        },
    }
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.SENT and delivery.attempts == 1 and delivery.sent_at is not None


@pytest.mark.django_db
def test_wecom_markdown_keeps_business_text_from_adding_links_or_mentions(world, robot):
    _robot(world, ChannelKind.WECOM, robot.url("/wecom?key=k"), fmt=MessageFormat.MARKDOWN)
    services.notify(
        recipients=[world.unit], event=Event.OTHER, subject="说明[点我](http://evil)", body="<@all> 请看", link=""
    )

    services.deliver_due()

    assert robot.calls[0].body == {
        "msgtype": "markdown",
        "markdown": {"content": "### 【招落通·其他】说明［点我］(http://evil)\n\n＜@all＞ 请看\n\n> 接收人：赵牵头"},
    }


@pytest.mark.django_db
def test_dingtalk_message_is_signed_with_timestamp_and_hmac_sha256_of_the_secret(world, robot):
    _robot(world, ChannelKind.DINGTALK, robot.url("/robot/send?access_token=dt-456"), secret=SECRET)
    with time_machine.travel(START, tick=False):
        _assign(world)
        services.deliver_due()

    (call,) = robot.calls
    timestamp = call.query["timestamp"]
    assert timestamp == str(int(START.timestamp() * 1000))
    expected = base64.b64encode(
        hmac.new(SECRET.encode(), f"{timestamp}\n{SECRET}".encode(), hashlib.sha256).digest()
    ).decode()
    # parse_qs has already undone the URL encoding once: the signature arrives as DingTalk recomputes it.
    assert call.query["sign"] == expected
    assert call.query["access_token"] == "dt-456"
    assert call.body == {
        "msgtype": "text",
        "text": {
            "content": "【招落通·交办】交办：盼盼食品用地指标\n"
            "责任单位：区发改局\n办理时限：2021年3月5日（星期五）\n交办人：王海\n"
            "接收人：赵牵头、李专\n"
            "详情：https://zl.example.gov.cn/projects/1/"
        },
    }


def test_dingtalk_signature_is_url_encoded_base64():
    from zhaoluo.notify.senders import dingtalk_sign, dingtalk_url

    sign = dingtalk_sign("SECabc", 1614589200000)
    raw = base64.b64encode(hmac.new(b"SECabc", b"1614589200000\nSECabc", hashlib.sha256).digest()).decode()
    assert unquote_plus(sign) == raw and "+" not in sign and "/" not in sign and "=" not in sign
    url = dingtalk_url("https://oapi.dingtalk.com/robot/send?access_token=t", "SECabc", 1614589200000)
    assert url == f"https://oapi.dingtalk.com/robot/send?access_token=t&timestamp=1614589200000&sign={sign}"


@pytest.mark.django_db
def test_dingtalk_markdown_has_a_title_and_text(world, robot):
    _robot(world, ChannelKind.DINGTALK, robot.url("/robot/send?access_token=t"), fmt=MessageFormat.MARKDOWN)
    services.notify(recipients=[world.leader], event=Event.MEETING, subject="区政府协调会", body="时间：3月8日")

    services.deliver_due()

    assert robot.calls[0].body == {
        "msgtype": "markdown",
        "markdown": {
            "title": "【招落通·会议】区政府协调会",
            "text": "### 【招落通·会议】区政府协调会\n\n时间：3月8日\n\n> 接收人：王海",
        },
    }
    assert "sign" not in robot.calls[0].query  # no secret configured: 关键词 or IP security instead


@pytest.mark.django_db
@pytest.mark.parametrize("mode", ["errcode", "http500", "notjson"])
def test_a_robot_that_does_not_answer_errcode_zero_is_a_failure(world, robot, mode):
    robot.answer("/robot", mode)
    _robot(world, ChannelKind.DINGTALK, robot.url("/robot/send?access_token=t"), secret=SECRET)
    _assign(world)

    result = services.deliver_due()

    delivery = Delivery.objects.get()
    assert result["failed"] == 1 and result["sent"] == 0
    assert delivery.status == DeliveryStatus.FAILED and delivery.attempts == 1 and delivery.sent_at is None
    expected = {"errcode": "errcode 310000：sign not match", "http500": "HTTP 500", "notjson": "不是 JSON"}[mode]
    assert expected in delivery.last_error


@pytest.mark.django_db
def test_error_text_never_carries_the_webhook_token_or_secret(world, robot):
    robot.answer("/robot", "http500")
    token = "tok-very-secret-123456"
    channel = _robot(world, ChannelKind.DINGTALK, robot.url(f"/robot/send?access_token={token}"), secret=SECRET)
    _assign(world)
    # The upstream echoes the token back; the stored error must not.
    services.deliver_due()
    Delivery.objects.update(last_error="")
    from zhaoluo.notify.senders import SendError

    delivery = Delivery.objects.get()
    delivery.status = DeliveryStatus.FAILED
    services._failed(delivery, SendError(f"HTTP 500 {token} {SECRET} {channel.webhook_url}"), 6)
    error = Delivery.objects.get().last_error
    assert token not in error and SECRET not in error and "****" in error


@pytest.mark.django_db
def test_a_down_endpoint_is_retried_with_backoff_and_given_up_after_the_last_attempt(world):
    with time_machine.travel(START, tick=False) as clock:
        _robot(world, ChannelKind.WECOM, _closed_port_url("/wecom?key=k"))
        _assign(world)
        waits = []
        for attempt in range(1, 7):
            assert services.deliver_due()["sent"] == 0
            delivery = Delivery.objects.get()
            assert delivery.attempts == attempt and "连接失败" in delivery.last_error
            if attempt < 6:
                assert delivery.status == DeliveryStatus.FAILED
                wait = delivery.next_attempt_at - START - sum(waits, dt.timedelta())
                waits.append(wait)
                # Not yet due a second before the backoff ends: nothing is tried.
                clock.shift(wait - dt.timedelta(seconds=1))
                assert services.deliver_due() == {"sent": 0, "failed": 0, "gave_up": 0, "deferred": 0, "skipped": 0}
                clock.shift(dt.timedelta(seconds=1))
        assert [w.total_seconds() / 60 for w in waits] == [1, 2, 4, 8, 16]
        assert Delivery.objects.get().status == DeliveryStatus.GAVE_UP
        gave_up = AuditEvent.objects.get(action="notification.delivery_gave_up")
        assert gave_up.parent_type == "notify.channel" and "第 6 次" in gave_up.note
        clock.shift(dt.timedelta(hours=1))
        assert services.deliver_due()["failed"] == 0  # given up means no more attempts


@pytest.mark.django_db(transaction=True)
def test_the_business_write_commits_and_is_queued_even_when_every_channel_then_fails(world, settings):
    settings.ZHAOLUO_NOTIFY_QUEUE = True
    _robot(world, ChannelKind.WECOM, _closed_port_url("/wecom?key=k"))
    enterprise = Enterprise.objects.get()
    queued = OrmQ.objects.count()

    with transaction.atomic():
        enterprise_services.enterprise_update(
            enterprise=enterprise, by=world.economy, data={"employees": 880}, expected_version=enterprise.version
        )
        _assign(world)

    # Committed: the business row, the inbox rows, the outbox row, and one task for the cluster.
    assert Enterprise.objects.get().employees == 880
    assert Notification.objects.count() == 2
    assert OrmQ.objects.count() == queued + 1
    task = OrmQ.objects.order_by("-id").first().task
    assert task["func"] == "zhaoluo.notify.services.deliver_due"
    assert task["kwargs"] == {"ids": [Delivery.objects.get().pk]} and task["save"] is False
    # The cluster (here: called directly) fails to reach the robot; nothing is undone.
    assert services.deliver_due(ids=[Delivery.objects.get().pk])["failed"] == 1
    assert Enterprise.objects.get().employees == 880 and Notification.objects.count() == 2
    assert Delivery.objects.get().status == DeliveryStatus.FAILED


@pytest.mark.django_db
def test_notify_rolls_back_with_the_business_transaction(world, robot):
    _robot(world, ChannelKind.WECOM, robot.url("/wecom?key=k"))

    def business_write() -> None:
        with transaction.atomic():
            _assign(world)
            raise RuntimeError("business rule failed")

    with pytest.raises(RuntimeError):
        business_write()
    assert not Notification.objects.exists() and not Delivery.objects.exists()
    services.deliver_due()
    assert robot.calls == []


@pytest.mark.django_db
def test_notify_itself_sends_nothing_so_a_hanging_robot_cannot_slow_the_write(world, robot):
    robot.answer("/wecom", "hang")
    _robot(world, ChannelKind.WECOM, robot.url("/wecom?key=k"))
    _assign(world)
    # Nothing reached the robot during the write (counted, not timed: a stopwatch fails on a loaded machine).
    assert robot.calls == [] and Delivery.objects.get().status == DeliveryStatus.PENDING


@pytest.mark.django_db
def test_a_slow_endpoint_times_out_and_the_other_channel_is_still_delivered_in_the_same_run(world, robot):
    robot.answer("/wecom", "hang")
    _robot(world, ChannelKind.WECOM, robot.url("/wecom?key=k"))
    _robot(world, ChannelKind.DINGTALK, robot.url("/robot/send?access_token=t"))
    _assign(world)
    _assign(world)  # a second message queued behind the hanging one

    result = services.deliver_due()

    by_kind = {(d.channel.kind, d.status) for d in Delivery.objects.select_related("channel")}
    assert by_kind == {
        (ChannelKind.WECOM, DeliveryStatus.FAILED),
        (ChannelKind.WECOM, DeliveryStatus.PENDING),
        (ChannelKind.DINGTALK, DeliveryStatus.SENT),
    }
    assert result == {"sent": 2, "failed": 1, "gave_up": 0, "deferred": 1, "skipped": 0}
    assert "超时" in Delivery.objects.get(status=DeliveryStatus.FAILED).last_error
    # One timeout for the dead channel, not one per message: a single call reached it and the
    # message behind it was deferred. (Counted, not timed: a stopwatch fails on a loaded machine.)
    assert len(robot.calls_to("/robot")) == 2 and len(robot.calls_to("/wecom")) == 1


@pytest.mark.django_db
def test_the_same_dedupe_key_twice_gives_one_notification_and_one_delivery(world, robot):
    _robot(world, ChannelKind.WECOM, robot.url("/wecom?key=k"))
    msg = messages.due_soon(title="盼盼食品用地指标", deadline=dt.date(2021, 3, 5))
    key = messages.dedupe_key(msg.event, world.project, dt.date(2021, 3, 5))

    first = services.notify(recipients=[world.unit], **msg.as_kwargs(), obj=world.project, dedupe_key=key)
    second = services.notify(recipients=[world.unit], **msg.as_kwargs(), obj=world.project, dedupe_key=key)
    # A new recipient on the same key is told; the one already told is not.
    third = services.notify(recipients=[world.unit, world.leader], **msg.as_kwargs(), obj=world.project, dedupe_key=key)

    assert len(first) == 1 and second == [] and [n.recipient for n in third] == [world.leader]
    assert Notification.objects.filter(recipient=world.unit).count() == 1
    assert Delivery.objects.count() == 2
    assert AuditEvent.objects.filter(action="notification.sent").count() == 2
    assert key == f"due_soon:projects.project:{world.project.pk}:2021-03-05"


@pytest.mark.django_db
def test_a_claimed_delivery_cannot_be_claimed_by_a_second_run_that_read_it_at_the_same_time(world, robot):
    _robot(world, ChannelKind.WECOM, robot.url("/wecom?key=k"))
    _assign(world)
    first_read, second_read = Delivery.objects.get(), Delivery.objects.get()

    assert services._claim(first_read) is True
    assert services._claim(second_read) is False
    assert Delivery.objects.get().attempts == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_runs_send_each_delivery_exactly_once(world, robot, settings):
    settings.ZHAOLUO_NOTIFY_TIMEOUT = 5
    robot.answer("/wecom", "block_first")
    _robot(world, ChannelKind.WECOM, robot.url("/wecom?key=k"))
    for n in range(3):
        services.notify(recipients=[world.unit], event=Event.OTHER, subject=f"消息{n}")
    results: list[dict[str, int]] = []

    def run() -> None:
        from django.db import connection

        try:
            results.append(services.deliver_due())
        finally:
            connection.close()

    worker = threading.Thread(target=run)
    worker.start()
    # The first run is inside its first send, holding a list of all three; a second run starts now.
    assert robot.entered.wait(timeout=5)
    second = services.deliver_due()
    robot.release.set()
    worker.join(timeout=10)

    # The second run took the two the first had not claimed yet; the first found them taken.
    assert second["sent"] == 2
    assert results == [{"sent": 1, "failed": 0, "gave_up": 0, "deferred": 0, "skipped": 2}]
    sent = sorted(c.body["text"]["content"].split("\n")[0] for c in robot.calls)
    assert sent == ["【招落通·其他】消息0", "【招落通·其他】消息1", "【招落通·其他】消息2"]
    assert set(Delivery.objects.values_list("status", "attempts")) == {(DeliveryStatus.SENT, 1)}


@pytest.mark.django_db
def test_email_goes_to_each_recipient_that_has_an_address(world):
    world.unit.email = "qiantou@xiangzhou.gov.cn"
    world.unit.save()
    services.channel_create(by=world.sysadmin, data={"kind": ChannelKind.EMAIL, "name": "电子邮件"})

    _assign(world)
    assert services.deliver_due()["sent"] == 1

    (email,) = mail.outbox
    assert email.to == ["qiantou@xiangzhou.gov.cn"]
    assert email.subject == "【招落通·交办】交办：盼盼食品用地指标"
    assert "办理时限：2021年3月5日（星期五）" in email.body
    assert "https://zl.example.gov.cn/projects/1/" in email.body
    # 李专 has no address: no e-mail delivery was queued for him.
    assert Delivery.objects.get().notification.recipient == world.unit


@pytest.mark.django_db
def test_a_channel_gets_only_the_events_it_subscribes_to_and_nothing_while_disabled(world, robot):
    _robot(world, ChannelKind.WECOM, robot.url("/a?key=k"), events=[Event.OVERDUE], name="逾期群")
    off = _robot(world, ChannelKind.WECOM, robot.url("/b?key=k"), name="停用群")
    services.channel_update(channel=off, by=world.sysadmin, data={"enabled": False}, expected_version=off.version)

    _assign(world)
    services.notify(recipients=[world.unit], event=Event.OVERDUE, subject="逾期：盼盼食品用地指标")
    services.deliver_due()

    assert [c.path for c in robot.calls] == ["/a"]
    assert robot.calls[0].body["text"]["content"].startswith("【招落通·逾期】")


@pytest.mark.django_db
def test_inactive_and_repeated_recipients_are_told_once_or_not_at_all(world):
    world.leader.is_active = False
    world.leader.save()
    created = services.notify(recipients=[world.unit, world.unit, world.leader], event=Event.OTHER, subject="x")
    assert [n.recipient for n in created] == [world.unit]


@pytest.mark.django_db
def test_an_unknown_event_is_a_programming_error(world):
    with pytest.raises(ValueError, match="unknown notification event"):
        services.notify(recipients=[world.unit], event="party", subject="x")


@pytest.mark.django_db
def test_tick_delivers_what_is_due_and_says_so(world, robot, capsys):
    _robot(world, ChannelKind.WECOM, robot.url("/wecom?key=k"))
    _assign(world)
    # The tick also schedules meetings and tells their chairs; this test counts the one message it queued.
    CadenceRule.objects.update(is_active=False)

    call_command("tick")

    assert "通知：发送 1 条，失败 0 条" in capsys.readouterr().out
    assert Delivery.objects.get().status == DeliveryStatus.SENT
    call_command("tick")  # nothing left: the second run sends nothing again
    assert len(robot.calls) == 1


@pytest.mark.django_db
def test_a_sender_that_died_after_claiming_is_retried_when_its_lease_runs_out(world, robot):
    _robot(world, ChannelKind.WECOM, robot.url("/wecom?key=k"))
    with time_machine.travel(START, tick=False) as clock:
        _assign(world)
        assert services._claim(Delivery.objects.get())  # ... and the process is killed here
        assert services.deliver_due()["sent"] == 0
        clock.shift(dt.timedelta(seconds=61))
        assert services.deliver_due()["sent"] == 1
    assert Delivery.objects.get().attempts == 2 and len(robot.calls) == 1


@pytest.mark.django_db
def test_a_run_past_its_time_budget_leaves_the_rest_due_for_the_next_run(world, robot, monkeypatch):
    _robot(world, ChannelKind.WECOM, robot.url("/wecom?key=k"))
    _assign(world)
    monkeypatch.setattr(services, "RUN_BUDGET_SECONDS", -1.0)

    assert services.deliver_due()["deferred"] == 1
    assert robot.calls == [] and Delivery.objects.get().attempts == 0

    monkeypatch.setattr(services, "RUN_BUDGET_SECONDS", 120.0)
    assert services.deliver_due()["sent"] == 1


@pytest.mark.django_db
def test_no_log_record_carries_the_webhook_key_or_the_signing_secret(world, robot, caplog):
    import logging

    caplog.set_level(logging.DEBUG)
    robot.answer("/robot", "errcode")
    token = "tok-very-secret-123456"
    _robot(world, ChannelKind.DINGTALK, robot.url(f"/robot/send?access_token={token}"), secret=SECRET)
    _assign(world)

    services.deliver_due()

    assert caplog.records, "the failure is logged"
    for record in caplog.records:
        text = record.getMessage()
        assert token not in text and SECRET not in text and "sign=" not in text


@pytest.mark.django_db
def test_notify_writes_one_audit_row_naming_the_event_the_people_and_the_object(world, robot):
    _robot(world, ChannelKind.WECOM, robot.url("/wecom?key=k"))
    created = _assign(world, actor=world.investment)

    event = AuditEvent.objects.get(action="notification.sent")
    assert event.actor == world.investment and event.object_id == str(created[0].pk)
    assert event.after == {
        "event": "assigned",
        "recipients": [world.unit.pk, world.task_force.pk],
        "object_type": "projects.project",
        "object_id": str(world.project.pk),
        "deliveries": 1,
    }
    assert event.note == "交办通知 2 人：赵牵头、李专；外部渠道 1 条"
    # Kept off the project's timeline.
    assert event.parent_type == ""


@pytest.mark.django_db
def test_an_unreachable_mail_server_is_a_failure_retried_later(world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", int(_closed_port_url("").rsplit(":", 1)[1])
    world.unit.email = "qiantou@xiangzhou.gov.cn"
    world.unit.save()
    services.channel_create(by=world.sysadmin, data={"kind": ChannelKind.EMAIL, "name": "电子邮件"})
    _assign(world)

    assert services.deliver_due()["failed"] == 1

    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED and "邮件发送失败：ConnectionRefusedError" in delivery.last_error
