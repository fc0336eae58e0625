"""Writing to and verifying the hash-chained audit log."""

from __future__ import annotations

import hashlib
import hmac
import json
import weakref
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import psycopg
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext

from keywork.audit.context import current_source
from keywork.audit.models import AuditEvent
from keywork.core import batch

GENESIS = "0" * 64
# Any fixed 64-bit number: PostgreSQL serialises chain writers on this advisory lock.
_CHAIN_LOCK = 7_406_372_019


def _key() -> bytes:
    key = getattr(settings, "AUDIT_KEY", "") or settings.SECRET_KEY
    return hashlib.sha256(("keywork-audit:" + key).encode()).digest()


# The chain head this connection wrote last, while the transaction that wrote it is still
# open. Validity is tied to a marker registered with ``on_commit``: Django drops the marker
# when the transaction ends (commit or rollback) and when a savepoint that was open at the
# time of writing is rolled back, which is exactly when the row it names may be gone. While
# the marker lives, this transaction still holds the chain lock (PostgreSQL's advisory lock;
# SQLite's write lock), so no other writer can have appended a row after it.
@dataclass(frozen=True)
class _Head:
    marker: Callable[[], None]
    savepoints: frozenset[str | None]
    hash: str


_HEADS: weakref.WeakKeyDictionary[Any, _Head] = weakref.WeakKeyDictionary()


def _held_head(conn: Any) -> _Head | None:
    head = _HEADS.get(conn)
    if head is None:
        return None
    if any(func is head.marker for _sids, func, _robust in conn.run_on_commit):
        return head
    del _HEADS[conn]
    return None


def _hold_head(conn: Any, held: _Head | None, digest: str) -> None:
    savepoints = frozenset(conn.savepoint_ids)
    if held is not None and held.savepoints == savepoints:
        marker = held.marker
    else:
        # A new marker under the savepoints open now, so a rollback of any of them
        # forgets this head.
        def marker() -> None:
            return None

        conn.on_commit(marker)
    _HEADS[conn] = _Head(marker, savepoints, digest)


def _payload(event: AuditEvent) -> bytes:
    fields = {
        "occurred_at": event.occurred_at.isoformat(),
        "actor_id": event.actor_id,
        "actor_name": event.actor_name,
        "actor_role": event.actor_role,
        "organisation_id": event.organisation_id,
        "client_id": event.client_id,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "detail": event.detail,
        "source": event.source,
        "prev_hash": event.prev_hash,
    }
    return json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()


def compute_hash(event: AuditEvent) -> str:
    return hmac.new(_key(), _payload(event), hashlib.sha256).hexdigest()


def _lock_and_read_head() -> str | None:
    """Take the chain's lock, then read the last row's digest (after the lock: a writer
    that held it has committed its row by then)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            if isinstance(getattr(cur, "cursor", None), psycopg.ClientCursor):
                # Both statements in one round trip. Each takes its own snapshot (read
                # committed), so the read still comes after the wait for the lock.
                # Only a constant and the model's table name go into the text.
                cur.execute(f"SELECT pg_advisory_xact_lock({int(_CHAIN_LOCK)}); "  # noqa: S608
                            f"SELECT hash FROM {AuditEvent._meta.db_table} "
                            f"ORDER BY id DESC LIMIT 1")
                cur.nextset()
                row = cur.fetchone()
                return row[0] if row else None
            cur.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK])
    return AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()


@dataclass
class Together:
    """Audit rows waiting to be written together (``together``), and the caller's own
    statements that go to the database in the same round trip as the rows."""

    events: list[AuditEvent] = field(default_factory=list)
    statements: list[batch.Statement] = field(default_factory=list)

    def also(self, statement: batch.Statement) -> None:
        self.statements.append(statement)


_TOGETHER: weakref.WeakKeyDictionary[Any, Together] = weakref.WeakKeyDictionary()


@contextmanager
def together() -> Iterator[Together]:
    """Inside this block, ``audit_record`` adds its row to a list; when the block ends
    without an error, the rows are chained and written in one statement, after one look at
    the chain's head, and with them any statement given to ``Together.also``. Use it inside
    the transaction whose writes the rows record: they are written before it ends. An error
    in the block writes nothing (the transaction rolls back with it). A block inside
    another adds to the outer one's list."""
    conn = transaction.get_connection()
    outer = _TOGETHER.get(conn)
    if outer is not None:
        yield outer
        return
    pending = _TOGETHER[conn] = Together()
    try:
        yield pending
    finally:
        del _TOGETHER[conn]
    _write_together(conn, pending)


def _write_together(conn: Any, pending: Together) -> None:
    if not pending.events:
        batch.send(pending.statements)
        return
    with transaction.atomic(savepoint=False):
        held = _held_head(conn)
        last = held.hash if held is not None else _lock_and_read_head()
        # Stamped after the lock, as a single row is: the chain's order is the time order.
        now = timezone.now()
        for event in pending.events:
            event.occurred_at = now
            event.prev_hash = last or GENESIS
            event.hash = last = compute_hash(event)
        rows = batch.send([*pending.statements,
                           batch.insert(pending.events, returning=True)])
        batch.stored(pending.events, rows[-1])
        _hold_head(conn, held, pending.events[-1].hash)


def audit_record(
    *,
    actor: Any,
    action: str,
    role: str = "",
    organisation_id: int | None = None,
    client_id: int | None = None,
    obj: Any = None,
    object_type: str = "",
    object_id: str | int = "",
    detail: str = "",
) -> AuditEvent:
    """Append one row to the chain. Runs in its own atomic block, serialised; inside
    ``together`` the row is written when that block ends."""
    if obj is not None:
        object_type = object_type or obj._meta.model_name
        object_id = object_id or obj.pk
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    event = AuditEvent(
        actor_id=actor.pk if is_user else None,
        actor_name=(actor.get_username() if is_user else "system")[:150],
        actor_role=role[:20],
        organisation_id=organisation_id,
        client_id=client_id,
        action=action,
        object_type=str(object_type)[:40],
        object_id=str(object_id)[:40],
        detail=detail[:500],
        source=current_source(),
    )
    pending = _TOGETHER.get(transaction.get_connection())
    if pending is not None:
        pending.events.append(event)
        return event
    # Inside a caller's transaction no savepoint is needed: if this insert fails, the
    # caller's whole write fails with it, which is what an audited write must do.
    with transaction.atomic(savepoint=False):
        conn = transaction.get_connection()
        held = _held_head(conn)
        if held is not None:
            # This transaction wrote the last row and still holds the lock.
            last: str | None = held.hash
        else:
            last = _lock_and_read_head()
        event.occurred_at = timezone.now()
        event.prev_hash = last or GENESIS
        event.hash = compute_hash(event)
        event.save()
        _hold_head(conn, held, event.hash)
    return event


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken_at: int | None
    reason: str

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def verify_chain(events: Iterable[AuditEvent] | None = None) -> ChainReport:
    """Walk the chain in order; report the first row whose link or digest is wrong."""
    rows = events if events is not None else AuditEvent.objects.order_by("id").iterator(2000)
    prev = GENESIS
    checked = 0
    for event in rows:
        if event.prev_hash != prev:
            return ChainReport(checked, event.pk, gettext(
                "does not link to the row before it (a row was removed or inserted)"))
        if not hmac.compare_digest(compute_hash(event), event.hash):
            return ChainReport(checked, event.pk, gettext(
                "its content does not match its digest (the row was changed)"))
        prev = event.hash
        checked += 1
    return ChainReport(checked, None, "")
