"""C3: no secrets or personal data in logs; one log record is one line."""

from __future__ import annotations

import io
import logging
import re

import pytest
from django.urls import reverse

from zhaoluo.core.logfilters import OneLineFilter
from zhaoluo.testing.fixtures import PASSWORD

pytestmark = pytest.mark.django_db

PHONE = "13912345678"
FULL_PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


@pytest.fixture
def console():
    """The configured console handler (settings.LOGGING), writing into a buffer for the test."""
    handlers = [h for h in logging.getLogger().handlers if any(isinstance(f, OneLineFilter) for f in h.filters)]
    assert handlers, "settings.LOGGING must put OneLineFilter on the root handler"
    handler = handlers[0]
    buffer = io.StringIO()
    old = handler.setStream(buffer)  # type: ignore[attr-defined]
    old_level = logging.getLogger().level
    logging.getLogger().setLevel(logging.DEBUG)
    try:
        yield buffer
    finally:
        logging.getLogger().setLevel(old_level)
        handler.setStream(old)  # type: ignore[attr-defined]


def test_representative_requests_log_no_password_session_key_or_phone_number(world, client, caplog, console):
    caplog.set_level(logging.DEBUG)
    enterprise = world.project.enterprise
    enterprise.__class__.objects.filter(pk=enterprise.pk).update(phone=PHONE)
    client.post(reverse("login"), {"username": "zhaoshang", "password": PASSWORD})
    session_key = client.session.session_key
    client.post(reverse("login"), {"username": "zhaoshang", "password": PASSWORD + "x"})
    client.post(reverse("api-token"), {"username": "zhaoshang", "password": PASSWORD})
    client.force_login(world.investment)
    client.get(reverse("enterprises:detail", args=[enterprise.pk]))
    client.get(f"/no-such-page/?phone={PHONE}")
    client.get(reverse("api-enterprise-detail", args=[enterprise.pk]))
    world.client_for(world.sysadmin).get(reverse("audit-search"))
    world.client_for(world.outsider).get(reverse("projects:detail", args=[world.project.pk]))
    texts = [r.getMessage() for r in caplog.records] + [console.getvalue()]
    assert caplog.records, "the requests above log at least their 404/403 warnings"
    for text in texts:
        assert PASSWORD not in text
        assert session_key is None or session_key not in text
        assert not FULL_PHONE.search(text), text


def test_a_crlf_in_a_logged_value_cannot_forge_a_second_log_line(client, console):
    client.get("/x%0D%0A2026-01-01 INFO django forged-entry/")
    lines = [line for line in console.getvalue().splitlines() if line]
    assert len(lines) == 1, lines
    assert "\\r\\n2026-01-01 INFO django forged-entry" in lines[0]


def test_log_lines_carry_the_request_id_of_their_request(client, console):
    response = client.get("/no-such-page/")
    assert f"[{response['X-Request-ID']}]" in console.getvalue()
