"""Benchmark: `zhaoluo tick` on the demo database, with nothing changed and after 100 changes.

    .venv/bin/python bench/tick.py [--repeat 3]

The demo database is built once under var/bench/ (`zhaoluo demo --no-serve`, ZHAOLUO_TODAY
2021-03-31) and copied afresh for each repeat, so every repeat starts from the same state:
the loader's own tick has run, so the first tick here is already a "nothing changed" one.
Each repeat, in one process:

- reference: 1,000 × `SELECT COUNT(*) FROM projects_project` (the machine's speed right now);
- idle: three ticks in a row with nothing changed (the median is reported);
- changed: 50 milestones completed (on 50 projects) and 50 problems raised through the services, then one tick;
- full: the light refresh of every project as the tick did it before it was incremental, for comparison.

The machines we share are noisy, so the ratios to the reference are what to compare over time.
Not a test: it asserts nothing and prints the figures for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "var" / "bench"
DEMO_DB = BENCH / "tick-demo.sqlite3"
PYTHON = sys.executable
TODAY = "2021-03-31"

RUN = r"""
import datetime as dt, json, statistics, time
import django
django.setup()
from django.db import connection
from zhaoluo.core import scheduled
from zhaoluo.orgs.choices import Role
from zhaoluo.orgs.models import User
from zhaoluo.problems import services as problems
from zhaoluo.projects import services as projects
from zhaoluo.projects.models import Milestone

today = dt.date.fromisoformat("%(today)s")

def reference():
    start = time.perf_counter()
    with connection.cursor() as cursor:
        for _ in range(1000):
            cursor.execute("SELECT COUNT(*) FROM projects_project")
            cursor.fetchone()
    return time.perf_counter() - start

def timed_tick():
    start = time.perf_counter()
    result = scheduled.tick(today)
    assert not result.busy and not result.errors, result.errors
    return time.perf_counter() - start, result.counts.get("checked", 0)

ref = reference()
idle = [timed_tick() for _ in range(3)]
task_force = User.objects.get(role=Role.TASK_FORCE)
seen = set()
undone = Milestone.objects.filter(actual_on__isnull=True).select_related("project")
for milestone in undone.order_by("planned_on", "pk"):
    if milestone.project_id in seen:
        continue
    seen.add(milestone.project_id)
    projects.milestone_update(milestone=milestone, by=task_force, data={"actual_on": today}, expected_version=None)
    if len(seen) == 50:
        break
for i in range(50):
    problems.problem_raise(by=task_force, description=f"基准测试问题 {i}：施工用电增容待协调")
changed = timed_tick()
start = time.perf_counter()
full = projects.lights_refresh_all(today=today)
full_s = time.perf_counter() - start
print(json.dumps({
    "reference_s": ref,
    "idle_s": statistics.median(t for t, _ in idle),
    "idle_checked": idle[-1][1],
    "changed_s": changed[0],
    "changed_checked": changed[1],
    "full_s": full_s,
    "full_checked": full["checked"],
}))
"""


def _env(db: Path) -> dict[str, str]:
    return {
        **os.environ,
        "ZHAOLUO_SQLITE_PATH": str(db),
        "ZHAOLUO_TODAY": TODAY,
        "DJANGO_SETTINGS_MODULE": "zhaoluo.settings",
    }


def build_demo() -> None:
    if DEMO_DB.exists():
        return
    BENCH.mkdir(parents=True, exist_ok=True)
    env = _env(DEMO_DB)
    subprocess.run([PYTHON, "-m", "zhaoluo.cli", "migrate", "-v0"], env=env, check=True, cwd=ROOT)
    subprocess.run(
        [PYTHON, "-m", "zhaoluo.cli", "demo", "--no-serve"], env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL
    )


def one_run(n: int) -> dict[str, float]:
    work = BENCH / f"tick-run-{n}.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{work}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(DEMO_DB, work)
    out = subprocess.run(
        [PYTHON, "-c", RUN % {"today": TODAY}], env=_env(work), check=True, cwd=ROOT, capture_output=True, text=True
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    build_demo()
    print(
        "| run | reference s | idle tick s | idle ÷ ref | recomputed | after 100 changes s | changed ÷ ref "
        "| recomputed | full light refresh s | full ÷ ref | recomputed |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for n in range(1, args.repeat + 1):
        r = one_run(n)
        ref = r["reference_s"]
        print(
            f"| {n} | {ref:.3f} | {r['idle_s']:.3f} | {r['idle_s'] / ref:.2f} | {r['idle_checked']:.0f} "
            f"| {r['changed_s']:.3f} | {r['changed_s'] / ref:.2f} | {r['changed_checked']:.0f} "
            f"| {r['full_s']:.3f} | {r['full_s'] / ref:.2f} | {r['full_checked']:.0f} |"
        )


if __name__ == "__main__":
    main()
