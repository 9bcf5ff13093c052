from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from zhaoluo.core import crypto


class Command(BaseCommand):
    help = (
        "逐一解密所有加密字段，报告校验失败（被篡改或缺少密钥）的行 / "
        "decrypt every encrypted value and report the rows that fail; exits non-zero on any failure"
    )

    def handle(self, *args: Any, **options: Any) -> None:
        failures = crypto.integrity_failures()
        for failure in failures:
            self.stderr.write(f"{failure.table}.{failure.column} id={failure.row_id}: {failure.reason}")
        checked = ", ".join(f"{model._meta.db_table}.{field.column}" for model, field in crypto.encrypted_fields())
        if failures:
            raise CommandError(f"完整性校验失败 {len(failures)} 处 / {len(failures)} values failed ({checked})")
        self.stdout.write(f"完整性校验通过 / all encrypted values authenticate ({checked})")
