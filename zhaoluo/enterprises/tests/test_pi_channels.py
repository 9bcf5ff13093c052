"""Contact data masked by default in the four channels (list, page, API, Excel) for every role
that sees the enterprise; full values only on an explicit, permitted and audited request (F2)."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from zhaoluo.core.models import AuditEvent
from zhaoluo.enterprises.models import Enterprise

pytestmark = pytest.mark.django_db

PHONE, MASKED_PHONE = "13912345678", "139****5678"
NAME, MASKED_NAME = "张三明", "张*明"
# Roles whose scope shows the world's enterprise.
VIEWERS = ["economy", "investment", "supervision", "principal", "township_user", "leader", "unit", "task_force",
           "enterprise_user"]  # fmt: skip
UNMASKERS = {"economy", "investment", "enterprise_user"}


@pytest.fixture
def enterprise(world) -> Enterprise:
    e = world.project.enterprise
    e.contact, e.phone = NAME, PHONE
    e.save()
    return e


def api(world, role: str) -> APIClient:
    client = APIClient()
    client.force_authenticate(getattr(world, role))
    return client


def xlsx_cells(content: bytes) -> list[str]:
    sheet = load_workbook(io.BytesIO(content)).active
    return [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]


@pytest.mark.parametrize("role", VIEWERS)
def test_every_channel_shows_contact_data_masked_by_default(world, enterprise, role):
    client = world.client_for(getattr(world, role))
    listing = client.get(reverse("enterprises:list")).content.decode()
    page = client.get(reverse("enterprises:detail", args=[enterprise.pk])).content.decode()
    body = api(world, role).get(f"/api/enterprises/{enterprise.pk}/").json()
    rows = api(world, role).get("/api/enterprises/").json()["results"]
    export = client.get(reverse("enterprises:export"))
    assert export.status_code == 200
    cells = xlsx_cells(b"".join(export.streaming_content))
    for text in (listing, page, repr(body), repr(rows), repr(cells)):
        assert PHONE not in text and NAME not in text
    assert MASKED_PHONE in listing and MASKED_NAME in listing
    assert MASKED_PHONE in page and MASKED_NAME in page
    assert (body["phone"], body["contact"]) == (MASKED_PHONE, MASKED_NAME)
    assert MASKED_PHONE in cells and MASKED_NAME in cells
    assert ('id="pi-unmask"' in page) == (role in UNMASKERS)
    assert ('id="enterprise-export-full"' in listing) == (role in {"economy", "investment"})
    assert not AuditEvent.objects.filter(action="pi.unmasked").exists()


@pytest.mark.parametrize("role", VIEWERS)
def test_the_unmask_button_gives_full_values_only_to_permitted_roles_and_audits_it(world, enterprise, role):
    response = world.client_for(getattr(world, role)).post(
        reverse("enterprises:unmask", args=[enterprise.pk]), HTTP_HX_REQUEST="true"
    )
    events = AuditEvent.objects.filter(action="pi.unmasked")
    if role in UNMASKERS:
        html = response.content.decode()
        assert response.status_code == 200 and PHONE in html and NAME in html and "<html" not in html
        assert "no-store" in response["Cache-Control"]
        event = events.get()
        assert event.actor == getattr(world, role) and event.object_id == str(enterprise.pk)
        assert event.after == {"fields": ["contact", "phone"], "channel": "web"} and event.source == "web"
    else:
        assert response.status_code == 403 and PHONE not in response.content.decode()
        assert not events.exists()


def test_unmasking_needs_a_post(world, enterprise):
    response = world.client_for(world.economy).get(reverse("enterprises:unmask", args=[enterprise.pk]))
    assert response.status_code == 405 and not AuditEvent.objects.filter(action="pi.unmasked").exists()


def test_an_enterprise_outside_the_scope_cannot_be_unmasked(world, enterprise):
    response = world.client_for(world.outsider).post(reverse("enterprises:unmask", args=[enterprise.pk]))
    assert response.status_code == 404 and not AuditEvent.objects.filter(action="pi.unmasked").exists()


@pytest.mark.parametrize("role", VIEWERS)
def test_the_api_unmasks_on_request_for_permitted_roles_with_an_audit_row_per_record(world, enterprise, role):
    detail = api(world, role).get(f"/api/enterprises/{enterprise.pk}/", {"unmask": "1"})
    listing = api(world, role).get("/api/enterprises/", {"unmask": "1"})
    events = AuditEvent.objects.filter(action="pi.unmasked", object_id=str(enterprise.pk))
    if role in UNMASKERS:
        assert detail.status_code == 200 and (detail.json()["phone"], detail.json()["contact"]) == (PHONE, NAME)
        row = next(r for r in listing.json()["results"] if r["id"] == enterprise.pk)
        assert row["phone"] == PHONE
        assert events.count() == 2 and {e.after["channel"] for e in events} == {"api"}
    else:
        assert detail.status_code == 403 and listing.status_code == 403
        assert detail.json()["error"]["code"] == "permission_denied"
        assert not AuditEvent.objects.filter(action="pi.unmasked").exists()


@pytest.mark.parametrize("role", VIEWERS)
def test_the_excel_export_unmasks_on_request_for_permitted_roles_with_audit(world, enterprise, role):
    response = world.client_for(getattr(world, role)).get(reverse("enterprises:export"), {"unmask": "1"})
    if role in UNMASKERS:
        assert response.status_code == 200 and PHONE in xlsx_cells(b"".join(response.streaming_content))
        event = AuditEvent.objects.get(action="pi.unmasked", object_id=str(enterprise.pk))
        assert event.after["channel"] == "xlsx"
    else:
        assert response.status_code == 403
        assert not AuditEvent.objects.filter(action="pi.unmasked").exists()


def test_the_export_follows_the_list_filters_and_neutralises_formulas(world, enterprise):
    other = Enterprise.objects.create(
        district=world.district, uscc="91420607MA0000028X", name="=HYPERLINK(1)", high_tech=True
    )
    response = world.client_for(world.economy).get(reverse("enterprises:export"), {"high_tech": "true"})
    cells = xlsx_cells(b"".join(response.streaming_content))
    assert "'=HYPERLINK(1)" in cells and enterprise.name not in cells and other.uscc in cells
