"""The bulk run as the nightly job runs it, outside any transaction on PostgreSQL: the
chunks are written from a second connection while the next one is prepared, and an
organisation's chunks are kept all or none."""

from __future__ import annotations

import pytest
from django.db import connection

from keywork.signals import store
from keywork.signals.models import Alert, RelationshipState
from keywork.signals.services import signals_evaluate_all
from tests.test_signals_evaluation import conflicted


@pytest.fixture
def committed(committed_world):
    if connection.vendor != "postgresql":
        pytest.skip("the second connection writes on PostgreSQL only")
    for rel in committed_world.relationships.values():
        conflicted(rel, evaluate=False)
    return committed_world


def _spy(monkeypatch) -> list[int]:
    started: list[int] = []
    real = store.Background.__init__

    def counting(self):
        started.append(1)
        real(self)

    monkeypatch.setattr(store.Background, "__init__", counting)
    return started


def test_chunks_are_written_from_the_second_connection(committed, monkeypatch):
    monkeypatch.setattr(store, "STORE_CHUNK", 1)
    started = _spy(monkeypatch)
    summary = signals_evaluate_all(organisation_id=committed.org.pk)
    assert started == [1]
    assert summary.relationships == 3
    assert RelationshipState.objects.filter(organisation=committed.org).count() == 3
    assert Alert.objects.filter(organisation=committed.org).count() == summary.alerts_opened
    assert summary.alerts_opened > 0


def test_a_failure_while_preparing_a_chunk_keeps_none_of_them(committed, monkeypatch):
    monkeypatch.setattr(store, "STORE_CHUNK", 1)
    real, calls = store._states, []

    def third_fails(rows, now):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("broken chunk")
        return real(rows, now)

    monkeypatch.setattr(store, "_states", third_fails)
    with pytest.raises(RuntimeError, match="broken chunk"):
        signals_evaluate_all(organisation_id=committed.org.pk)
    assert not RelationshipState.objects.exists()
    assert not Alert.objects.exists()


def test_a_failure_in_the_database_reaches_the_caller_and_keeps_none(committed, monkeypatch):
    from django.db import DatabaseError

    from keywork.core import batch

    monkeypatch.setattr(store, "STORE_CHUNK", 1)
    real, calls = store._states, []

    def second_is_refused(rows, now):
        calls.append(1)
        statement = real(rows, now)
        if len(calls) == 2:
            return batch.Statement(statement.sql.replace("INSERT INTO", "INSERT INTO nowhere_"),
                                   statement.params)
        return statement

    monkeypatch.setattr(store, "_states", second_is_refused)
    with pytest.raises(DatabaseError):
        signals_evaluate_all(organisation_id=committed.org.pk)
    assert not RelationshipState.objects.exists()
    assert not Alert.objects.exists()


def test_a_relationship_ending_between_the_reads_lends_its_rows_to_no_other(committed,
                                                                            monkeypatch):
    """The three reads run on connections of their own, each at its own moment. Here the
    check-ins and contacts are read first; then a relationship ends; then the
    relationships are read. Its rows are dropped, and its neighbours' figures are their
    own."""
    import threading

    from keywork.relationships.models import Relationship
    from keywork.signals import reader

    rels = sorted(committed.relationships.values(), key=lambda r: r.pk)
    open_rels = [r for r in rels if r.status in ("active", "ending")]
    assert len(open_rels) >= 2
    leaving = open_rels[0]
    alone = signals_evaluate_all(organisation_id=committed.org.pk)
    expected = {s.relationship_id: s.features for s in RelationshipState.objects.filter(
        organisation=committed.org).exclude(relationship=leaving)}
    RelationshipState.objects.all().delete()
    Alert.objects.all().delete()

    others_read, real = threading.Barrier(3), reader._in_thread

    def staggered(sql, params, schema, columns):
        if schema is reader.REL_SCHEMA:
            others_read.wait(timeout=30)
            Relationship.objects.filter(pk=leaving.pk).update(status="ended")
            return real(sql, params, schema, columns)
        try:
            return real(sql, params, schema, columns)
        finally:
            others_read.wait(timeout=30)

    monkeypatch.setattr(reader, "_in_thread", staggered)
    monkeypatch.setattr(reader, "SMALL_BELOW", 0)
    summary = signals_evaluate_all(organisation_id=committed.org.pk)
    assert summary.relationships == alone.relationships - 1
    got = {s.relationship_id: s.features for s in RelationshipState.objects.filter(
        organisation=committed.org)}
    assert leaving.pk not in got
    assert got == expected
