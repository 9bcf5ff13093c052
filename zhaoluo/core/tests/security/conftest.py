"""Records the security tests point routes at, beside the `world` fixture's personas."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.test import Client

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
