"""Every app's latest migration reverses and applies again (H4), in one process.

The same check CI ran as two `zhaoluo migrate` processes per app (migrate the app back to its
previous migration, or to zero, then migrate everything forward again), without paying
Django's start-up and system checks forty times. Each `migrate` builds its own migration
loader and executor from the database, as a new process would.

    ZHAOLUO_SQLITE_PATH=/tmp/m.sqlite3 .venv/bin/python .ci/migrations_roundtrip.py
"""

from __future__ import annotations

import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MIGRATION = re.compile(r"^[0-9]{4}_.*\.py$")


def targets() -> list[tuple[str, str]]:
    """(app, the migration before its latest one, or "zero"), for each app with migrations."""
    found: list[tuple[str, str]] = []
    for directory in sorted((ROOT / "zhaoluo").glob("*/migrations")):
        names = sorted(p.name for p in directory.iterdir() if MIGRATION.match(p.name))
        if not names:
            continue
        found.append((directory.parent.name, names[-2].removesuffix(".py") if len(names) > 1 else "zero"))
    return found


def main() -> int:
    if not os.environ.get("ZHAOLUO_SQLITE_PATH") and not os.environ.get("DATABASE_URL"):
        print("set ZHAOLUO_SQLITE_PATH to a scratch database", file=sys.stderr)
        return 2
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhaoluo.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    for app, target in targets():
        started = time.monotonic()
        call_command("migrate", app, target, interactive=False, verbosity=0)
        call_command("migrate", interactive=False, verbosity=0)
        print(f"{app}: back to {target} and forward again ({time.monotonic() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
