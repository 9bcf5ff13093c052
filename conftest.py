"""Test harness shared by every app: fast hashing, plain static storage, personas."""

from __future__ import annotations

import pytest
from hypothesis import settings as hypothesis_settings

pytest_plugins = ["zhaoluo.testing.fixtures"]

# Hypothesis's per-example deadline is a timing assertion: on a shared 2-core machine running the suite in
# parallel it fails healthy code at random. Performance is measured in bench/, not in tests.
hypothesis_settings.register_profile("zhaoluo", deadline=None)
hypothesis_settings.load_profile("zhaoluo")


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    # Argon2 costs ~130 ms a hash; one dedicated test keeps the real hasher honest.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The manifest storage needs collectstatic; tests serve static files as they are.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.MEDIA_ROOT = str(tmp_path / "media")
    # The audit chain's external anchors (core/audit_anchor.py): each test its own, none from var/.
    settings.ZHAOLUO_AUDIT_ANCHOR_FILE = tmp_path / "log" / "audit-anchor.jsonl"
    settings.ZHAOLUO_BACKUP_DIR = tmp_path / "backups"
    # Audit rows the database refused wait here (core/audit_spool.py): never in ./var from a test.
    settings.ZHAOLUO_AUDIT_SPOOL_DIR = str(tmp_path / "audit-spool")
    # Rate-limit counters live in the cache: each test starts with none.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    from django.core.cache import cache

    cache.clear()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under pytest-xdist (`--dist loadgroup`, as `./zl test` runs the suite), the tests of a
    module that share a module- or class-scoped fixture (the demo district, a subprocess's
    report, a 200 MiB zip) go to one worker, so the fixture is built once, not once per worker."""
    for item in items:
        info = getattr(item, "_fixtureinfo", None)
        if info is None or item.get_closest_marker("xdist_group"):
            continue
        # The project's own fixtures only (a plugin's, such as pytest-django's class-scoped
        # unittest hook, have no base id and would group everything).
        shared = any(
            defs and defs[-1].baseid and defs[-1].scope in ("module", "class", "package")
            for defs in info.name2fixturedefs.values()
        )
        if shared:
            item.add_marker(pytest.mark.xdist_group(name=item.nodeid.split("::")[0]))
