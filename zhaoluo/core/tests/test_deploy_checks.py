"""D2: `zhaoluo check-deploy`; H1: PostgreSQL durability settings."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.checks import Error
from django.db import connection

from zhaoluo.core import checks

ZHAOLUO = Path(sys.executable).with_name("zhaoluo")


def _run(tmp_path: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    # A scrubbed environment: what a fresh production machine has before the deployer sets anything.
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path), "ZHAOLUO_VAR_DIR": str(tmp_path)}
    env.update(extra)
    return subprocess.run(
        [str(ZHAOLUO), "check-deploy", *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_check_deploy_names_every_missing_deployer_variable_and_fails(tmp_path):
    result = _run(tmp_path)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    names = ("ZHAOLUO_SECRET_KEY", "ZHAOLUO_ALLOWED_HOSTS", "DATABASE_URL", "ZHAOLUO_AUDIT_KEY", "ZHAOLUO_FIELD_KEYS")
    for name in names:
        assert f"缺少环境变量 {name}" in output, name


def test_check_deploy_refuses_a_short_secret_key_and_a_weak_audit_key(tmp_path):
    result = _run(
        tmp_path,
        "--with-example-env",
        ZHAOLUO_SECRET_KEY="too-short",
        ZHAOLUO_AUDIT_KEY="short",
    )
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "zhaoluo.E003" in output and "zhaoluo.E004" in output and "security.W009" in output


def test_check_deploy_passes_with_generated_example_values(tmp_path):
    result = _run(tmp_path, "--with-example-env")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout and "部署检查通过" in result.stdout


def test_production_settings_are_hardened(tmp_path):
    code = (
        "from django.conf import settings as s; "
        "print(s.DEBUG, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD, "
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.X_FRAME_OPTIONS, "
        "s.SECURE_PROXY_SSL_HEADER, s.ZHAOLUO_AUDIT_KEY == '')"
    )
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "ZHAOLUO_VAR_DIR": str(tmp_path),
        "ZHAOLUO_PRODUCTION": "1",
        "ZHAOLUO_DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "zhaoluo.settings",
    }
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "False",
        "31536000",
        "True",
        "True",
        "True",
        "True",
        "True",
        "DENY",
        "('HTTP_X_FORWARDED_PROTO',",
        "'https')",
        "True",
    ]


on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")


@on_postgresql
@pytest.mark.django_db
def test_postgresql_durability_settings_are_all_on():
    assert checks.durability_errors(connection) == []
    assert checks.postgresql_durability(databases=["default"]) == []


@on_postgresql
@pytest.mark.django_db
def test_a_postgresql_server_with_synchronous_commit_off_fails_the_start_up_check():
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")
    errors = checks.durability_errors(connection)
    assert [e.id for e in errors] == ["zhaoluo.E010"] and isinstance(errors[0], Error)
    assert "synchronous_commit" in errors[0].msg


def test_the_durability_check_ignores_sqlite(db):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    assert checks.postgresql_durability(databases=["default"]) == []
