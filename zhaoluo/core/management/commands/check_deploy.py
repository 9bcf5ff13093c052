"""`zhaoluo check-deploy`: Django's deploy checks against the production settings.

It runs `check --deploy --fail-level WARNING` in a child process with ZHAOLUO_PRODUCTION=1
(settings are read once per process, so this one's demo settings cannot be switched).
Every deployer variable that is missing is named (core/checks.py) and the exit status is
non-zero. `--with-example-env` fills the missing ones with throwaway random values, so CI
can prove that the production settings themselves pass.
"""

from __future__ import annotations

import base64
import os
import secrets
import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser


def example_env() -> dict[str, str]:
    """Throwaway values, fresh each run, for variables a real deployment must set itself."""
    return {
        "ZHAOLUO_SECRET_KEY": secrets.token_urlsafe(50),
        "ZHAOLUO_ALLOWED_HOSTS": "zsxm.example.gov.cn",
        "DATABASE_URL": f"postgres://zhaoluo:{secrets.token_urlsafe(16)}@127.0.0.1:5432/zhaoluo",
        "ZHAOLUO_AUDIT_KEY": secrets.token_hex(32),
        "ZHAOLUO_FIELD_KEYS": f"k1:{base64.b64encode(secrets.token_bytes(16)).decode()}",  # SM4: 16 bytes
    }


class Command(BaseCommand):
    help = "按生产配置运行部署检查 / run Django's deploy checks against the production settings"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--with-example-env",
            action="store_true",
            help="用随机的示例值补齐缺少的环境变量（CI 用）/ fill missing variables with throwaway values",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        env = dict(os.environ)
        env.pop("ZHAOLUO_DEBUG", None)
        env["ZHAOLUO_PRODUCTION"] = "1"
        env["DJANGO_SETTINGS_MODULE"] = settings.SETTINGS_MODULE
        if options["with_example_env"]:
            for name, value in example_env().items():
                if not env.get(name, "").strip():
                    env[name] = value
        command = [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"]
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        self.stdout.write(result.stdout.rstrip())
        if result.returncode != 0:
            self.stderr.write(result.stderr.rstrip())
            raise CommandError("部署检查未通过 / deploy check failed", returncode=result.returncode or 1)
        self.stdout.write("部署检查通过 / deploy check passed")
