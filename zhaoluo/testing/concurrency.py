"""Concurrent writers against a real database, for the security baseline's H2 and H6 rows.

The test suite's SQLite database lives in memory, where locking is not what a deployment
sees, so on SQLite these workloads run in a child process (`python -m
zhaoluo.testing.concurrency PATH`) with the platform's own settings pointed at a database
file: the DATABASES options under test are the ones production uses. On PostgreSQL the
test calls the same functions in-process against the test database.

Each workload returns counts, never asserts: the test decides what is acceptable.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import threading
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

COUNTER_THREADS = 8
COUNTER_PER_THREAD = 50


def _threads(n: int, work: Callable[[int], None]) -> None:
    from django.db import connection

    def run(i: int) -> None:
        try:
            work(i)
        finally:
            connection.close()  # each thread has its own connection; leave none open

    pool = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()


def _pair(action: Callable[[], str]) -> dict[str, int]:
    """Run `action` in two threads released at the same instant; count what each returned."""
    barrier = threading.Barrier(2)
    guard = threading.Lock()
    counts: dict[str, int] = {}

    def work(_: int) -> None:
        barrier.wait()
        try:
            slot = action()
        except Exception as exc:  # noqa: BLE001 - anything unexpected is counted and shown
            slot = f"error: {type(exc).__name__}: {exc}"
        with guard:
            counts[slot] = counts.get(slot, 0) + 1

    _threads(2, work)
    return counts


def _seed() -> dict[str, Any]:
    """A district, an investment user and an enterprise whose `employees` is the counter."""
    from zhaoluo.enterprises.models import Enterprise
    from zhaoluo.orgs.choices import RegionLevel, Role
    from zhaoluo.orgs.models import Region, User

    suffix = uuid.uuid4().hex[:6]
    district = Region.objects.create(code=f"9{suffix}", name=f"并发区{suffix}", level=RegionLevel.DISTRICT)
    user = User.objects.create(username=f"bingfa{suffix}", role=Role.INVESTMENT, region=district)
    enterprise = Enterprise.objects.create(
        uscc=f"91{suffix}".ljust(18, "0"), name=f"计数企业{suffix}", district=district, employees=0
    )
    return {"district": district, "user": user, "enterprise": enterprise}


def counter(*, threads: int = COUNTER_THREADS, per_thread: int = COUNTER_PER_THREAD, lock: bool) -> dict[str, Any]:
    """`threads` × `per_thread` read-modify-write transactions on one row through the ORM.

    `lock` reads with SELECT … FOR UPDATE (PostgreSQL); SQLite ignores it and relies on
    its IMMEDIATE transactions taking the write lock at BEGIN.
    """
    from django.db import OperationalError, transaction

    from zhaoluo.enterprises.models import Enterprise

    pk = _seed()["enterprise"].pk
    committed = 0
    locked = 0
    other: list[str] = []
    guard = threading.Lock()

    def work(_: int) -> None:
        nonlocal committed, locked
        for _ in range(per_thread):
            try:
                with transaction.atomic():
                    rows = Enterprise.objects.select_for_update() if lock else Enterprise.objects
                    enterprise = rows.get(pk=pk)
                    enterprise.employees = (enterprise.employees or 0) + 1
                    enterprise.save(update_fields=["employees"])
            except OperationalError as exc:
                with guard:
                    if "locked" in str(exc):
                        locked += 1
                    else:
                        other.append(str(exc))
            else:
                with guard:
                    committed += 1

    _threads(threads, work)
    final = Enterprise.objects.get(pk=pk).employees
    return {"attempts": threads * per_thread, "committed": committed, "final": final, "locked": locked, "other": other}


def advance_race(*, rounds: int = 10) -> dict[str, Any]:
    """Two people press 开工 on the same signed project from the same page (same version)."""
    from django.db import transaction

    from zhaoluo.core.errors import ConflictError
    from zhaoluo.projects import services
    from zhaoluo.projects.choices import Stage
    from zhaoluo.projects.models import Project, StageTransition

    seed = _seed()
    user, district = seed["user"], seed["district"]
    today = dt.date.today()
    outcomes: list[dict[str, int]] = []
    for r in range(rounds):
        project = services.project_create(
            by=user,
            district=district,
            data={"name": f"并发开工{r}-{uuid.uuid4().hex[:6]}", "planned_investment": Decimal(100), "investor": "某"},
            stage_data={"stage": Stage.SIGNED, "signed_on": today - dt.timedelta(days=30)},
        )
        version = project.version

        def start(pk: int = project.pk, version: int = version) -> str:
            mine = Project.objects.get(pk=pk)
            try:
                with transaction.atomic():
                    services.project_advance_stage(
                        project=mine, to=Stage.STARTED, on=today, by=user, expected_version=version
                    )
            except ConflictError:
                return "conflict"
            return "won"

        result = _pair(start)
        result["transitions"] = StageTransition.objects.filter(project=project, to_stage=Stage.STARTED).count()
        outcomes.append(result)
    return {"rounds": outcomes}


def create_once_race(*, rounds: int = 10) -> dict[str, Any]:
    """Two submissions of one milestone form with the same idempotency token, at once."""
    from zhaoluo.core import idempotency
    from zhaoluo.projects import services
    from zhaoluo.projects.models import Milestone

    seed = _seed()
    user, district = seed["user"], seed["district"]
    project = services.project_create(
        by=user, district=district, data={"name": f"幂等{uuid.uuid4().hex[:6]}", "planned_investment": Decimal(1)}
    )
    outcomes: list[dict[str, int]] = []
    for r in range(rounds):
        name, key = f"节点{r}", uuid.uuid4()

        def submit(key: uuid.UUID = key, name: str = name) -> str:
            outcome = idempotency.run_once(
                user=user,
                key=key,
                scope="projects.milestone_create",
                create=lambda: services.milestone_create(
                    project=project, by=user, name=name, planned_on=dt.date.today()
                ),
                describe=lambda m: (m, ""),
            )
            return "replayed" if isinstance(outcome, idempotency.Replay) else "created"

        result: dict[str, int] = _pair(submit)
        result["rows"] = Milestone.objects.filter(project=project, name=name).count()
        outcomes.append(result)
    return {"rounds": outcomes}


def resolve_race(*, rounds: int = 10) -> dict[str, Any]:
    """Two people of the responsible unit press 办结 on the same problem at once. Neither holds
    a version: only the conditional UPDATE … WHERE status = 办理中 stands between them."""
    from django.core.exceptions import ValidationError
    from django.db import transaction

    from zhaoluo.core.models import AuditEvent
    from zhaoluo.orgs.choices import Role
    from zhaoluo.orgs.models import Unit, User
    from zhaoluo.problems import services
    from zhaoluo.problems.models import Problem

    seed = _seed()
    district = seed["district"]
    suffix = uuid.uuid4().hex[:6]
    supervision = User.objects.create(username=f"ducha{suffix}", role=Role.SUPERVISION, region=district)
    unit = Unit.objects.create(name=f"并发责任单位{suffix}", region=district)
    handler = User.objects.create(username=f"banli{suffix}", role=Role.UNIT, region=district, unit=unit)
    outcomes: list[dict[str, int]] = []
    for r in range(rounds):
        problem = services.problem_raise(by=supervision, description=f"并发办结{r}")
        services.problem_assign(problem=problem, by=supervision, unit=unit, workdays=5)
        services.problem_start(problem=problem, by=handler)

        def resolve(pk: int = problem.pk, r: int = r) -> str:
            mine = Problem.objects.get(pk=pk)  # both read 办理中
            try:
                with transaction.atomic():
                    services.problem_resolve(problem=mine, by=handler, handling_note=f"办结{r}")
            except ValidationError:
                return "refused"
            return "won"

        result = _pair(resolve)
        result["resolved_rows"] = AuditEvent.objects.filter(
            action="problem.resolved", object_type="problems.problem", object_id=str(problem.pk)
        ).count()
        outcomes.append(result)
    return {"rounds": outcomes}


def pragmas() -> dict[str, Any]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        journal = cursor.fetchone()[0]
        cursor.execute("PRAGMA synchronous")
        synchronous = cursor.fetchone()[0]
        cursor.execute("PRAGMA busy_timeout")
        busy = cursor.fetchone()[0]
    return {"journal_mode": journal, "synchronous": synchronous, "busy_timeout": busy}


def main(argv: list[str]) -> int:
    """Run every workload on a fresh SQLite file at argv[0] and print the counts as JSON."""
    os.environ["ZHAOLUO_SQLITE_PATH"] = argv[0]
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhaoluo.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    report = {
        "pragmas": pragmas(),
        "counter": counter(lock=False),
        "advance": advance_race(),
        "create_once": create_once_race(),
        "resolve": resolve_race(),
    }
    json.dump(report, sys.stdout)
    return 0


if __name__ == "__main__":  # pragma: no cover - run by the test in a child process
    raise SystemExit(main(sys.argv[1:]))
