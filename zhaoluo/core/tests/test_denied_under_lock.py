"""A refused request answers as a refusal whatever the database does (#11 point 15); its
`access.denied` row is written after the answer, or spooled and written by the next tick."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import OperationalError

from zhaoluo.core import audit_spool, scheduled
from zhaoluo.core.models import AuditEvent, Outcome

pytestmark = pytest.mark.django_db

LOCKED = OperationalError("database is locked")


def _denied_rows():
    return AuditEvent.objects.filter(action="access.denied")


def _refusals(world):
    """A 403 (a role that may not create projects) and a scope 404 (another district's caller)."""
    refused = world.client_for(world.task_force)
    outsider = world.client_for(world.outsider)
    for client in (refused, outsider):
        client.raise_request_exception = False
    return [
        (403, "permission_denied", lambda: refused.post("/api/projects/", {}, content_type="application/json")),
        (404, "not_found", lambda: outsider.get(f"/api/projects/{world.project.pk}/")),
        (403, None, lambda: refused.get("/security/accounts/")),
    ]


def test_a_denial_stays_a_denial_when_the_audit_write_meets_a_locked_database(world):
    with mock.patch.object(AuditEvent, "save", side_effect=LOCKED):
        answers = [(status, code, call()) for status, code, call in _refusals(world)]
    for status, code, response in answers:
        assert response.status_code == status
        if code is not None:
            assert response.json()["error"]["code"] == code
    assert not _denied_rows().exists()
    assert len(audit_spool.pending()) == 3


def test_spooled_denials_are_written_into_the_chain_by_the_next_tick_with_their_request(world):
    with mock.patch.object(AuditEvent, "save", side_effect=LOCKED):
        answers = [call() for _, _, call in _refusals(world)]
    request_ids = {response["X-Request-ID"] for response in answers}

    scheduled.tick(steps=[step for step in scheduled.STEPS if step.name == "audit_spool"])

    rows = list(_denied_rows().order_by("seq"))
    assert {row.request_id for row in rows} == request_ids
    assert {row.actor for row in rows} == {world.task_force, world.outsider}
    assert all(row.outcome == Outcome.DENIED and audit_spool.REPLAYED_NOTE in row.note for row in rows)
    scoped = next(row for row in rows if row.actor == world.outsider)
    assert (scoped.object_type, scoped.object_id) == ("projects.project", str(world.project.pk))
    assert audit_spool.pending() == []


def test_a_replay_that_meets_the_lock_again_keeps_the_rows_for_the_tick_after(world):
    with mock.patch.object(AuditEvent, "save", side_effect=LOCKED):
        _refusals(world)[0][2]()
        assert audit_spool.replay() == {"audit_spool_written": 0, "audit_spool_bad": 0}
    assert len(audit_spool.pending()) == 1
    assert audit_spool.replay()["audit_spool_written"] == 1
    assert _denied_rows().count() == 1


def test_with_the_database_free_the_denial_row_is_written_at_once_and_nothing_is_spooled(world):
    response = _refusals(world)[0][2]()
    assert response.status_code == 403
    row = _denied_rows().get()
    assert row.request_id == response["X-Request-ID"] and audit_spool.REPLAYED_NOTE not in row.note
    assert audit_spool.pending() == []


def test_a_row_that_cannot_even_be_spooled_is_logged_in_full(world, settings, caplog, tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("x")
    settings.ZHAOLUO_AUDIT_SPOOL_DIR = str(blocker / "spool")
    with mock.patch.object(AuditEvent, "save", side_effect=LOCKED):
        response = _refusals(world)[0][2]()
    assert response.status_code == 403
    lost = [r for r in caplog.records if r.levelname == "CRITICAL"]
    assert len(lost) == 1 and response["X-Request-ID"] in lost[0].getMessage()
