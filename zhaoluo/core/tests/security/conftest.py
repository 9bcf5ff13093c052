"""Records the security tests point routes at, beside the `world` fixture's personas."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.test import Client

from zhaoluo.core.models import AuditEvent
from zhaoluo.projects.choices import Stage, TransitionKind
from zhaoluo.projects.models import Milestone, Project, StageTransition
from zhaoluo.testing import factories as f
from zhaoluo.testing.permission_matrix import ANONYMOUS, Targets


def targets_for(project: Project, by: Any) -> Targets:
    """A milestone and an evidence file on `project`, so every route of it has something to name."""
    milestone = Milestone.objects.create(project=project, name="完成供地", planned_on=dt.date(2020, 6, 30))
    transition = StageTransition(
        project=project,
        kind=TransitionKind.ADVANCE,
        from_stage=Stage.NEGOTIATING,
        to_stage=Stage.NEGOTIATING,
        on=dt.date(2020, 5, 1),
        by=by,
    )
    transition.evidence.save("签约协议.pdf", ContentFile(b"%PDF-1.4\n%test\n"), save=False)
    transition.save()
    enterprise = project.enterprise or f.EnterpriseFactory.create(
        district=project.district, township=project.township, name=f"{project.name}企业"
    )
    if project.enterprise_id is None:
        Project.objects.filter(pk=project.pk).update(enterprise=enterprise)
    return Targets(project=project, milestone=milestone, evidence=transition, enterprise=enterprise)


@pytest.fixture
def targets(world) -> Targets:
    # The token endpoint throttles anonymous callers per address; each test starts afresh.
    cache.clear()
    return targets_for(world.project, world.investment)


def client_as(world, persona: str) -> Client:
    client = Client()
    if persona != ANONYMOUS:
        client.force_login(getattr(world, persona))
    return client


def send(client: Client, method: str, url: str, *, api: bool, data: dict | None = None, **extra: Any):
    """One request with an empty (or given) body: JSON for the API, a form for pages."""
    data = data or {}
    if method == "GET":
        return client.get(url, **extra)
    if api:
        return client.generic(method, url, json.dumps(data), content_type="application/json", **extra)
    if method == "POST":
        return client.post(url, data, **extra)
    return client.generic(method, url, "", **extra)


# Read-audit events (someone viewed or exported records) are the one write a GET may make:
# they record the read and change no record. None exist yet; the audit log may add them.
READ_AUDIT_SUFFIXES = (".viewed", ".exported", ".downloaded", ".read")


def db_state() -> dict[str, list[tuple]]:
    """Every row of every table, except sessions (the session store is the login itself)."""
    state: dict[str, list[tuple]] = {}
    for model in apps.get_models(include_auto_created=True):
        if model is Session:
            continue
        rows = model._default_manager.order_by("pk")
        if model is AuditEvent:
            for suffix in READ_AUDIT_SUFFIXES:
                rows = rows.exclude(action__endswith=suffix)
        state[model._meta.db_table] = list(rows.values_list())
    return state


def changed_tables(before: dict, after: dict) -> list[str]:
    return [table for table in before if before[table] != after.get(table)]
