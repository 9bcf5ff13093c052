from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "启动网页和接口服务及定时任务 / serve the web UI and API (gunicorn) and run scheduled work"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="监听地址 / address to bind (default 127.0.0.1)")
        parser.add_argument("--port", type=int, default=8000, help="端口 / port (default 8000)")
        parser.add_argument("--workers", type=int, default=2, help="工作进程数 / worker processes")
        parser.add_argument(
            "--no-scheduler",
            action="store_true",
            help="不在本进程旁运行定时任务（另行运行 zhaoluo qcluster 时）/ do not run the scheduler alongside",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        serve(
            host=options["host"],
            port=options["port"],
            workers=options["workers"],
            scheduler=not options["no_scheduler"],
        )


def start_scheduler() -> subprocess.Popen[bytes]:
    """django-q2's cluster in its own process, so scheduled work never runs in a web worker.

    It inherits the environment, ZHAOLUO_TODAY included, so the demo's clock holds there too.
    """
    env = dict(os.environ)
    if settings.ZHAOLUO_TODAY:
        env["ZHAOLUO_TODAY"] = settings.ZHAOLUO_TODAY
    return subprocess.Popen([sys.executable, "-m", "zhaoluo.cli", "qcluster"], env=env)


def serve(*, host: str, port: int, workers: int = 2, scheduler: bool = True) -> None:
    from django.core.management import call_command
    from gunicorn.app.base import BaseApplication

    # Production storage serves hashed files from STATIC_ROOT; collecting is idempotent
    # and takes a second, so serving never starts with pages that cannot find their CSS.
    call_command("collectstatic", interactive=False, verbosity=0)

    from zhaoluo.wsgi import application

    class App(BaseApplication):
        def load_config(self) -> None:
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("threads", 4)
            self.cfg.set("accesslog", "-" if settings.DEBUG else None)
            self.cfg.set("timeout", 120)

        def load(self) -> Any:
            return application

    cluster = start_scheduler() if scheduler else None
    try:
        App().run()
    finally:
        if cluster is not None:
            cluster.terminate()
            try:
                cluster.wait(timeout=30)
            except subprocess.TimeoutExpired:
                cluster.kill()
