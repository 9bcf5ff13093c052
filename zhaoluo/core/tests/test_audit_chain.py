"""C4/C5: the audit log is append-only, tamper-evident and fails closed."""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import hmac
import threading
from http import HTTPStatus
from types import SimpleNamespace
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from zhaoluo.core import audit, audit_chain
from zhaoluo.core.models import AuditChainHead, AuditEvent, AuditImmutableError
from zhaoluo.projects import services as project_services
from zhaoluo.projects.models import Project

pytestmark = pytest.mark.django_db
on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")


def _table() -> str:
    return connection.ops.quote_name(AuditEvent._meta.db_table)


def _as_table_owner(cursor) -> None:
    """What a DBA or an intruder with the owner's password can do: switch the trigger off."""
    if connection.vendor == "postgresql":
        # The test's own inserts left deferred foreign-key checks queued; ALTER TABLE wants none.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"ALTER TABLE {_table()} DISABLE TRIGGER core_auditevent_append_only")


def _three_events(world) -> list[AuditEvent]:
    return [
        audit.record(actor=world.investment, action=f"test.step{i}", obj=world.project, after={"n": i})
        for i in range(3)
    ]


def _verify_error() -> str:
    with pytest.raises(CommandError) as exc:
        call_command("audit", "verify")
    return str(exc.value)


def test_audit_rows_are_chained_in_order_and_verify_counts_them(world, capsys):
    events = _three_events(world)
    seqs = [e.seq for e in events]
    assert seqs == list(range(seqs[0], seqs[0] + 3))
    assert events[1].prev_hash == events[0].hash and events[2].prev_hash == events[1].hash
    assert all(len(e.hash) == 64 for e in events)
    call_command("audit", "verify")
    total = AuditEvent.objects.count()
    assert f"已校验 {total} 条" in capsys.readouterr().out


def test_a_row_altered_with_raw_sql_is_named_by_verify(world):
    events = _three_events(world)
    target = events[1]
    with connection.cursor() as cursor:
        _as_table_owner(cursor)
        cursor.execute(f"UPDATE {_table()} SET actor_name = %s WHERE id = %s", ["别人", target.pk])
    message = _verify_error()
    assert f"#{target.pk}" in message and "test.step1" in message and "record altered" in message


def test_a_row_deleted_with_raw_sql_is_found_at_the_next_row(world):
    events = _three_events(world)
    with connection.cursor() as cursor:
        _as_table_owner(cursor)
        cursor.execute(f"DELETE FROM {_table()} WHERE id = %s", [events[1].pk])
    message = _verify_error()
    assert f"#{events[2].pk}" in message and "records deleted" in message


def test_the_newest_row_deleted_with_raw_sql_is_found(world):
    events = _three_events(world)
    with connection.cursor() as cursor:
        _as_table_owner(cursor)
        cursor.execute(f"DELETE FROM {_table()} WHERE id = %s", [events[2].pk])
    assert "newest records were deleted" in _verify_error()


def test_a_row_inserted_with_raw_sql_is_found(world):
    events = _three_events(world)
    last = events[-1]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_table()} (at, actor_name, action, object_type, object_id, object_repr, parent_type,"
            " parent_id, note, source, outcome, request_id, seq, prev_hash, hash)"
            " VALUES (%s, '伪造', 'forged', 'x', '1', '', '', '', '', 'web', 'success', '', %s, %s, %s)",
            [last.at, last.seq + 1, last.hash, "f" * 64],
        )
    assert "a record outside the chain" in _verify_error()


def test_the_chain_head_rewritten_with_raw_sql_is_found(world):
    _three_events(world)
    AuditChainHead.objects.filter(pk=audit_chain.HEAD_PK).update(purged_seq=2)
    assert "chain head was altered" in _verify_error()


def test_orm_updates_and_deletes_of_audit_rows_raise(world):
    event = audit.record(actor=world.investment, action="project.updated", obj=world.project)
    with pytest.raises(AuditImmutableError):
        AuditEvent.objects.filter(pk=event.pk).update(note="改")
    with pytest.raises(AuditImmutableError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(AuditImmutableError):
        AuditEvent.objects.bulk_update([event], ["note"])
    event.note = "改"
    with pytest.raises(AuditImmutableError):
        event.save()
    with pytest.raises(AuditImmutableError):
        event.delete()
    assert AuditEvent.objects.get(pk=event.pk).note == ""
    call_command("audit", "verify")


def test_a_user_with_audit_history_cannot_be_deleted(world):
    from django.db.models import ProtectedError

    audit.record(actor=world.investment, action="project.updated", obj=world.project)
    with pytest.raises(ProtectedError):
        world.investment.delete()


@on_postgresql
def test_postgresql_refuses_raw_update_and_delete_of_audit_rows_even_for_the_owner(world):
    event = audit.record(actor=world.investment, action="project.updated", obj=world.project)
    for sql in (f"UPDATE {_table()} SET note = 'x' WHERE id = %s", f"DELETE FROM {_table()} WHERE id = %s"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as c:
            c.execute(sql, [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk, note="").exists()


def test_record_many_seals_a_batch_with_one_lock_of_the_head_and_one_insert(world):
    events = [audit.build(actor=world.investment, action="ledger.row", obj=world.project) for _ in range(20)]
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        audit.record_many(events)
    head_reads = [q for q in queries if "core_auditchainhead" in q["sql"] and q["sql"].startswith("SELECT")]
    inserts = [q for q in queries if q["sql"].startswith("INSERT INTO") and "core_auditevent" in q["sql"]]
    assert len(head_reads) == 1 and len(inserts) == 1
    seqs = sorted(AuditEvent.objects.filter(action="ledger.row").values_list("seq", flat=True))
    assert seqs == list(range(seqs[0], seqs[0] + 20))
    call_command("audit", "verify")


def test_the_migration_chains_rows_written_before_the_chain(world):
    _three_events(world)
    with connection.cursor() as cursor:
        _as_table_owner(cursor)
        # Rows as the old schema left them: no place in any chain.
        cursor.execute(f"UPDATE {_table()} SET seq = seq + 100000, prev_hash = '', hash = ''")
    AuditChainHead.objects.all().delete()
    from importlib import import_module

    migration = import_module("zhaoluo.core.migrations.0006_chain_existing_audit_rows")
    state = MigrationExecutor(connection).loader.project_state(("core", "0006_chain_existing_audit_rows"))
    migration.chain_existing(state.apps, SimpleNamespace(connection=connection))
    assert sorted(AuditEvent.objects.values_list("seq", flat=True)) == list(range(1, AuditEvent.objects.count() + 1))
    call_command("audit", "verify")


def test_a_failing_audit_write_rolls_back_the_business_write(world):
    project = Project.objects.get(pk=world.project.pk)
    rows_before = AuditEvent.objects.count()
    with (
        mock.patch.object(audit_chain, "seal", side_effect=DatabaseError("audit disk full")),
        pytest.raises(DatabaseError),
    ):
        project_services.project_update(
            project=project, by=world.investment, data={"name": "改名后的项目"}, expected_version=project.version
        )
    fresh = Project.objects.get(pk=world.project.pk)
    assert fresh.name == "盼盼食品精深加工基地" and fresh.version == world.project.version
    assert AuditEvent.objects.count() == rows_before


def test_no_audit_key_means_no_business_write(world, settings):
    settings.ZHAOLUO_AUDIT_KEY = ""
    project = Project.objects.get(pk=world.project.pk)
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        project_services.project_update(
            project=project, by=world.investment, data={"name": "改名后的项目"}, expected_version=project.version
        )
    assert Project.objects.get(pk=world.project.pk).name == "盼盼食品精深加工基地"


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_on_postgresql_keep_one_unbroken_chain(world):
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for i in range(10):
                with transaction.atomic():
                    audit.record(actor=world.investment, action=f"test.w{n}.{i}", obj=world.project)
        except BaseException as exc:  # noqa: BLE001 - surfaced by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    audit.record(actor=world.investment, action="test.first", obj=world.project)  # the head row exists
    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    seqs = sorted(AuditEvent.objects.values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))
    assert AuditEvent.objects.filter(action__startswith="test.w").count() == 40
    assert audit_chain.verify().ok


_json_trees = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4),
    max_leaves=20,
)


# A property, not a timing: a loaded CI machine must not fail it for drawing inputs slowly.
_patient = hypothesis_settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)


@_patient
@given(tree=st.dictionaries(st.text(max_size=5), _json_trees, max_size=6))
def test_the_fast_canonical_form_of_a_plain_snapshot_is_the_one_verify_recomputes(tree):
    fast = audit_chain._canon(tree)
    with mock.patch.object(audit_chain, "_plain", return_value=False):
        slow = audit_chain._canon(tree)
    assert fast == slow == audit_chain._canon_general(tree)


class _Level(enum.StrEnum):
    RED = "red"


# Everything a snapshot or a row field can hold, including what the fast path must hand over:
# floats, Decimals, integers past 10^15, str and int subclasses, tuples, non-text keys, dates.
_any_leaf = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.decimals(allow_nan=False, allow_infinity=False, places=4)
    | st.text()
    | st.just(_Level.RED)
    | st.just(HTTPStatus.OK)
    | st.dates()
)
_any_trees = st.recursive(
    _any_leaf,
    lambda children: (
        st.lists(children, max_size=4)
        | st.lists(children, max_size=3).map(tuple)
        | st.dictionaries(st.text(max_size=5) | st.integers(max_value=99), children, max_size=4)
    ),
    max_leaves=20,
)


@_patient
@given(tree=_any_trees)
def test_the_fast_canonical_text_of_any_value_is_byte_identical_to_the_definition(tree):
    assert audit_chain._canon(tree) == audit_chain._canon_general(tree)


@_patient
@given(
    texts=st.lists(st.text(), min_size=6, max_size=6),
    numbers=st.lists(st.integers(min_value=-(2**63), max_value=2**63) | st.none(), min_size=3, max_size=3),
    after=st.dictionaries(st.text(max_size=5), _any_trees, max_size=5) | st.none(),
    at=st.datetimes(timezones=st.just(dt.UTC)),
)
def test_a_row_sealed_before_the_fast_path_has_the_same_hash_after_it(texts, numbers, after, at):
    row = SimpleNamespace(
        seq=numbers[0], at=at, actor_id=numbers[1], actor_name=texts[0], action=texts[1], outcome="success",
        object_type=texts[2], object_id=texts[3], object_repr=texts[4], parent_type="", parent_id="",
        before=None, after=after, note=texts[5], object_version=numbers[2], ip="::ffff:10.0.0.1",
        source="import", request_id="", prev_hash=audit_chain.GENESIS,
    )  # fmt: skip
    # The canonical text as it was computed for every row sealed so far (the demo's included).
    sealed_text = (
        "{"
        + ",".join(
            f'"{name}":{audit_chain._canon_general(audit_chain._field_value(row, name))}'
            for name in audit_chain.CHAIN_FIELDS
        )
        + "}"
    ).encode()
    key = b"k" * 32
    assert audit_chain.canonical(row) == sealed_text
    assert audit_chain.row_hash(row, key) == hmac.new(key, sealed_text, hashlib.sha256).hexdigest()
