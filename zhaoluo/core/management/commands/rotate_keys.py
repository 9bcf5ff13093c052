from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from zhaoluo.core import crypto


class Command(BaseCommand):
    help = (
        "用当前密钥（ZHAOLUO_FIELD_KEY_ID）重新加密所有加密字段 / "
        "re-encrypt every encrypted field under the current key; keep old keys configured until this has run"
    )

    def handle(self, *args: Any, **options: Any) -> None:
        ring = crypto.keyring()
        counts = crypto.rotate_all()
        for column, count in counts.items():
            self.stdout.write(f"{column}: 重新加密 {count} 行 / {count} rows re-encrypted")
        self.stdout.write(f"当前密钥 / current key: {ring.current_id} ({ring.cipher})，共 {sum(counts.values())} 行")
