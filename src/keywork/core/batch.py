"""Several statements to the database in one round trip.

A hot path (a client's check-in) writes a handful of rows whose statements do not depend on
each other's results. ``send`` gives them to PostgreSQL as one text when Django binds
parameters on the client (its default with psycopg): the server runs them one after the
other, each with its own snapshot, and the results come back in order. Outside a
transaction block such a text is one implicit transaction: all of it is stored or none.
On SQLite, or with server-side binding, the statements go one by one (no round trips to
save there) and a text of several runs inside an atomic block, so that it is still all or
nothing.

The statements are the ones the ORM would send: ``insert`` compiles an ``INSERT`` for model
instances with Django's own compiler, so every field is converted as ``save()`` would
convert it. No model signal is sent; ``history_row`` builds the row that
django-simple-history would add for an instance, for a caller that writes it in the same
round trip.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any

import psycopg
from django.db import DEFAULT_DB_ALIAS, connection, transaction
from django.db.models import Model
from django.db.models.constants import OnConflict
from django.db.models.sql import InsertQuery
from django.utils import timezone


@dataclass(frozen=True)
class Statement:
    sql: str
    params: tuple[Any, ...] = ()


def insert(objs: Sequence[Model], *, returning: bool | Sequence[str] = False,
           update_conflicts: Sequence[str] = (), unique_fields: Sequence[str] = ()
           ) -> Statement:
    """The ``INSERT`` of these instances of one model, as ``save()`` would build it (the
    automatic primary key left to the database when unset, ``auto_now`` fields filled in).
    ``returning``: the database-generated columns (or the fields named) come back, one row
    per instance, in order. ``update_conflicts`` (with ``unique_fields``): a row that meets
    an existing one on those fields updates these fields of it instead."""
    model = type(objs[0])
    opts = model._meta
    fields = [f for f in opts.local_concrete_fields
              if not (f is opts.auto_field and getattr(objs[0], f.attname) is None)]
    query = InsertQuery(
        model, on_conflict=OnConflict.UPDATE if update_conflicts else None,
        update_fields=[opts.get_field(name) for name in update_conflicts] or None,
        unique_fields=[opts.get_field(name) for name in unique_fields] or None)
    query.insert_values(fields, list(objs))
    compiler = query.get_compiler(using=DEFAULT_DB_ALIAS)
    if returning:
        compiler.returning_fields = _returning(model, returning)
    [(sql, params)] = compiler.as_sql()
    return Statement(sql, tuple(params))


def _returning(model: type[Model], returning: bool | Sequence[str]) -> list[Any]:
    opts = model._meta
    if returning is True:
        return list(opts.db_returning_fields)
    return [opts.get_field(name) for name in returning or ()]


def stored(objs: Sequence[Model], rows: Sequence[Sequence[Any]],
           returning: bool | Sequence[str] = True) -> None:
    """Mark instances written by ``insert(…, returning=…)`` as saved, with the values the
    database returned for them."""
    for obj, row in zip(objs, rows, strict=True):
        fields = _returning(type(obj), returning)
        for field, value in zip(fields, row, strict=True):
            col = field.get_col(obj._meta.db_table)
            for convert in (connection.ops.get_db_converters(col)
                            + col.get_db_converters(connection)):
                value = convert(value, col, connection)
            setattr(obj, field.attname, value)
        obj._state.adding = False
        obj._state.db = DEFAULT_DB_ALIAS


def history_row(instance: Model, *, update: bool, when: Any = None) -> Model:
    """The history row django-simple-history adds when ``instance`` is saved (created, or
    with ``update`` changed), unsaved, with no user and no reason (a write with nobody
    signed in)."""
    historical = type(instance).history.model  # type: ignore[attr-defined]
    row = historical(
        history_date=when or timezone.now(), history_user=None, history_change_reason=None,
        history_type="~" if update else "+",
        **{field.attname: getattr(instance, field.attname)
           for field in historical.tracked_fields})
    if hasattr(historical, "history_relation"):
        row.history_relation_id = instance.pk
    return row


def _one_text(cursor: Any) -> bool:
    return connection.vendor == "postgresql" and isinstance(
        getattr(cursor, "cursor", None), psycopg.ClientCursor)


def send(statements: Sequence[Statement]) -> list[list[tuple[Any, ...]]]:
    """Run the statements in order; the rows each returned (empty for one that returns
    none). One round trip where the database allows it."""
    statements = list(statements)
    results: list[list[tuple[Any, ...]]] = []
    if not statements:
        return results
    with connection.cursor() as cur:
        if len(statements) > 1 and _one_text(cur):
            raw = cur.cursor
            cur.execute("; ".join(raw.mogrify(s.sql, s.params) for s in statements))
            while True:
                results.append(cur.fetchall() if cur.description else [])
                if not cur.nextset():
                    break
            return results
        with transaction.atomic(savepoint=False) if len(statements) > 1 else nullcontext():
            for s in statements:
                cur.execute(s.sql, s.params)
                results.append(cur.fetchall() if cur.description else [])
    return results

