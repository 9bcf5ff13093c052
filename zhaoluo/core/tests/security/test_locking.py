"""H5: optimistic locking on every edit. Two people load version v and both submit: the
first is saved, the second gets 409 naming what changed, and nothing is lost."""

from __future__ import annotations

import datetime as dt
import json
import random
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
import time_machine
from django.test import RequestFactory
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator

from zhaoluo.approvals.models import Approval, ApprovalItem
from zhaoluo.assistance.models import AssistanceForm
from zhaoluo.core.errors import ConflictError
from zhaoluo.enterprises import services as enterprise_services
from zhaoluo.enterprises.models import Enterprise
from zhaoluo.problems import services as problem_services
from zhaoluo.problems.choices import Status as ProblemStatus
from zhaoluo.problems.models import Problem
from zhaoluo.projects import services
from zhaoluo.projects.choices import Stage
from zhaoluo.projects.forms import ProjectForm
from zhaoluo.projects.models import Milestone, Project
from zhaoluo.service.models import Pairing
from zhaoluo.supervision.models import Notice
from zhaoluo.testing import permission_matrix as pm

from .conftest import client_as

pytestmark = pytest.mark.django_db

ON = "2020-07-01"


@pytest.fixture(autouse=True)
def _july_2020():
    with time_machine.travel(dt.datetime(2020, 7, 15, 10, tzinfo=dt.UTC), tick=False):
        yield


def _project_form(project: Project) -> dict:
    data = {k: ("" if v is None else v) for k, v in ProjectForm.initial_for(project).items()}
    return {k: v for k, v in data.items() if v is not False}


@dataclass
class Edit:
    """One update endpoint: where, and a valid submission built from what the user loaded."""

    route: str
    api: bool
    method: str
    url: Callable[[object], str]
    payload: Callable[[object, int], dict]
    version_of: Callable[[object], int]
    setup: Callable[[object, object], None] | None = None
    # A delete is raced by an edit (a second delete of a deleted record is a plain 404).
    first: Callable[[object, object, int], None] | None = None
    # Who submits: the moves of a problem belong to different people (problems/permissions.py).
    persona: str = "investment"


def _terminate(t, world) -> None:
    services.project_terminate(project=t.project, on=dt.date(2020, 6, 1), reason="撤资", by=world.investment)


def _v_project(t) -> int:
    return Project.objects.get(pk=t.project.pk).version


def _v_pairing(t) -> int:
    return Pairing.objects.get(pk=t.pairing.pk).version


def _v_milestone(t) -> int:
    return Milestone.objects.get(pk=t.milestone.pk).version


def _v_enterprise(t) -> int:
    return Enterprise.objects.get(pk=t.enterprise.pk).version


def _rename_milestone(t, world, version: int) -> None:
    m = Milestone.objects.get(pk=t.milestone.pk)
    services.milestone_update(milestone=m, by=world.task_force, data={"name": "他人改名"}, expected_version=version)


def _v_problem(t) -> int:
    return Problem.objects.get(pk=t.problem.pk).version


def _problem_at(status: str) -> Callable[[object, object], None]:
    """Walk the target problem (raised by `investment`, 区发改局 responsible) up to `status`."""

    def setup(t, world) -> None:
        problem = Problem.objects.get(pk=t.problem.pk)
        problem_services.problem_assign(
            problem=problem, by=world.supervision, unit=world.lead_unit, due_on=dt.date(2020, 7, 31)
        )
        if status in (ProblemStatus.HANDLING, ProblemStatus.RESOLVED):
            problem_services.problem_start(problem=problem, by=world.unit)
        if status == ProblemStatus.RESOLVED:
            problem_services.problem_resolve(problem=problem, by=world.unit, handling_note="已办")

    return setup


def _problem_edits() -> list[Edit]:
    """Each move of a problem, on the page and in the API: (route, action, payload, setup, persona)."""
    moves = [
        (
            "assign",
            lambda t, v: {"unit": t.project.lead_unit_id, "due_on": "2020-07-31", "version": v},
            None,
            "investment",
        ),
        ("start", lambda t, v: {"version": v}, _problem_at(ProblemStatus.ASSIGNED), "unit"),
        ("resolve", lambda t, v: {"handling_note": "已办", "version": v}, _problem_at(ProblemStatus.HANDLING), "unit"),
        ("return", lambda t, v: {"reason": "未落实", "version": v}, _problem_at(ProblemStatus.RESOLVED), "investment"),
        ("close", lambda t, v: {"version": v}, _problem_at(ProblemStatus.RESOLVED), "investment"),
        (
            "rate",
            lambda t, v: {"satisfaction": "satisfied", "version": v},
            _problem_at(ProblemStatus.RESOLVED),
            "investment",
        ),
    ]
    edits = []
    for name, payload, setup, persona in moves:
        edits.append(
            Edit(
                f"problems:{name}",
                False,
                "POST",
                lambda t, name=name: reverse(f"problems:{name}", args=[t.problem.pk]),
                payload,
                _v_problem,
                setup,
                persona=persona,
            )
        )
        edits.append(
            Edit(
                f"api-problem-{name}",
                True,
                "POST",
                lambda t, name=name: f"/api/problems/{t.problem.pk}/{name}/",
                payload,
                _v_problem,
                setup,
                persona=persona,
            )
        )
    return edits


def _v_assistance(t) -> int:
    return AssistanceForm.objects.get(pk=t.assistance_form.pk).version


def _v_notice(t) -> int:
    return Notice.objects.get(pk=t.notice.pk).version


def _v_approval(t) -> int:
    return Approval.objects.get(pk=t.approval.pk).version


def _v_item(t) -> int:
    return ApprovalItem.objects.get(pk=t.approval_item.pk).version


def _approval_edits() -> list[Edit]:
    approval = lambda t, v: {"submitted_on": "2020-07-01", "note": "材料已齐", "version": v}  # noqa: E731
    return [
        Edit(
            "approvals:edit",
            False,
            "POST",
            lambda t: reverse("approvals:edit", args=[t.approval.pk]),
            approval,
            _v_approval,
        ),
        Edit("api-approval-detail", True, "PATCH", lambda t: f"/api/approvals/{t.approval.pk}/", approval, _v_approval),
        Edit(
            "approvals:item_edit",
            False,
            "POST",
            lambda t: reverse("approvals:item_edit", args=[t.approval_item.pk]),
            lambda t, v: {"name": "施工许可", "limit_workdays": 5, "position": 90, "is_active": "on", "version": v},
            _v_item,
        ),
    ]


def _members(t) -> list[int]:
    return [m.official_id for m in t.project.task_force.all()]


UPDATES = [
    Edit(
        "projects:edit",
        False,
        "POST",
        lambda t: reverse("projects:edit", args=[t.project.pk]),
        lambda t, v: {**_project_form(Project.objects.get(pk=t.project.pk)), "version": v, "description": "改"},
        _v_project,
    ),
    Edit(
        "projects:advance",
        False,
        "POST",
        lambda t: reverse("projects:advance", args=[t.project.pk]),
        lambda t, v: {"to": Stage.SIGNED, "on": ON, "version": v},
        _v_project,
    ),
    Edit(
        "projects:terminate",
        False,
        "POST",
        lambda t: reverse("projects:terminate", args=[t.project.pk]),
        lambda t, v: {"on": ON, "reason": "撤资", "version": v},
        _v_project,
    ),
    Edit(
        "projects:reopen",
        False,
        "POST",
        lambda t: reverse("projects:reopen", args=[t.project.pk]),
        lambda t, v: {"on": ON, "reason": "重新洽谈", "version": v},
        _v_project,
        _terminate,
    ),
    Edit(
        "projects:task_force",
        False,
        "POST",
        lambda t: reverse("projects:task_force", args=[t.project.pk]),
        lambda t, v: {"members": _members(t), "lead": _members(t)[0], "version": v},
        _v_project,
    ),
    Edit(
        "projects:milestone_edit",
        False,
        "POST",
        lambda t: reverse("projects:milestone_edit", args=[t.project.pk, t.milestone.pk]),
        lambda t, v: {"name": f"节点{v}", "planned_on": "2020-08-01", "weight": "1", "version": v},
        _v_milestone,
    ),
    Edit(
        "projects:milestone_complete",
        False,
        "POST",
        lambda t: reverse("projects:milestone_complete", args=[t.project.pk, t.milestone.pk]),
        lambda t, v: {"actual_on": ON, "version": v},
        _v_milestone,
    ),
    Edit(
        "projects:milestone_delete",
        False,
        "POST",
        lambda t: reverse("projects:milestone_delete", args=[t.project.pk, t.milestone.pk]),
        lambda t, v: {"version": v},
        _v_milestone,
        first=_rename_milestone,
    ),
    Edit(
        "enterprises:edit",
        False,
        "POST",
        lambda t: reverse("enterprises:edit", args=[t.enterprise.pk]),
        lambda t, v: {"uscc": t.enterprise.uscc, "name": t.enterprise.name, "listing": "none", "version": v},
        _v_enterprise,
    ),
    Edit(
        "api-project-detail",
        True,
        "PATCH",
        lambda t: f"/api/projects/{t.project.pk}/",
        lambda t, v: {"version": v, "description": "接口改"},
        _v_project,
    ),
    Edit(
        "api-project-advance",
        True,
        "POST",
        lambda t: f"/api/projects/{t.project.pk}/advance/",
        lambda t, v: {"to": Stage.SIGNED, "on": ON, "version": v},
        _v_project,
    ),
    Edit(
        "api-project-terminate",
        True,
        "POST",
        lambda t: f"/api/projects/{t.project.pk}/terminate/",
        lambda t, v: {"on": ON, "reason": "撤资", "version": v},
        _v_project,
    ),
    Edit(
        "api-project-reopen",
        True,
        "POST",
        lambda t: f"/api/projects/{t.project.pk}/reopen/",
        lambda t, v: {"on": ON, "reason": "重新洽谈", "version": v},
        _v_project,
        _terminate,
    ),
    Edit(
        "api-project-task-force",
        True,
        "PUT",
        lambda t: f"/api/projects/{t.project.pk}/task-force/",
        lambda t, v: {"members": [{"official": _members(t)[0], "is_lead": True}], "version": v},
        _v_project,
    ),
    Edit(
        "api-milestone-detail",
        True,
        "PATCH",
        lambda t: f"/api/milestones/{t.milestone.pk}/",
        lambda t, v: {"version": v, "name": f"节点{v}"},
        _v_milestone,
    ),
    Edit(
        "api-milestone-detail",
        True,
        "DELETE",
        lambda t: f"/api/milestones/{t.milestone.pk}/",
        lambda t, v: {"version": v},
        _v_milestone,
        first=_rename_milestone,
    ),
    Edit(
        "api-enterprise-detail",
        True,
        "PATCH",
        lambda t: f"/api/enterprises/{t.enterprise.pk}/",
        lambda t, v: {"version": v, "products": f"产品{v}"},
        _v_enterprise,
    ),
    *_problem_edits(),
    Edit(
        "assistance:edit",
        False,
        "POST",
        lambda t: reverse("assistance:edit", args=[t.assistance_form.pk]),
        lambda t, v: {"version": v, "summary": f"总体情况{v}", "land-still_needed": "用地指标未下达"},
        _v_assistance,
    ),
    Edit(
        "assistance:submit",
        False,
        "POST",
        lambda t: reverse("assistance:submit", args=[t.assistance_form.pk]),
        lambda t, v: {"version": v},
        _v_assistance,
    ),
    Edit(
        "api-assistance-submit",
        True,
        "POST",
        lambda t: f"/api/assistance-forms/{t.assistance_form.pk}/submit/",
        lambda t, v: {"version": v},
        _v_assistance,
    ),
    *_approval_edits(),
    Edit(
        "api-notice-reply",
        True,
        "POST",
        lambda t: f"/api/notices/{t.notice.pk}/reply/",
        lambda t, v: {"reply_text": "已协调落实用地指标", "version": v},
        _v_notice,
        persona="unit",
    ),
    Edit(
        "api-pairing-end",
        True,
        "POST",
        lambda t: f"/api/pairings/{t.pairing.pk}/end/",
        lambda t, v: {"until": "2020-07-01", "reason": "干部调整", "version": v},
        _v_pairing,
        persona="economy",
    ),
]


def _submit(client, edit: Edit, targets, version: int):
    url, payload = edit.url(targets), edit.payload(targets, version)
    if edit.api:
        return client.generic(edit.method, url, json.dumps(payload), content_type="application/json")
    return client.post(url, payload)


@pytest.mark.parametrize("edit", UPDATES, ids=[f"{e.method} {e.route}" for e in UPDATES])
def test_of_two_editors_of_one_version_the_first_saves_and_the_second_gets_409_with_what_changed(world, targets, edit):
    if edit.setup:
        edit.setup(targets, world)
    first, second = client_as(world, edit.persona), client_as(world, edit.persona)
    loaded = edit.version_of(targets)  # both opened the page at this version
    if edit.first:
        edit.first(targets, world, loaded)
    else:
        ok = _submit(first, edit, targets, loaded)
        assert ok.status_code in (200, 204, 302), getattr(ok, "content", b"")[:400]
    after_first = Project.objects.get(pk=targets.project.pk).version
    own_after_first = edit.version_of(targets)
    milestones = Milestone.objects.count()
    stale = _submit(second, edit, targets, loaded)
    assert stale.status_code == 409
    if edit.api:
        error = stale.json()["error"]
        assert error["code"] == "conflict" and error["current_version"] > loaded
        assert "已被" in error["message"] and isinstance(error["changes"], dict)
    else:
        html = stale.content.decode()
        assert 'id="conflict"' in html and "已被" in html and "重新载入最新版本" in html
    # The stale submission changed nothing.
    assert Project.objects.get(pk=targets.project.pk).version == after_first
    assert edit.version_of(targets) == own_after_first
    assert Milestone.objects.count() == milestones


def _ui_routes_with_a_version_field(world, targets) -> set[str]:
    client = client_as(world, "investment")
    found = set()
    for route in pm.ROUTES:
        if route.api or "POST" not in route.methods:
            continue
        html = client.get(reverse(route.name, kwargs=route.kwargs(targets))).content.decode()
        if re.search(r'name="version"', html):
            found.add(route.name)
    return found


def test_every_edit_form_carrying_a_version_is_in_the_list_above(world, targets):
    covered = {e.route for e in UPDATES if not e.api}
    found = _ui_routes_with_a_version_field(world, targets)
    assert found and found <= covered, found - covered


def test_every_api_write_that_takes_a_version_is_in_the_list_above(world):
    request = RequestFactory().get("/api/schema/")
    request.user = world.investment
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    with_version = set()
    for path, operations in schema["paths"].items():
        for method, op in operations.items():
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
            ref = body.get("$ref", "").rsplit("/", 1)[-1]
            query = {p["name"] for p in op.get("parameters", []) if p.get("in") == "query"}
            if "version" in components.get(ref, {}).get("properties", {}) or "version" in query:
                with_version.add((method.upper(), path))
    covered = {(e.method, e.url(_Ids()).replace("/1/", "/{id}/")) for e in UPDATES if e.api}
    assert with_version and with_version <= covered, with_version - covered


class _Ids:
    """Stand-in records with id 1, to turn the list's URLs into the schema's templates."""

    class _R:
        pk = 1

    project = milestone = enterprise = problem = assistance_form = approval = notice = pairing = _R()


# ---------------------------------------------------------------- randomized interleavings


def test_a_hundred_random_interleavings_of_two_editors_lose_no_update(world, targets):
    # The enterprise registry's service: the same claim_version as every edit, without a light to recompute.
    rng = random.Random(20201)
    pk = targets.enterprise.pk
    lost = conflicts = 0
    for run in range(100):
        # Each editor reads, then writes one field from what they read; on 409 they reload and retry.
        steps = ["r1", "r2", "w1", "w2"]
        while True:
            rng.shuffle(steps)
            if steps.index("r1") < steps.index("w1") and steps.index("r2") < steps.index("w2"):
                break
        seen: dict[str, int] = {}
        wanted: dict[str, tuple[str, str]] = {}
        for step in steps:
            editor = step[1]
            if step[0] == "r":
                seen[editor] = Enterprise.objects.get(pk=pk).version
                wanted[editor] = (rng.choice(["products", "needs"]), f"{run}-{editor}-{rng.randrange(1000)}")
                continue
            field, value = wanted[editor]
            while True:
                current = Enterprise.objects.get(pk=pk)
                base = current.version
                try:
                    enterprise_services.enterprise_update(
                        enterprise=current, by=world.economy, data={field: value}, expected_version=seen[editor]
                    )
                except ConflictError:
                    conflicts += 1
                    assert base != seen[editor]  # refused only when someone else moved it on
                    seen[editor] = Enterprise.objects.get(pk=pk).version  # the user reloads
                    continue
                if base != seen[editor]:
                    lost += 1  # saved over a version the editor never saw
                break
            if getattr(Enterprise.objects.get(pk=pk), field) != value:
                lost += 1
        field, value = wanted[steps[-1][1]]
        assert getattr(Enterprise.objects.get(pk=pk), field) == value
    assert lost == 0
    # The runs did race: in about half of them both editors read the same version.
    assert 20 < conflicts < 80
