from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhaoluo.core import audit_chain, context
from zhaoluo.core.services import audit_purge


class Command(BaseCommand):
    help = "审计日志：verify 校验哈希链，purge 归档并清理超过保存期的记录 / audit log: verify the chain, purge old rows"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="逐条校验审计哈希链 / walk and check the hash chain")
        sub.add_parser("purge", help="归档并删除超过保存期的记录 / archive, then delete, rows past retention")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "verify":
            result = audit_chain.verify()
            if result.broken is not None:
                raise CommandError(
                    f"审计链已损坏 / audit chain broken after {result.checked} good records: {result.broken.describe()}"
                )
            self.stdout.write(f"审计链完整：已校验 {result.checked} 条 / audit chain intact: {result.checked} records")
            return
        with context.using(context.RequestContext(source="cli", request_id=context.new_request_id())):
            purged = audit_purge()
        where = f"，归档于 {purged.archive}" if purged.archive else ""
        self.stdout.write(f"审计清理：删除 {purged.purged} 条{where} / audit purge: {purged.purged} rows")
