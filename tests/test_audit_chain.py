"""The audit log is append-only and hash-chained; tampering is found and located."""

from __future__ import annotations

import itertools

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from keywork.audit.context import audit_source
from keywork.audit.models import AppendOnlyError, AuditEvent
from keywork.audit.services import GENESIS, audit_record, verify_chain


@pytest.fixture
def chain(db, django_user_model):
    user = django_user_model.objects.create_user(username="auditor", password="x" * 12)
    with audit_source("203.0.113.7"):
        rows = [audit_record(actor=user, action="view", role="keyworker", organisation_id=1,
                             client_id=10 + i, object_type="client", object_id=10 + i)
                for i in range(5)]
    return rows


def _raw(sql: str, params: list) -> None:
    """Change a row behind the application's back, as an attacker with SQL access would."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        else:
            cur.execute("DROP TRIGGER IF EXISTS audit_auditevent_no_update")
            cur.execute("DROP TRIGGER IF EXISTS audit_auditevent_no_delete")
        cur.execute(sql, params)
        if connection.vendor == "postgresql":
            cur.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")


def test_rows_link_to_each_other_from_the_genesis(chain):
    assert chain[0].prev_hash == GENESIS
    for before, after in itertools.pairwise(chain):
        assert after.prev_hash == before.hash
    report = verify_chain()
    assert report.ok
    assert report.checked == 5


def test_row_records_who_role_client_action_and_source(chain):
    row = AuditEvent.objects.get(pk=chain[2].pk)
    assert (row.actor_name, row.actor_role, row.client_id, row.action, row.source) == (
        "auditor", "keyworker", 12, "view", "203.0.113.7")


def test_changed_row_is_found_and_named(chain):
    _raw("UPDATE audit_auditevent SET detail = %s WHERE id = %s", ["nothing to see",
                                                                   chain[2].pk])
    report = verify_chain()
    assert report.broken_at == chain[2].pk
    assert "changed" in report.reason
    assert report.checked == 2


def test_removed_row_is_found_at_the_next_link(chain):
    _raw("DELETE FROM audit_auditevent WHERE id = %s", [chain[1].pk])
    report = verify_chain()
    assert report.broken_at == chain[2].pk
    assert "removed or inserted" in report.reason


def test_forged_hash_without_the_key_is_found(chain):
    import hashlib

    fake = hashlib.sha256(b"forged").hexdigest()
    _raw("UPDATE audit_auditevent SET hash = %s WHERE id = %s", [fake, chain[4].pk])
    assert verify_chain().broken_at == chain[4].pk


def test_model_refuses_update_and_delete(chain):
    row = AuditEvent.objects.get(pk=chain[0].pk)
    row.detail = "changed"
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=row.pk).update(detail="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


def test_database_refuses_update_and_delete_behind_the_model(chain):
    for sql in ("UPDATE audit_auditevent SET detail = 'x' WHERE id = %s",
                "DELETE FROM audit_auditevent WHERE id = %s"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
            cur.execute(sql, [chain[0].pk])
    assert verify_chain().ok


def test_verify_command_reports_intact_chain(chain, capsys):
    call_command("verify_audit")
    assert "5 rows verified" in capsys.readouterr().out


def test_verify_command_fails_on_first_broken_link(chain):
    _raw("UPDATE audit_auditevent SET actor_role = 'supervisor' WHERE id = %s", [chain[3].pk])
    with pytest.raises(CommandError, match=f"row {chain[3].pk}"):
        call_command("verify_audit")


# --- several rows in one transaction ----------------------------------------------------------


def _head_reads(captured) -> int:
    return sum(("\"audit_auditevent\"" in q["sql"] and "ORDER BY" in q["sql"])
               or "FROM audit_auditevent ORDER BY" in q["sql"]
               for q in captured.captured_queries)


def test_rows_written_in_one_transaction_read_the_head_once_and_still_chain(db):
    from django.test.utils import CaptureQueriesContext

    with transaction.atomic(), CaptureQueriesContext(connection) as captured:
        rows = [audit_record(actor=None, action="system", detail=f"step {i}")
                for i in range(3)]
    assert _head_reads(captured) == 1
    for before, after in itertools.pairwise(rows):
        assert after.prev_hash == before.hash
    assert verify_chain().ok


def test_a_row_rolled_back_with_its_savepoint_is_not_linked_to(db):
    kept = audit_record(actor=None, action="system", detail="kept")

    def write_then_fail() -> None:
        with transaction.atomic():
            audit_record(actor=None, action="system", detail="rolled back")
            raise RuntimeError("undo")

    with pytest.raises(RuntimeError):
        write_then_fail()
    after = audit_record(actor=None, action="system", detail="after")
    assert after.prev_hash == kept.hash
    assert verify_chain().ok


def test_a_row_in_a_released_savepoint_stays_the_head(db):
    with transaction.atomic():
        inner = audit_record(actor=None, action="system", detail="inner")
    outer = audit_record(actor=None, action="system", detail="outer")
    assert outer.prev_hash == inner.hash
    assert verify_chain().ok

