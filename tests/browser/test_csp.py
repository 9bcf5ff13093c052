"""D5 in a real browser: the main pages run under the CSP without a single violation."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import ConsoleMessage, Page, expect

from zhaoluo.testing.fixtures import PASSWORD

from .test_project_loop import log_in_with_code

pytestmark = pytest.mark.django_db(transaction=True)


def _log_in(page: Page, base: str, username: str) -> None:
    page.set_default_timeout(10_000)
    page.goto(f"{base}{reverse('login')}")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="我的工作")).to_be_visible()


def _watch(page: Page) -> list[str]:
    """Collect Chromium's CSP reports ("Refused to execute inline script …") and script errors."""
    problems: list[str] = []

    def on_console(msg: ConsoleMessage) -> None:
        if msg.type == "error" and ("Content Security Policy" in msg.text or "Refused to" in msg.text):
            problems.append(msg.text)

    page.on("console", on_console)
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    return problems


def test_the_main_pages_raise_no_csp_violation(world, live_server, page: Page):
    problems = _watch(page)
    _log_in(page, live_server.url, world.investment.username)
    for url in (
        reverse("home"),
        reverse("projects:list"),
        reverse("projects:detail", args=[world.project.pk]),
        reverse("enterprises:list"),
        reverse("enterprises:detail", args=[world.project.enterprise_id]),
        reverse("stats:funnel"),
        reverse("api-docs"),
    ):
        page.goto(f"{live_server.url}{url}")
        page.wait_for_load_state("networkidle")
    # The funnel's chart is drawn by a static script: it ran and drew a canvas.
    page.goto(f"{live_server.url}{reverse('stats:funnel')}")
    expect(page.locator("#funnel-chart canvas")).to_have_count(1)
    # An HTMX action opens in the modal (htmx and Bootstrap work under the policy).
    page.goto(f"{live_server.url}{reverse('projects:detail', args=[world.project.pk])}")
    page.get_by_role("link", name="登记到位资金").first.click()
    expect(page.locator("#action-modal-content form")).to_be_visible()
    assert problems == []


def test_the_audit_search_raises_no_csp_violation(world, live_server, page: Page):
    problems = _watch(page)
    log_in_with_code(page, live_server.url, world.auditadmin)
    page.get_by_role("link", name="审计查询").click()
    expect(page.get_by_role("heading", name="审计查询")).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert problems == []
