from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from zhaoluo.core.scheduled import run_tick


class Command(BaseCommand):
    help = "定时任务：重算亮灯、清理超过保存期的审计记录 / scheduled work: lights, audit retention"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--today", type=dt.date.fromisoformat, help="按指定日期计算（测试用）/ compute as of a date"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = run_tick(today=options.get("today"))
        checked, changed = result["checked"], result["changed"]
        self.stdout.write(f"亮灯：检查 {checked} 个项目，变化 {changed} 个")
        self.stdout.write(f"lights: {checked} checked, {changed} changed")
        sent, failed = result.get("notify_sent", 0), result.get("notify_failed", 0) + result.get("notify_gave_up", 0)
        self.stdout.write(f"通知：发送 {sent} 条，失败 {failed} 条 / notifications: {sent} sent, {failed} failed")
        self.stdout.write(f"审计清理：归档并删除超过保存期的记录 {result['audit_purged']} 条 / audit rows purged")
        dormant = result.get("dormant_disabled", 0)
        self.stdout.write(f"长期未登录账号停用 {dormant} 个 / dormant accounts disabled: {dormant}")
