"""Browser tests: Playwright driving Debian's Chromium (never a downloaded browser)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("ZHAOLUO_CHROMIUM", "/usr/bin/chromium"))

# Playwright's sync API runs an event loop in this thread; Django's live server is in another.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)
    if CHROMIUM.exists():
        return
    if os.environ.get("ZL_REQUIRE_BROWSER"):
        raise pytest.UsageError(f"ZL_REQUIRE_BROWSER is set but {CHROMIUM} does not exist (apt-get install chromium)")
    skip = pytest.mark.skip(reason=f"{CHROMIUM} not found: browser tests need Debian's chromium")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict[str, object]:
    return {
        "executable_path": str(CHROMIUM),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, object]) -> dict[str, object]:
    # Headless Chromium sends en-US; a district's browsers send zh-CN.
    return {
        **browser_context_args,
        "locale": "zh-CN",
        "viewport": {"width": 1280, "height": 900},
        "accept_downloads": True,
    }


@pytest.fixture(autouse=True)
def _light_presets(db: None) -> None:
    """Browser tests are transactional, and each one's flush empties the tables, migration data
    included: put the light rule presets back (as migration projects.0002 does). Django's
    serialized_rollback cannot do it here: Playwright's greenlets give the test another
    connection object than the one the serialized state was stored on."""
    from zhaoluo.projects.lights import PRESETS
    from zhaoluo.projects.models import LightRule

    for preset in PRESETS:
        LightRule.objects.get_or_create(code=preset["code"], defaults={k: v for k, v in preset.items() if k != "code"})
