"""Scheduled work: one entry point shared by `zhaoluo tick` and the background scheduler.

A tick runs the steps of STEPS in order. Each step is a function (today) -> counts that
does its own writes in its own transaction(s), so a tick killed half-way leaves every
finished piece committed and every unfinished one untouched; the next tick redoes what
is left. Steps are idempotent (a second run with nothing changed writes nothing) and
incremental: `changed_since()` gives the start of the step's last successful run, so a
step looks only at what changed after it (None: the first run, look at everything).

Only one tick runs at a time: a lease row (TickLease) taken with one conditional write,
which works alike on SQLite and PostgreSQL and expires, so a killed tick does not block
the next ones forever. A second tick started meanwhile returns at once with "busy".

To add a step, append one `Step(...)` to STEPS (order matters: notifications go last).
"""

from __future__ import annotations

import contextvars
import datetime as dt
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from . import clock, context
from .models import TickLease, TickStep

logger = logging.getLogger(__name__)

LEASE_NAME = "tick"

StepFn = Callable[[dt.date], dict[str, int]]


@dataclass(frozen=True)
class Step:
    name: str
    label: str
    run: StepFn


# --- The steps ---------------------------------------------------------------------------------


def _lights(today: dt.date) -> dict[str, int]:
    from zhaoluo.projects.services import lights_refresh_due

    return lights_refresh_due(today=today, since=changed_since())


def _files(today: dt.date) -> dict[str, int]:
    from .cleanup import purge_files

    return purge_files()


def _dormant(today: dt.date) -> dict[str, int]:
    from zhaoluo.accounts.services import dormant_accounts_disable

    # Dormant accounts and audit retention go by the real clock, not the demo's ZHAOLUO_TODAY.
    with transaction.atomic():
        return {"dormant_disabled": dormant_accounts_disable()}


def _login_failures(today: dt.date) -> dict[str, int]:
    from zhaoluo.accounts.services import login_failures_purge

    return {"login_failures_purged": login_failures_purge()}


def _audit_purge(today: dt.date) -> dict[str, int]:
    from .services import audit_purge

    return {"audit_purged": audit_purge().purged}


def _supervision(today: dt.date) -> dict[str, int]:
    from zhaoluo.supervision.services import supervision_tick

    return supervision_tick(today)


def _approvals(today: dt.date) -> dict[str, int]:
    from zhaoluo.approvals.services import approvals_tick

    return approvals_tick(today)


def _meetings(today: dt.date) -> dict[str, int]:
    from zhaoluo.meetings.services import meetings_tick

    return meetings_tick(today)


def _notify(today: dt.date) -> dict[str, int]:
    from zhaoluo.notify.services import deliver_due

    return {f"notify_{key}": value for key, value in deliver_due().items()}


# Other apps' steps (escalations, meetings, reminders …) go between the lights and the
# notifications: what they queue is sent in the same run.
STEPS: list[Step] = [
    Step("lights", "重算亮灯", _lights),
    Step("files", "清理临时文件", _files),
    Step("dormant", "停用长期未登录账号", _dormant),
    Step("login_failures", "清理登录失败记录", _login_failures),
    Step("audit_purge", "审计记录保存期清理", _audit_purge),
    # Before supervision: a late approval's new problem is then seen by the ladder the same day.
    Step("approvals", "审批超时转问题", _approvals),
    Step("supervision", "逾期升级督办与临期提醒", _supervision),
    # After supervision: the next agenda lists the problems escalated today.
    Step("meetings", "安排下次会议", _meetings),
    Step(
        "service_pools",
        "高企证书到期提醒",
        lambda today: __import__("zhaoluo.service.pools").service.pools.pools_tick(today),
    ),
    # Last: sends wait on the network, and whatever the steps before queued goes out in this run.
    Step("notify", "发送通知", _notify),
]


# --- The lease -----------------------------------------------------------------------------------


def _lease_ttl() -> dt.timedelta:
    return dt.timedelta(seconds=int(settings.ZHAOLUO_TICK_LEASE_SECONDS))


def lease_acquire(holder: str, *, name: str = LEASE_NAME) -> bool:
    """Take the lease if it is free or expired; False when another tick holds it."""
    now = timezone.now()
    expires = now + _lease_ttl()
    with transaction.atomic():
        taken = TickLease.objects.filter(name=name, expires_at__lt=now).update(
            holder=holder, acquired_at=now, expires_at=expires
        )
        if taken:
            return True
        if TickLease.objects.filter(name=name).exists():
            return False
        try:
            with transaction.atomic():
                TickLease.objects.create(name=name, holder=holder, acquired_at=now, expires_at=expires)
        except IntegrityError:
            # Another tick inserted the row between our check and our insert.
            return False
    return True


def lease_renew(holder: str, *, name: str = LEASE_NAME) -> bool:
    """Extend a held lease before each step; False if it ran out and someone else took it."""
    return bool(TickLease.objects.filter(name=name, holder=holder).update(expires_at=timezone.now() + _lease_ttl()))


def lease_release(holder: str, *, name: str = LEASE_NAME) -> None:
    TickLease.objects.filter(name=name, holder=holder).delete()


# --- Running -------------------------------------------------------------------------------------

_since: contextvars.ContextVar[dt.datetime | None] = contextvars.ContextVar("tick_since", default=None)


def changed_since() -> dt.datetime | None:
    """Inside a step: when its last successful run started (None on the first run)."""
    return _since.get()


@dataclass
class TickResult:
    busy: bool = False
    counts: dict[str, int] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    steps: dict[str, dict[str, int]] = field(default_factory=dict)
    duration_ms: int = 0


def _run_step(step: Step, position: int, today: dt.date, result: TickResult) -> None:
    state, _ = TickStep.objects.get_or_create(name=step.name, defaults={"position": position})
    started = timezone.now()
    clock_start = time.perf_counter()
    token = _since.set(state.since)
    error = ""
    counts: dict[str, int] = {}
    try:
        counts = step.run(today)
    except Exception as exc:
        logger.exception("定时任务步骤 %s 失败", step.name)
        error = f"{type(exc).__name__}: {exc}"[:2000]
    finally:
        _since.reset(token)
    duration = int((time.perf_counter() - clock_start) * 1000)
    values: dict[str, object] = {
        "position": position,
        "last_started_at": started,
        "last_finished_at": timezone.now(),
        "last_duration_ms": duration,
        "last_error": error,
        "last_today": today,
    }
    if error:
        values["failures"] = state.failures + 1
        result.errors[step.name] = error
    else:
        # The window moves only on success: after a failure the next run looks again at
        # everything since the last good run, so nothing changed in between is missed.
        values.update(since=started, last_counts=counts, runs=state.runs + 1)
        result.counts.update(counts)
        result.steps[step.name] = counts
    TickStep.objects.filter(pk=state.pk).update(**values)


def tick(today: dt.date | None = None, *, steps: list[Step] | None = None) -> TickResult:
    """Run every step once, unless another tick is running (then `busy`, having done nothing)."""
    today = today or clock.today()
    holder = uuid.uuid4().hex
    if not lease_acquire(holder):
        return TickResult(busy=True)
    result = TickResult()
    began = time.perf_counter()
    try:
        with context.using(context.RequestContext(source="tick", request_id=context.new_request_id())):
            for position, step in enumerate(STEPS if steps is None else steps):
                if not lease_renew(holder):
                    result.errors["lease"] = "定时任务锁已过期并被其他进程取得，本次停止"
                    break
                _run_step(step, position, today, result)
    finally:
        lease_release(holder)
    result.duration_ms = int((time.perf_counter() - began) * 1000)
    return result


def run_tick(today: dt.date | None = None) -> dict[str, int]:
    """The scheduler's entry point (django-q2 calls it by name): the counts of all steps,
    with `busy` 1 when another tick was running and `failed_steps` for steps that raised."""
    result = tick(today)
    if result.busy:
        return {"busy": 1}
    return {**result.counts, "busy": 0, "failed_steps": len(result.errors)}


def step_states() -> list[TickStep]:
    """Every step's last run, in tick order (steps never run yet included, empty)."""
    known = {state.name: state for state in TickStep.objects.all()}
    return [known.get(step.name) or TickStep(name=step.name, position=i) for i, step in enumerate(STEPS)]


def step_label(name: str) -> str:
    return next((step.label for step in STEPS if step.name == name), name)
