"""A problem's loop in a real browser: raised by a task force, 交办 with working days,
办结 by the unit with its handling note, 销号 and rated by the one who raised it."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from zhaoluo.core.models import AuditEvent
from zhaoluo.notify.models import Notification
from zhaoluo.problems.choices import Satisfaction, Status
from zhaoluo.problems.models import Problem

from .test_project_loop import log_in, open_action, submit_action

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def monday_1_march_2021(settings):
    settings.ZHAOLUO_TODAY = "2021-03-01"


def switch_to(page: Page, base: str, username: str) -> None:
    page.context.clear_cookies()
    log_in(page, base, username)


def test_a_problem_goes_from_raising_through_assignment_and_resolution_to_closing(
    world, live_server, page: Page, monday_1_march_2021
):
    base = live_server.url
    description = "施工用电 2000 千伏安增容申请一个月未批复，影响设备调试"

    # 1. A task-force member raises it from the project.
    log_in(page, base, world.task_force.username)
    page.goto(f"{base}/problems/new/")
    page.get_by_label("问题描述").fill(description)
    page.get_by_label("类别").select_option(label="用电用气")
    page.locator("#id_origin").select_option(label="项目")
    page.locator("#id_project").select_option(label=world.project.name)
    page.get_by_role("button", name="提出").click()
    expect(page.get_by_text("待交办").first).to_be_visible()
    problem = Problem.objects.get(description=description)
    assert problem.status == Status.PENDING and problem.raiser == world.task_force
    assert problem.project == world.project and problem.raised_on == dt.date(2021, 3, 1)
    detail = f"{base}/problems/{problem.pk}/"
    assert page.url == detail

    # 2. The investment centre hands it to the unit: 5 working days from Monday is the next Monday.
    switch_to(page, base, world.investment.username)
    page.goto(detail)
    open_action(page, "交办")
    modal = page.locator("#action-modal-content")
    modal.get_by_label("责任单位").select_option(label=world.lead_unit.name)
    modal.get_by_label("或：办理工作日数").fill("5")
    modal.get_by_label("交办意见").fill("请协调供电公司尽快批复")
    submit_action(page)
    expect(page.get_by_text("已交办").first).to_be_visible()
    expect(page.locator("body")).to_contain_text("2021-03-08")
    problem.refresh_from_db()
    assert problem.status == Status.ASSIGNED and problem.unit == world.lead_unit
    assert problem.due_on == dt.date(2021, 3, 8)
    assert Notification.objects.filter(recipient=world.unit, event="assigned").exists()

    # 3. The unit's user takes it up and reports it done, with what was done.
    switch_to(page, base, world.unit.username)
    page.goto(detail)
    open_action(page, "开始办理")
    submit_action(page)
    expect(page.get_by_text("办理中").first).to_be_visible()
    open_action(page, "办结")
    page.locator("#action-modal-content").get_by_label("办理情况").fill("已协调供电公司完成增容批复，3 月 5 日送电")
    submit_action(page)
    expect(page.get_by_text("已办结").first).to_be_visible()
    problem.refresh_from_db()
    assert problem.status == Status.RESOLVED and problem.resolved_on == dt.date(2021, 3, 1)
    assert "送电" in problem.handling_note and problem.resolved_on_time is True

    # 4. The raiser confirms (销号) and rates it.
    switch_to(page, base, world.task_force.username)
    page.goto(detail)
    open_action(page, "销号")
    submit_action(page)
    expect(page.get_by_text("已销号").first).to_be_visible()
    open_action(page, "满意度评价")
    page.locator("#action-modal-content").get_by_label("满意度").select_option(label="满意")
    submit_action(page)
    expect(page.get_by_text("（未评价）")).to_have_count(0)
    problem.refresh_from_db()
    assert problem.status == Status.CLOSED and problem.closed_on == dt.date(2021, 3, 1)
    assert problem.satisfaction == Satisfaction.SATISFIED

    rows = AuditEvent.objects.filter(object_type="problems.problem", object_id=str(problem.pk)).order_by("seq")
    assert [(r.action, r.actor_id, r.source) for r in rows] == [
        ("problem.raised", world.task_force.pk, "web"),
        ("problem.assigned", world.investment.pk, "web"),
        ("problem.started", world.unit.pk, "web"),
        ("problem.resolved", world.unit.pk, "web"),
        ("problem.closed", world.task_force.pk, "web"),
        ("problem.rated", world.task_force.pk, "web"),
    ]
    # The timeline on the page tells the same story.
    for text in ["交办", "办结", "销号", "请协调供电公司尽快批复"]:
        expect(page.locator("body")).to_contain_text(text)
