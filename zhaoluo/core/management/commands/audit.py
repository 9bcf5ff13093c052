from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhaoluo.core import audit_anchor, context
from zhaoluo.core.services import audit_purge


class Command(BaseCommand):
    help = "审计日志：verify 校验哈希链，purge 归档并清理超过保存期的记录 / audit log: verify the chain, purge old rows"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="逐条校验审计哈希链 / walk and check the hash chain")
        sub.add_parser("anchor", help="把当前链头写入外部锚点文件 / append the head to the anchor file")
        sub.add_parser("purge", help="归档并删除超过保存期的记录 / archive, then delete, rows past retention")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "verify":
            anchored = audit_anchor.verify()
            result = anchored.verification
            if result.broken is not None:
                raise CommandError(
                    f"审计链已损坏 / audit chain broken after {result.checked} good records: {result.broken.describe()}"
                )
            self.stdout.write(f"审计链完整：已校验 {result.checked} 条 / audit chain intact: {result.checked} records")
            if anchored.anchor is None:
                self.stdout.write("外部锚点：尚无（tick、备份和本次校验起写入）/ no external anchor yet")
            else:
                found = anchored.anchor
                self.stdout.write(f"外部锚点一致：seq {found.seq}（{found.describe()}）/ matches the external anchor")
            # A verified head is itself worth anchoring: the next verify compares with it.
            audit_anchor.write(source="verify")
            return
        if options["action"] == "anchor":
            written, _ = audit_anchor.write(source="cli")
            self.stdout.write(f"外部锚点：seq {written.seq} 已写入 {audit_anchor.anchor_file()} / anchored")
            return
        with context.using(context.RequestContext(source="cli", request_id=context.new_request_id())):
            purged = audit_purge()
        where = f"，归档于 {purged.archive}" if purged.archive else ""
        self.stdout.write(f"审计清理：删除 {purged.purged} 条{where} / audit purge: {purged.purged} rows")
