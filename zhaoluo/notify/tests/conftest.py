"""A local robot endpoint: records every webhook call and answers as told (ok, errcode, HTTP error, hang)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest


@dataclass
class Call:
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any


@dataclass
class RobotServer:
    base: str
    calls: list[Call] = field(default_factory=list)
    modes: dict[str, str] = field(default_factory=dict)
    release: threading.Event = field(default_factory=threading.Event)
    entered: threading.Event = field(default_factory=threading.Event)

    def url(self, path: str) -> str:
        return f"{self.base}{path}"

    def answer(self, prefix: str, mode: str) -> None:
        """ok | errcode | http500 | notjson | hang (never answers) | block_first (first call waits for `release`)."""
        self.modes[prefix] = mode

    def calls_to(self, prefix: str) -> list[Call]:
        return [c for c in self.calls if c.path.startswith(prefix)]


@pytest.fixture
def robot() -> Iterator[RobotServer]:
    state: dict[str, RobotServer] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            server = state["server"]
            parts = urlsplit(self.path)
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            server.calls.append(Call(parts.path, query, dict(self.headers.items()), json.loads(raw or b"null")))
            mode = next((m for p, m in server.modes.items() if parts.path.startswith(p)), "ok")
            if mode == "hang" or (mode == "block_first" and len(server.calls) == 1):
                server.entered.set()
                server.release.wait(timeout=10)
                if mode == "hang":
                    return
            if mode == "http500":
                self._reply(500, b"upstream broke")
            elif mode == "notjson":
                self._reply(200, b"<html>gateway</html>")
            elif mode == "errcode":
                self._reply(200, json.dumps({"errcode": 310000, "errmsg": "sign not match"}).encode())
            else:
                self._reply(200, json.dumps({"errcode": 0, "errmsg": "ok"}).encode())

        def _reply(self, status: int, body: bytes) -> None:
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except OSError:
                pass  # the client gave up (timeout): nothing to answer

        def log_message(self, format: str, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    host, port = httpd.server_address[:2]
    state["server"] = RobotServer(base=f"http://{host}:{port}")
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield state["server"]
    finally:
        state["server"].release.set()
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(autouse=True)
def _notify_settings(settings):
    settings.ZHAOLUO_NOTIFY_TIMEOUT = 0.5
    # The fake robot listens on 127.0.0.1: allowed as an operator would allow a gateway.
    settings.ZHAOLUO_WEBHOOK_HOSTS = ["127.0.0.1"]
    settings.ZHAOLUO_NOTIFY_QUEUE = False
    settings.ZHAOLUO_SITE_URL = "https://zl.example.gov.cn"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
