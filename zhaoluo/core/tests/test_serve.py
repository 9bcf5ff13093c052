"""`zhaoluo serve` as an operator starts it: a real gunicorn on a free local port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, response.read().decode("utf-8", "replace")


def test_serve_answers_the_login_page_with_its_own_static_files(tmp_path: Path):
    env = {
        **os.environ,
        "ZHAOLUO_VAR_DIR": str(tmp_path),
        "ZHAOLUO_SQLITE_PATH": str(tmp_path / "db.sqlite3"),
        "DJANGO_SETTINGS_MODULE": "zhaoluo.settings",
    }
    env.pop("DATABASE_URL", None)
    zhaoluo = [sys.executable, "-m", "zhaoluo.cli"]
    subprocess.run([*zhaoluo, "migrate", "-v", "0"], env=env, check=True, timeout=120)
    port = _free_port()
    server = subprocess.Popen(
        [*zhaoluo, "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                status, page = _get(f"{base}/login/")
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.3)
        assert status == 200
        assert "登录" in page
        stylesheets = [part.split('"')[0] for part in page.split('href="')[1:] if ".css" in part.split('"')[0]]
        assert stylesheets, "the login page links its stylesheets"
        for href in stylesheets:
            assert href.startswith("/static/"), f"{href} is not served by the platform"
            assert _get(base + href)[0] == 200
    finally:
        server.terminate()
        server.wait(timeout=20)
