"""The wording helpers the problems, supervision and meetings apps will call."""

from __future__ import annotations

import datetime as dt

import pytest

from zhaoluo.notify import messages
from zhaoluo.notify.choices import Event
from zhaoluo.notify.senders import Outgoing, mask_secret, mask_url, wecom_payload


def test_each_event_helper_names_its_event_and_the_facts():
    deadline = dt.date(2021, 3, 5)
    cases = [
        (messages.assigned(title="用地", unit="区发改局", deadline=deadline, by="王海"), Event.ASSIGNED, "交办：用地"),
        (messages.due_soon(title="用地", deadline=deadline), Event.DUE_SOON, "临期提醒：用地"),
        (messages.overdue(title="用地", deadline=deadline, workdays_late=3), Event.OVERDUE, "逾期：用地"),
        (
            messages.escalated(title="用地", level=2, level_name="督查室", reason="逾期 1 个工作日", rule="默认预设"),
            Event.ESCALATED,
            "升级督办（第2级）：用地",
        ),
        (
            messages.notice_issued(number="襄州督〔2021〕3号", color="蓝色", title="用地", deadline=deadline),
            Event.NOTICE,
            "督办单 襄州督〔2021〕3号（蓝色）：用地",
        ),
        (
            messages.meeting_scheduled(
                title="王海副区长协调会", kind="协调会", starts_at=dt.datetime(2021, 3, 8, 1, 30, tzinfo=dt.UTC)
            ),
            Event.MEETING,
            "会议通知：王海副区长协调会",
        ),
    ]
    for msg, event, subject in cases:
        assert msg.event == event and msg.subject == subject
    assert "已逾期：3 个工作日" in cases[2][0].body
    assert cases[3][0].body == "督办层级：第2级 督查室\n升级原因：逾期 1 个工作日\n依据规则：默认预设"
    # Shown in Asia/Shanghai: 01:30 UTC is 09:30 in Xiangzhou.
    assert "时间：2021年3月8日（星期一） 09:30" in cases[5][0].body


@pytest.mark.django_db
def test_a_moved_deadline_makes_a_new_dedupe_key(world):
    first = messages.dedupe_key(Event.DUE_SOON, world.project, dt.date(2021, 3, 5))
    moved = messages.dedupe_key(Event.DUE_SOON, world.project, dt.date(2021, 3, 12))
    assert first != moved and first.startswith("due_soon:projects.project:")


def test_a_long_body_is_cut_to_the_robot_limit_on_a_character_boundary():
    msg = Outgoing(heading="【招落通·交办】", subject="标题", body="问" * 3000)
    content = wecom_payload(msg, "text")["text"]["content"]
    assert len(content.encode()) <= 2048 and content.endswith("…")


def test_masks_keep_enough_to_recognise_and_nothing_to_use():
    assert mask_secret("SEC0123456789abcdef") == "SEC****cdef"
    assert mask_secret("short") == "****"
    assert mask_url("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa") == (
        "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693****5aaa"
    )
