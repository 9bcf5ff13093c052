"""Benchmark: import a generated projects ledger and compare with merely reading it.

    .venv/bin/python bench/ledger_import.py [--rows 100000] [--repeat 2]

Each measurement runs in its own process on a fresh SQLite database (under var/bench/), so
its peak RSS is its own. The bare read iterates the same file's rows with the reader the
import uses (python-calamine); the import is `zhaoluo import projects FILE`. The machines we
share are noisy, so the figure that matters is the ratio of the two, taken side by side.
Not a test: it asserts nothing and prints the figures for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "var" / "bench"
PYTHON = sys.executable
ZHAOLUO = [PYTHON, "-m", "zhaoluo.cli"]

READ = """
import sys, resource
from python_calamine import CalamineWorkbook
sheet = CalamineWorkbook.from_path(sys.argv[1]).get_sheet_by_index(0)
rows = sum(1 for _ in sheet.iter_rows())
print(rows)
"""

SETUP = """
from zhaoluo.orgs.models import Region
province = Region.objects.create(code="420000", name="湖北省", level="province")
city = Region.objects.create(code="420600", name="襄阳市", level="city", parent=province)
Region.objects.create(code="420607", name="襄州区", level="district", parent=city)
"""


def measured(command: list[str], env: dict[str, str]) -> tuple[float, float, float, str]:
    """Wall seconds, CPU seconds (user + system) and peak RSS (MiB) of one child process.

    On a shared machine the wall time stretches with everyone else's load; the CPU time
    much less so, which makes it the steadier figure to compare runs by."""
    runner = (
        "import resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "elapsed = time.perf_counter() - t\n"
        "usage = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "rss, cpu = usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime\n"
        "print(f'{elapsed:.3f} {cpu:.3f} {rss:.1f} {done.returncode}')\n"
        "sys.stderr.write(done.stdout[-400:] + done.stderr[-400:])\n"
    )
    out = subprocess.run([PYTHON, "-c", runner, *command], capture_output=True, text=True, env=env, check=True)
    elapsed, cpu, rss, code = out.stdout.split()
    if code != "0":
        raise SystemExit(f"{' '.join(command)} failed ({code}):\n{out.stderr}")
    return float(elapsed), float(cpu), float(rss), out.stderr.strip().splitlines()[-1] if out.stderr.strip() else ""


def fresh_database(env: dict[str, str]) -> None:
    var = Path(env["ZHAOLUO_VAR_DIR"])
    shutil.rmtree(var, ignore_errors=True)
    var.mkdir(parents=True)
    subprocess.run([*ZHAOLUO, "migrate", "-v0"], env=env, check=True)
    subprocess.run([*ZHAOLUO, "shell", "-c", SETUP], env=env, check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "bench"))
    import ledger_data

    path = BENCH / f"projects-{args.rows}.xlsx"
    if not path.exists():
        started = time.perf_counter()
        ledger_data.write_xlsx(path, args.rows)
        print(f"generated {path.name} in {time.perf_counter() - started:.1f} s ({path.stat().st_size / 1e6:.1f} MB)")
    env = {**os.environ, "ZHAOLUO_VAR_DIR": str(BENCH / "db"), "DJANGO_SETTINGS_MODULE": "zhaoluo.settings"}
    env.pop("DATABASE_URL", None)
    print(f"rows={args.rows} cpu={os.cpu_count()} load={os.getloadavg()[0]:.2f}")
    print(
        f"{'run':>4} {'read s':>7} {'cpu':>6} {'MiB':>5} {'import s':>9} {'cpu':>6} {'MiB':>5} "
        f"{'rows/s':>7} {'ratio':>6} {'cpu ratio':>9}"
    )
    for run in range(1, args.repeat + 1):
        read_s, read_cpu, read_rss, _ = measured([PYTHON, "-c", READ, str(path)], env)
        fresh_database(env)
        import_s, import_cpu, import_rss, summary = measured([*ZHAOLUO, "import", "projects", str(path)], env)
        print(
            f"{run:>4} {read_s:>7.2f} {read_cpu:>6.2f} {read_rss:>5.0f} {import_s:>9.2f} {import_cpu:>6.2f} "
            f"{import_rss:>5.0f} {args.rows / import_s:>7.0f} {import_s / read_s:>6.2f} {import_cpu / read_cpu:>9.2f}"
        )
    print(f"last import: {summary}")


if __name__ == "__main__":
    main()
