"""百名干部进百企 on a phone-sized screen (390 × 844): a 包联干部 records a visit that raises a
flag and turns its need into a problem; the enterprise confirms and rates the solution."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from zhaoluo.orgs.choices import Role
from zhaoluo.orgs.models import Official, Unit
from zhaoluo.problems import services as problem_services
from zhaoluo.problems.choices import Origin, Satisfaction, Status
from zhaoluo.problems.models import Problem
from zhaoluo.service import flags, services
from zhaoluo.service.models import Pairing, Visit
from zhaoluo.testing import factories as f

from .test_project_loop import log_in

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def cadre(world, settings):
    settings.ZHAOLUO_TODAY = "2021-03-31"
    flags.ensure_presets()  # a transactional test's flush empties the migration's preset rows
    bureau = Unit.objects.create(name="区科经局", region=world.district)
    shen = Official.objects.create(name="沈耀", title="总经济师", rank="副科级", unit=bureau)
    user = f.UserFactory.create(username="shenyao", role=Role.CADRE, region=world.district, unit=bureau, official=shen)
    Pairing.objects.create(
        district=world.district, cadre=shen, enterprise=world.enterprise_user.enterprise, since=dt.date(2020, 3, 1)
    )
    return user


def fits_the_screen(page: Page) -> None:
    """No sideways scrolling on the phone; on failure, name the elements that stick out."""
    wide = page.evaluate(
        """w => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > w + 0.5)
            .map(e => e.tagName + '#' + e.id + '.' + e.className).slice(0, 8)""",
        PHONE["width"],
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], wide


def test_a_cadre_records_a_visit_on_a_phone_that_raises_a_flag_and_a_need_that_becomes_a_problem(
    world, cadre, live_server, page: Page
):
    base = live_server.url
    page.set_viewport_size(PHONE)
    page.set_default_navigation_timeout(60_000)  # the first request of a shared, busy machine is slow
    # The home page sends a 包联干部 to their own start page.
    log_in(page, base, cadre.username, landing="我的包联企业")
    assert page.url == f"{base}/service/"
    expect(page.get_by_text("襄阳盼盼食品有限公司").first).to_be_visible()
    fits_the_screen(page)
    page.get_by_role("link", name="记走访").first.click()
    expect(page.locator("#visit-form")).to_be_visible()
    fits_the_screen(page)
    page.get_by_text("电话", exact=True).click()
    page.get_by_label("订单同比（%）").fill("-30")
    page.get_by_label("计划裁员").select_option(label="否")
    page.get_by_label("企业需求 1").fill("货架立柱用型钢希望就近采购，需对接本地供应商")
    page.get_by_label("需求类别 1").select_option(label="供应链")
    page.get_by_role("button", name="保存走访").click()
    expect(page.locator("#visit-flags")).to_contain_text("订单下降 20% 以上")
    fits_the_screen(page)
    visit = Visit.objects.get()
    assert visit.mode == "phone" and visit.visited_on == dt.date(2021, 3, 31)
    assert [fl.rule.code for fl in visit.flags.all()] == ["orders-down-20"]

    page.get_by_role("button", name="转为问题").click()
    expect(page.locator("#visit-needs")).to_contain_text("待交办")
    problem = Problem.objects.get()
    assert problem.origin == Origin.VISIT and problem.raiser == cadre
    assert problem.enterprise == world.enterprise_user.enterprise and problem.category == "supply_chain"


def test_the_enterprise_confirms_and_rates_the_solution_on_a_phone(world, cadre, live_server, page: Page):
    visit = services.visit_record(
        by=cadre,
        enterprise=world.enterprise_user.enterprise,
        visited_on=dt.date(2021, 3, 10),
        mode="on_site",
        needs=[("厂区门前道路破损，大车通行困难", "infrastructure")],
    )
    problem = services.need_to_problem(need=visit.needs.get(), by=cadre)
    problem_services.problem_assign(problem=problem, by=world.supervision, unit=world.lead_unit, workdays=5)
    problem_services.problem_start(problem=problem, by=world.unit)
    problem_services.problem_resolve(problem=problem, by=world.unit, handling_note="已修复路面")

    base = live_server.url
    page.set_viewport_size(PHONE)
    page.set_default_navigation_timeout(60_000)  # the first request of a shared, busy machine is slow
    log_in(page, base, world.enterprise_user.username)
    page.goto(f"{base}/service/portal/")
    expect(page.locator("#portal-cadres")).to_contain_text("沈耀")
    fits_the_screen(page)
    page.locator("#portal-awaiting").get_by_role("link", name=problem.code).click()
    page.get_by_role("link", name="销号").first.click()
    page.locator("#action-modal-content button[type=submit]").click()
    expect(page.get_by_text("已销号").first).to_be_visible()
    page.get_by_role("link", name="满意度评价").first.click()
    page.locator("#action-modal-content").get_by_label("满意度").select_option(label="满意")
    page.locator("#action-modal-content button[type=submit]").click()
    expect(page.get_by_text("（未评价）")).to_have_count(0)
    problem.refresh_from_db()
    assert problem.status == Status.CLOSED and problem.satisfaction == Satisfaction.SATISFIED
