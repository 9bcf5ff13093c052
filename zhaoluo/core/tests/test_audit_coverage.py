"""C1/C2: every kind of event this platform has writes an audit row with every required field.

Each case performs one event the way a user does (a web or API request), then the rows it
wrote are counted and checked. Logins, lockouts and password changes are audited by the
accounts app and tested there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import reverse
from django.utils import timezone

from zhaoluo.core.models import AuditEvent, Outcome

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Case:
    action: str
    outcome: str
    perform: Callable[..., object]
    has_diff: bool = False


def _create_project(world):
    data = {"stage": "lead", "name": "新能源电池材料", "planned_investment": "1.5", "kind": "new"}
    return world.client_for(world.investment).post(reverse("projects:create"), {**data, "township": world.township.pk})


def _edit_project(world):
    client = world.client_for(world.investment)
    form = client.get(reverse("projects:edit", args=[world.project.pk])).context["form"]
    data = {k: ("" if v is None else v) for k, v in form.initial.items()}
    data.update({"planned_investment": "210000", "is_key": "on"})
    return client.post(reverse("projects:edit", args=[world.project.pk]), {k: v for k, v in data.items() if v})


def _record_funds(world):
    data = {"period": "2020年6月", "amount": "3000", "origin": "abroad"}
    return world.client_for(world.investment).post(reverse("projects:funds", args=[world.project.pk]), data)


def _api_update(world):
    client = world.client_for(world.investment)
    url = reverse("api-project-detail", args=[world.project.pk])
    data = {"investor": "新投资方", "version": world.project.version}
    return client.patch(url, data, content_type="application/json")


def _admin_config_change(world):
    data = {"day": "2030-02-02", "is_workday": "on", "name": "春节调休上班"}
    return world.client_for(world.sysadmin).post(reverse("admin:core_calendarday_add"), data)


def _audit_search(world):
    return world.client_for(world.auditadmin).get(reverse("audit-search"), {"actor": "zhaoshang"})


def _audit_export(world):
    return world.client_for(world.auditadmin).get(reverse("audit-export"))


def _denied_by_role(world):
    return world.client_for(world.task_force).get(reverse("projects:funds", args=[world.project.pk]))


def _denied_by_scope(world):
    return world.client_for(world.outsider).get(reverse("projects:detail", args=[world.project.pk]))


def _denied_by_scope_in_the_api(world):
    return world.client_for(world.outsider).get(reverse("api-project-detail", args=[world.project.pk]))


def _denied_audit_search(world):
    return world.client_for(world.secadmin).get(reverse("audit-search"))


CASES = {
    "project created": Case("project.created", Outcome.SUCCESS, _create_project),
    "project edited": Case("project.updated", Outcome.SUCCESS, _edit_project, has_diff=True),
    "funds recorded": Case("funds.recorded", Outcome.SUCCESS, _record_funds),
    "project edited through the API": Case("project.updated", Outcome.SUCCESS, _api_update, has_diff=True),
    "configuration changed in the admin": Case("admin.core.calendarday.created", Outcome.SUCCESS, _admin_config_change),
    "audit searched": Case("audit.searched", Outcome.SUCCESS, _audit_search),
    "audit exported": Case("audit.exported", Outcome.SUCCESS, _audit_export),
    "action refused to the role": Case("access.denied", Outcome.DENIED, _denied_by_role),
    "record outside the scope": Case("access.denied", Outcome.DENIED, _denied_by_scope),
    "record outside the scope, API": Case("access.denied", Outcome.DENIED, _denied_by_scope_in_the_api),
    "audit search refused to the security admin": Case("access.denied", Outcome.DENIED, _denied_audit_search),
}


@pytest.mark.parametrize("name", CASES)
def test_each_event_type_writes_a_complete_audit_row(world, name):
    case = CASES[name]
    seen = set(AuditEvent.objects.values_list("id", flat=True))
    response = case.perform(world)
    assert response.status_code in {200, 302, 403, 404}, response.status_code
    rows = [e for e in AuditEvent.objects.filter(action=case.action) if e.pk not in seen]
    assert len(rows) >= 1, f"{name}: no {case.action} row"
    for event in rows:
        assert timezone.is_aware(event.at)
        assert event.actor_id is not None and event.actor_name
        assert event.object_type and event.object_id
        assert event.outcome == case.outcome
        assert event.source in {"web", "api"}
        assert event.ip == "127.0.0.1"
        assert event.request_id == response["X-Request-ID"]
        assert event.seq is not None and len(event.hash) == 64
        if case.has_diff:
            assert event.before and event.after and set(event.before) == set(event.after)


def test_a_missing_page_or_record_is_not_an_access_attempt(world):
    client = world.client_for(world.investment)
    client.get("/no-such-page/")
    client.get(reverse("projects:detail", args=[999999]))
    assert not AuditEvent.objects.filter(action="access.denied").exists()


def test_anonymous_requests_do_not_fill_the_audit_log(client, world):
    client.get(reverse("api-project-list"))
    client.get(reverse("audit-search"))
    assert not AuditEvent.objects.filter(action="access.denied").exists()


def test_a_denied_row_names_the_record_and_the_route(world):
    _denied_by_scope(world)
    _denied_by_role(world)
    scope, role = AuditEvent.objects.filter(action="access.denied").order_by("seq")
    assert (scope.object_type, scope.object_id) == ("projects.project", str(world.project.pk))
    assert scope.actor == world.outsider and "HTTP 404 projects:detail" in scope.note
    assert role.object_type == "route:projects:funds" and role.object_id == str(world.project.pk)
    assert role.actor == world.task_force and "HTTP 403 projects:funds" in role.note
