"""`zhaoluo serve` as an operator starts it: a real gunicorn on a free local port, with
the scheduler beside it."""

from __future__ import annotations

import contextlib
import os
import socket
import sqlite3
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


def _wait_for_tick(db: Path, *, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.closing(sqlite3.connect(db, timeout=10)) as conn:
            row = conn.execute(
                "SELECT COUNT(*) FROM django_q_task WHERE func = 'zhaoluo.core.scheduled.run_tick' AND success = 1"
            ).fetchone()
        if row[0]:
            return True
        time.sleep(1)
    return False


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
        # The scheduler beside the web workers runs the tick the migration scheduled.
        assert _wait_for_tick(tmp_path / "db.sqlite3", seconds=120), "the scheduled tick never ran"
    finally:
        server.terminate()
        server.wait(timeout=20)
