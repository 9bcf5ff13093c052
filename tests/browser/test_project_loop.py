"""A project's closed loop as investment staff live it, in a real browser.

Log in, create a key project, sign it with its 六个一, add the plan, record progress,
watch the light change at each step, and export the filtered list.
"""

from __future__ import annotations

import re

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from zhaoluo.orgs.models import User
from zhaoluo.projects.choices import Light, Stage
from zhaoluo.projects.models import Project
from zhaoluo.testing.fixtures import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def as_of_summer_2020(settings):
    settings.ZHAOLUO_TODAY = "2020-07-01"


def log_in(page: Page, base: str, username: str, landing: str = "我的工作") -> None:
    """Log in from the home page; `landing` is the heading of the role's start page."""
    page.set_default_timeout(10_000)
    page.goto(f"{base}/")  # the home page sends a visitor to the login page
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name=landing)).to_be_visible()


def log_in_with_code(page: Page, base: str, user: User) -> None:
    """An admin role (三员) logs in as it must: the password, then the authenticator app's code
    (ZHAOLUO_OTP_REQUIRED_ROLES). The browser runs from 127.0.0.1, inside the admin networks."""
    device, _ = TOTPDevice.objects.get_or_create(user=user, confirmed=True, defaults={"name": "测试设备"})
    page.set_default_timeout(10_000)
    page.goto(f"{base}/")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="输入动态验证码")).to_be_visible()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    page.get_by_label("动态验证码").fill(f"{totp.token():06d}")
    page.get_by_role("button", name="验证").click()
    expect(page.get_by_role("heading", name="我的工作")).to_be_visible()


def open_action(page: Page, label: str) -> None:
    page.get_by_role("link", name=label).first.click()
    expect(page.locator("#action-modal-content form")).to_be_visible()


def submit_action(page: Page) -> None:
    page.locator("#action-modal-content button[type=submit]").click()


def light_of(name: str) -> str:
    return Project.objects.get(name=name).light


def test_investment_staff_drive_a_key_project_to_signing_and_see_its_light_change(
    world, live_server, page: Page, as_of_summer_2020, tmp_path
):
    base = live_server.url
    name = "襄阳数据湖产业园"
    log_in(page, base, world.investment.username)

    # 1. A new key project, in talks, with its leader and lead unit.
    page.goto(f"{base}/projects/new/")
    page.get_by_label("项目名称").fill(name)
    page.get_by_label("投资方", exact=True).fill("易华录集团")
    page.get_by_label("计划总投资（万元）").fill("110000")
    page.get_by_label("重点项目").check()
    page.get_by_label("包保领导").select_option(label=world.leader_official.name)
    page.get_by_label("牵头单位").select_option(label=world.lead_unit.name)
    page.get_by_label("所属镇街").select_option(label=world.township.name)
    page.get_by_role("button", name="建档").click()
    expect(page.get_by_role("heading", name=name)).to_be_visible()
    # No 专班 and no plan yet: a key project is red.
    expect(page.get_by_text("六个一未落实").first).to_be_visible()
    assert light_of(name) == Light.RED

    # 2. Sign it.
    open_action(page, "推进到签约")
    page.locator("#action-modal-content").get_by_label("日期").fill("2020-06-01")
    page.locator("#action-modal-content").get_by_label("说明").fill("签约仪式在区政府举行")
    submit_action(page)
    expect(page.get_by_text("已签约：铜牌").first).to_be_visible()
    assert Project.objects.get(name=name).stage == Stage.SIGNED

    # 3. Its 专班.
    open_action(page, "设置专班")
    modal = page.locator("#action-modal-content")
    modal.get_by_label("专班成员").select_option(label=[world.member_official.name, world.lead_member_official.name])
    modal.get_by_label("专班负责人").select_option(label=world.lead_member_official.name)
    submit_action(page)
    expect(page.get_by_text(world.lead_member_official.name).first).to_be_visible()

    # 4. Its plan: one node due yesterday and not done (yellow), one due in December.
    for node, planned in [("土地摘牌", "2020-06-30"), ("主体封顶", "2020-12-01")]:
        open_action(page, "新增节点")
        modal = page.locator("#action-modal-content")
        modal.get_by_label("节点").fill(node)
        modal.get_by_label("计划完成日期").fill(planned)
        submit_action(page)
        expect(page.get_by_text(node).first).to_be_visible()
    assert light_of(name) == Light.YELLOW
    expect(page.get_by_text("节点逾期").first).to_be_visible()

    # 5. June's progress: 10 % built where the plan says 50 %: red, with the reason.
    open_action(page, "填报月度进展")
    modal = page.locator("#action-modal-content")
    modal.get_by_label("月份").fill("2020-06")
    modal.get_by_label("本月完成投资（万元）").fill("3200")
    modal.get_by_label("形象进度（%）").fill("10")
    modal.get_by_label("进展情况").fill("场地平整完成")
    submit_action(page)
    expect(page.get_by_text("进度滞后").first).to_be_visible()
    assert light_of(name) == Light.RED

    # The timeline tells the story.
    for text in ["推进", "专班", "土地摘牌", "月度进展"]:
        expect(page.locator("body")).to_contain_text(text)

    # 6. Export exactly the filtered list: signed key projects.
    page.goto(f"{base}/projects/?stage=signed&is_key=true")
    expect(page.get_by_role("link", name=name)).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("导出")).first.click()
    path = tmp_path / "export.xlsx"
    download_info.value.save_as(path)
    sheet = load_workbook(path, read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    assert header[:2] == ["项目编号", "项目名称"]
    names = [r[header.index("项目名称")] for r in rows[1:]]
    assert names == [name]
    assert rows[1][header.index("当前阶段")] == "签约"


def test_an_outsider_meets_a_not_found_page_for_another_district_project(world, live_server, page: Page):
    log_in(page, live_server.url, world.outsider.username)
    response = page.goto(f"{live_server.url}/projects/{world.project.pk}/")
    assert response is not None and response.status == 404
    page.goto(f"{live_server.url}/projects/")
    expect(page.get_by_text(world.project.name)).to_have_count(0)
