from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from zhaoluo.core import audit_anchor
from zhaoluo.demo.loader import AS_OF, is_empty, load
from zhaoluo.demo.logins import login_table, logins


class Command(BaseCommand):
    help = "迁移数据库、载入演示区县（襄州区）并启动服务 / migrate, load the demo district and serve it"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="监听地址 / address to bind (default 127.0.0.1)")
        parser.add_argument("--port", type=int, default=8000, help="端口 / port (default 8000)")
        parser.add_argument(
            "--no-serve", action="store_true", help="只迁移、载入并打印账号，不启动服务 / migrate, load and print only"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # The demo district lives at the end of its data (see core/clock.py); an explicit
        # ZHAOLUO_TODAY still wins. Set before serving so the workers inherit it.
        if not settings.ZHAOLUO_TODAY:
            settings.ZHAOLUO_TODAY = AS_OF.isoformat()
        call_command("migrate", interactive=False, verbosity=0)
        if is_empty():
            # A new database is a new audit chain: the old chain's anchors are kept aside, not compared.
            audit_anchor.start_new(reason="demo")
            self.stdout.write("正在载入演示区县：襄州区（2019—2021年一季度）…")
            started = time.monotonic()
            # On stderr, unstyled: progress, not an error; stdout stays the summary and the logins.
            result = load(progress=lambda line: self.stderr.write(line, style_func=str))
            self.stdout.write(
                f"已载入：项目 {result.projects} 个，企业 {result.enterprises} 家，干部 {result.officials} 名，"
                f"资金到位记录 {result.funds} 条，用时 {time.monotonic() - started:.1f} 秒"
            )
            audit_anchor.write(source="demo")
        else:
            self.stdout.write("数据库已有数据，未重复载入演示数据 / the database is not empty: demo data not loaded")
        self.stdout.write(f"演示时钟 / demo clock: 今天是 {settings.ZHAOLUO_TODAY}（演示数据截至 2021 年一季度）")
        self.stdout.write(login_table(logins()))
        if options["no_serve"]:
            return
        from zhaoluo.core.management.commands.serve import serve

        self.stdout.write(f"服务地址 / serving at http://{options['host']}:{options['port']}/")
        serve(host=options["host"], port=options["port"])
