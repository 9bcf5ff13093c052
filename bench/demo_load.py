"""Benchmark: loading the demo district (`zhaoluo demo --no-serve`) on a fresh SQLite file.

    .venv/bin/python bench/demo_load.py [--repeat 2] [--reference DIR]

Each run migrates a new database under var/bench/ in its own process (not timed), then times
`zhaoluo demo --no-serve` on it in another: wall seconds, and CPU seconds (user + system) of that
child, which the other sessions on a shared machine stretch far less than the wall. The demo's
own figure ("用时 … 秒", the load without migrating or starting Django) is reported beside them.

`--reference DIR` names a checkout of other code (e.g. `git archive <commit> | tar -x -C DIR`),
run with this virtualenv, alternately with this checkout: side by side, in the same minutes.
Every run's `zhaoluo stats --year 2020 --format json` must be the same text and its
`zhaoluo audit verify` must pass, or the benchmark stops: a faster load that changes the
demo is no result. Not a test: it prints rows for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "var" / "bench"
PYTHON = sys.executable
LOADED = re.compile(r"用时 ([0-9.]+) 秒")


def _env(db: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "ZHAOLUO_TODAY")}
    return {**env, "ZHAOLUO_SQLITE_PATH": str(db), "DJANGO_SETTINGS_MODULE": "zhaoluo.settings"}


def _cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _zhaoluo(code: Path, db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # cwd first on sys.path (python -m): the checkout in `code` is the one imported.
    command = [PYTHON, "-m", "zhaoluo.cli", *args]
    return subprocess.run(command, env=_env(db), cwd=code, check=True, capture_output=True, text=True)


def one_run(code: Path, label: str, n: int) -> dict[str, object]:
    BENCH.mkdir(parents=True, exist_ok=True)
    db = BENCH / f"demo-{label}-{n}.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    _zhaoluo(code, db, "migrate", "-v0")
    cpu, started = _cpu_of_children(), time.monotonic()
    done = _zhaoluo(code, db, "demo", "--no-serve")
    wall, cpu = time.monotonic() - started, _cpu_of_children() - cpu
    loaded = LOADED.search(done.stdout)
    stats = _zhaoluo(code, db, "stats", "--year", "2020", "--format", "json").stdout
    verify = _zhaoluo(code, db, "audit", "verify").stdout.strip()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    return {
        "label": label,
        "wall": wall,
        "cpu": cpu,
        "loaded": float(loaded.group(1)) if loaded else float("nan"),
        "stats": stats,
        "verify": verify,
        "load": os.getloadavg()[0],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--reference", type=Path, help="a checkout of the code to compare with")
    args = parser.parse_args()
    codes = [("this", ROOT)]
    if args.reference:
        codes.insert(0, ("reference", args.reference.resolve()))
    print("| run | code | load avg | demo s (wall) | demo CPU s | loader's 用时 s | audit verify |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    stats: str | None = None
    for n in range(1, args.repeat + 1):
        for label, code in codes:
            result = one_run(code, label, n)
            if stats is None:
                stats = str(result["stats"])
            elif result["stats"] != stats:
                sys.exit(f"the 2020 figures differ in run {n} ({label}):\n{result['stats']}\n!=\n{stats}")
            print(
                f"| {n} | {label} | {result['load']:.1f} | {result['wall']:.1f} | {result['cpu']:.1f} "
                f"| {result['loaded']:.1f} | {result['verify']} |",
                flush=True,
            )
    print(f"\nzhaoluo stats --year 2020 --format json, the same in every run:\n{stats}")


if __name__ == "__main__":
    main()
