from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhaoluo.core.scheduled import step_label, tick


class Command(BaseCommand):
    help = "定时任务：重算亮灯、发送通知、清理过期记录等 / scheduled work: lights, notifications, retention"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--today", type=dt.date.fromisoformat, help="按指定日期计算（测试用）/ compute as of a date"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = tick(options.get("today"))
        if result.busy:
            self.stdout.write("另一个定时任务正在运行，本次跳过 / another tick is running: busy")
            return
        counts = result.counts
        checked, changed = counts.get("checked", 0), counts.get("changed", 0)
        self.stdout.write(f"亮灯：重算 {checked} 个项目，变化 {changed} 个")
        self.stdout.write(f"lights: {checked} checked, {changed} changed")
        sent = counts.get("notify_sent", 0)
        failed = counts.get("notify_failed", 0) + counts.get("notify_gave_up", 0)
        self.stdout.write(f"通知：发送 {sent} 条，失败 {failed} 条 / notifications: {sent} sent, {failed} failed")
        self.stdout.write(
            f"审计清理：归档并删除超过保存期的记录 {counts.get('audit_purged', 0)} 条 / audit rows purged"
        )
        dormant = counts.get("dormant_disabled", 0)
        self.stdout.write(f"长期未登录账号停用 {dormant} 个 / dormant accounts disabled: {dormant}")
        self.stdout.write("步骤 / steps:")
        for name, step_counts in result.steps.items():
            shown = ", ".join(f"{key}={value}" for key, value in step_counts.items()) or "-"
            self.stdout.write(f"  {step_label(name)} ({name}): {shown}")
        for name, error in result.errors.items():
            self.stdout.write(f"  {step_label(name)} ({name}): 失败 / failed: {error}")
        self.stdout.write(f"用时 {result.duration_ms} 毫秒 / took {result.duration_ms} ms")
        if result.errors:
            raise CommandError(
                f"{len(result.errors)} 个步骤失败，下次运行将重做 / steps failed: {', '.join(result.errors)}"
            )
