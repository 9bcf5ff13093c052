"""The inbox in a real browser: the badge, opening a message, the channel page's test button."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from zhaoluo.notify import messages, services
from zhaoluo.notify.models import Notification

from .test_project_loop import log_in, log_in_with_code

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_unit_user_sees_the_badge_opens_the_assignment_and_lands_on_the_project(world, live_server, page: Page):
    msg = messages.assigned(title="盼盼食品用地指标", unit="区发改局", deadline=dt.date(2021, 3, 5), by="王海")
    link = f"/projects/{world.project.pk}/"
    services.notify(recipients=[world.unit], **msg.as_kwargs(), link=link, obj=world.project)
    base = live_server.url
    log_in(page, base, world.unit.username)

    badge = page.get_by_label("未读消息")
    expect(badge).to_have_text("1")
    page.locator("#nav-inbox").click()
    expect(page.get_by_text("交办：盼盼食品用地指标")).to_be_visible()
    expect(page.get_by_text("办理时限：2021年3月5日（星期五）")).to_be_visible()
    page.get_by_role("button", name="查看").click()

    expect(page.get_by_role("heading", name=world.project.name)).to_be_visible()
    expect(page.get_by_label("未读消息")).to_have_count(0)
    assert Notification.objects.get().read_at is not None


def test_the_system_administrator_adds_a_wecom_robot_and_sends_a_test_message(world, live_server, page: Page, settings):
    # The test robot listens on loopback, which only an operator's allow-list admits (notify/webhooks).
    settings.ZHAOLUO_WEBHOOK_HOSTS = ["127.0.0.1"]
    base = live_server.url
    log_in_with_code(page, base, world.sysadmin)
    page.get_by_role("link", name="通知渠道").click()
    page.get_by_role("link", name="添加渠道").click()
    page.get_by_label("渠道类型").select_option(label="企业微信群机器人")
    page.get_by_label("名称").fill("招商专班群")
    page.get_by_label("Webhook 地址").fill("http://127.0.0.1:9/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0")
    page.get_by_role("button", name="保存").click()

    expect(page.get_by_text("通知渠道“招商专班群”已添加")).to_be_visible()
    expect(page.get_by_text("key=693****97a0")).to_be_visible()
    page.get_by_role("button", name="发送测试消息").click()
    # Port 9 refuses: the page says so at once, and the failure is listed.
    expect(page.get_by_text("测试消息发送失败")).to_be_visible()
    expect(page.get_by_role("button", name="重新发送")).to_be_visible()
    assert "693a91f6-7xxx-4bc4-97a0" not in page.content()
