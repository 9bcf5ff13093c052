"""The audit search (审计查询): the audit administrator's alone, and itself audited."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from zhaoluo.core import audit
from zhaoluo.core.models import AuditEvent, Outcome

pytestmark = pytest.mark.django_db

OTHER_ROLES = [
    "investment",
    "task_force",
    "leader",
    "unit",
    "township_user",
    "supervision",
    "principal",
    "economy",
    "enterprise_user",
    "sysadmin",
    "secadmin",
    "outsider",
    "nobody",
]


@pytest.mark.parametrize("persona", OTHER_ROLES)
def test_every_role_but_the_audit_administrator_is_refused_the_audit_search(world, persona):
    user = getattr(world, persona)
    client = world.client_for(user)
    for name in ("audit-search", "audit-export"):
        response = client.get(reverse(name))
        assert response.status_code == 403, name
        assert "审计记录" not in response.content.decode()
    denied = AuditEvent.objects.filter(actor=user, action="access.denied", outcome=Outcome.DENIED)
    assert denied.count() == 2
    assert not AuditEvent.objects.filter(action__in=["audit.searched", "audit.exported"]).exists()


def test_the_audit_administrator_filters_by_actor_action_outcome_ip_and_time(world):
    audit.record(actor=world.investment, action="project.updated", obj=world.project)
    audit.record(actor=world.economy, action="enterprise.updated", obj=world.project.enterprise)
    client = world.client_for(world.auditadmin)
    response = client.get(reverse("audit-search"), {"actor": "zhaoshang", "action": "project."})
    assert response.status_code == 200
    page = response.context["page"]
    assert {e.action for e in page} == {"project.updated"}
    response = client.get(reverse("audit-search"), {"outcome": "denied"})
    assert list(response.context["page"]) == []
    response = client.get(reverse("audit-search"), {"since": "2000-01-01", "until": "2000-12-31"})
    assert list(response.context["page"]) == []
    response = client.get(reverse("audit-search"), {"ip": "127.0.0.1", "object_type": "enterprises.enterprise"})
    assert response.status_code == 200


def test_each_audit_search_is_itself_audited_with_its_conditions(world):
    client = world.client_for(world.auditadmin)
    client.get(reverse("audit-search"), {"actor": "zhaoshang", "outcome": "denied"})
    event = AuditEvent.objects.get(action="audit.searched")
    assert event.actor == world.auditadmin and event.outcome == Outcome.SUCCESS
    assert "actor=zhaoshang" in event.note and "outcome=denied" in event.note
    assert event.request_id and event.ip == "127.0.0.1" and event.source == "web"


def test_the_search_pages_fifty_rows_at_a_time(world):
    for i in range(60):
        audit.record(actor=world.investment, action=f"test.bulk{i}", obj=world.project)
    client = world.client_for(world.auditadmin)
    first = client.get(reverse("audit-search"), {"action": "test.bulk"})
    assert len(first.context["page"].object_list) == 50 and first.context["page"].paginator.count == 60
    second = client.get(reverse("audit-search"), {"action": "test.bulk", "page": 2})
    assert len(second.context["page"].object_list) == 10


DANGEROUS = ["=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1", "\r=1", '=HYPERLINK("http://x")']


def test_the_export_is_formula_safe_and_audited(world):
    for value in DANGEROUS:
        audit.record(actor=world.investment, action="test.export", obj=world.project, note=value)
    client = world.client_for(world.auditadmin)
    response = client.get(reverse("audit-export"), {"action": "test.export"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[1]]
    notes = {row[header.index("说明")] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert len(notes) == len(DANGEROUS)
    for note in notes:
        assert note.startswith("'"), note
    event = AuditEvent.objects.get(action="audit.exported")
    assert event.actor == world.auditadmin and "action=test.export" in event.note and "7 条" in event.object_repr


def test_the_audit_administrator_sees_the_menu_entry_and_others_do_not(world):
    assert "审计查询" in world.client_for(world.auditadmin).get(reverse("home")).content.decode()
    assert "审计查询" not in world.client_for(world.sysadmin).get(reverse("home")).content.decode()
