"""Benchmark: how long a ledger dry run keeps other writers (a login, any save) waiting.

    .venv/bin/python bench/ledger_lock.py --rows 1048575 --narrow
    .venv/bin/python bench/ledger_lock.py --rows 20000 [--code /path/to/older/checkout]

Runs `zhaoluo import projects FILE --dry-run` on a fresh SQLite database while a second
process plays "another user saving something": every 0.25 s it takes the write lock the way
Django does (BEGIN IMMEDIATE, 20 s busy timeout) and lets it go, recording how long it waited
and whether it gave up ("database is locked", which a login used to turn into a 500). The
bare read of the same file (python-calamine) is measured beside it as the reference, since
the machines are shared and noisy. `--narrow` writes a two-column file so a full-height sheet
(1,048,575 rows) fits the 20 MiB limit, as the issue's file did. `--code` runs the import from
another checkout (e.g. `git archive COMMIT | tar -x -C DIR`) for a side-by-side "before".
Not a test: it asserts nothing and prints the figures for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

from ledger_import import BENCH, PYTHON, READ, ROOT, fresh_database

PROBE = """
import sqlite3, sys, time, pathlib
db, stop = sys.argv[1], pathlib.Path(sys.argv[2])
waits, gave_up = [], 0
while not stop.exists():
    connection = sqlite3.connect(db, timeout=20, isolation_level=None)
    started = time.perf_counter()
    try:
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("ROLLBACK")
        waits.append(time.perf_counter() - started)
    except sqlite3.OperationalError:
        gave_up += 1
    connection.close()
    time.sleep(0.25)
waits.sort()
print(len(waits), gave_up, f"{max(waits, default=0):.2f}", f"{waits[len(waits) // 2] if waits else 0:.3f}")
"""


def measured(command: list[str], env: dict[str, str]) -> tuple[float, float, float, str]:
    """Wall s, CPU s and peak RSS (MiB) of one child, and its last line of output; a refused
    file (exit 1) is a result here, not a failure."""
    runner = (
        "import resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "elapsed = time.perf_counter() - t\n"
        "usage = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "print(f'{elapsed:.3f} {usage.ru_utime + usage.ru_stime:.3f} {usage.ru_maxrss / 1024:.1f}')\n"
        "sys.stderr.write(done.stdout[-400:] + done.stderr[-400:])\n"
    )
    out = subprocess.run([PYTHON, "-c", runner, *command], capture_output=True, text=True, env=env, check=True)
    elapsed, cpu, rss = out.stdout.split()
    last = out.stderr.strip().splitlines()[-1] if out.stderr.strip() else ""
    return float(elapsed), float(cpu), float(rss), last


def narrow_xlsx(path: Path, count: int) -> Path:
    """A full-height two-column sheet written as XML straight into the zip (openpyxl takes many
    minutes for a million rows on a shared machine); inline strings, as other tools write."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    package = "http://schemas.openxmlformats.org/package/2006/relationships"
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
            '"/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.'
            'main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
        ),
        "_rels/.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{package}"><Relationship Id="rId1" '
            f'Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{main}" xmlns:r="{rel}"><sheets>'
            '<sheet name="项目台账" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{package}"><Relationship Id="rId1" '
            f'Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
        ),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{main}"><sheetData>'.encode())
            sheet.write(
                '<row r="1"><c r="A1" t="inlineStr"><is><t>项目名称</t></is></c>'
                '<c r="B1" t="inlineStr"><is><t>计划总投资（万元）</t></is></c></row>'.encode()
            )
            batch = []
            for n in range(2, count + 1):
                batch.append(
                    f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>P{n}</t></is></c><c r="B{n}"><v>100</v></c></row>'
                )
                if len(batch) == 10_000:
                    sheet.write("".join(batch).encode())
                    batch = []
            sheet.write(("".join(batch) + "</sheetData></worksheet>").encode())
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--narrow", action="store_true")
    parser.add_argument("--code", type=Path, default=ROOT)
    args = parser.parse_args()
    import ledger_data

    path = BENCH / f"projects-{args.rows}{'-narrow' if args.narrow else ''}.xlsx"
    if not path.exists():
        started = time.perf_counter()
        (narrow_xlsx if args.narrow else ledger_data.write_xlsx)(path, args.rows)
        print(f"generated {path.name} in {time.perf_counter() - started:.1f} s ({path.stat().st_size / 1e6:.1f} MB)")
    var = BENCH / "lock-db"
    env = {**os.environ, "ZHAOLUO_VAR_DIR": str(var), "DJANGO_SETTINGS_MODULE": "zhaoluo.settings"}
    env.pop("DATABASE_URL", None)
    env["PYTHONPATH"] = str(args.code)
    print(f"rows={args.rows} code={args.code} cpu={os.cpu_count()} load={os.getloadavg()[0]:.2f}")
    read_s, read_cpu, read_rss, _ = measured([PYTHON, "-c", READ, str(path)], env)
    previous = os.getcwd()
    os.chdir(args.code)  # `-m zhaoluo.cli` imports the checkout under test
    try:
        fresh_database(env)
        stop = var / "stop"
        stop.unlink(missing_ok=True)
        probe = subprocess.Popen(
            [PYTHON, "-c", PROBE, str(var / "zhaoluo.sqlite3"), str(stop)], stdout=subprocess.PIPE, text=True
        )
        dry_s, dry_cpu, dry_rss, summary = measured(
            [PYTHON, "-m", "zhaoluo.cli", "import", "projects", str(path), "--dry-run"], env
        )
        stop.touch()
        probes, gave_up, longest, median = (probe.communicate()[0] or "0 0 0 0").split()
    finally:
        os.chdir(previous)
    print(f"bare read: {read_s:.2f} s, cpu {read_cpu:.2f} s, {read_rss:.0f} MiB")
    print(f"dry run:   {dry_s:.2f} s, cpu {dry_cpu:.2f} s, {dry_rss:.0f} MiB, ÷ read {dry_s / read_s:.1f}")
    print(f"writers:   {probes} took the lock, {gave_up} gave up after 20 s, longest {longest} s, median {median} s")
    print(f"summary:   {summary}")


if __name__ == "__main__":
    sys.exit(main())
