"""Writing a planned demo service into the database in bulk, and removing it again.

A bulk load, not a series of changes: rows go in with PostgreSQL ``COPY`` (or
``executemany`` on SQLite), ids are allocated here, past the largest id each table has
handed out, so rows can point to each other without a round trip; no history rows are
written, and the sequences are moved past the new rows at the end. Removal deletes with
plain SQL, tables that depend on others first; the audit log is never touched.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

import polars as pl
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import connection, models

from keywork.demo.generate import Frame
from keywork.organisations.models import Organisation

COPY_ROWS = 100_000
INSERT_ROWS = 5_000
NULL = "\\N"


def qn(name: str) -> str:
    return str(connection.ops.quote_name(name))


class Loader:
    """Writes frames; shifts local ids past the largest id each table has handed out.

    ``bulk`` (PostgreSQL only) names the tables that receive many rows: their secondary
    indexes and foreign keys are dropped inside the transaction before the first row and
    rebuilt after the last, so PostgreSQL builds each index once and checks each foreign
    key with one join instead of one lookup per row. Other sessions wait for those tables
    until the load commits.
    """

    def __init__(self, models_: Iterable[type[models.Model]],
                 bulk: Iterable[type[models.Model]] = ()):
        self.models = list(dict.fromkeys(models_))
        self.base: dict[type[models.Model], int] = {}
        self.counts: dict[str, int] = defaultdict(int)
        self.postgres = connection.vendor == "postgresql"
        self.bulk = [m for m in dict.fromkeys(bulk) if self.postgres]
        self._dropped: list[tuple[str, list[tuple[str, str]], list[tuple[str, str]]]] = []

    def start(self) -> None:
        """Lock the tables against other writers (PostgreSQL) and read the id bases."""
        with connection.cursor() as cur:
            if self.postgres:
                tables = ", ".join(qn(m._meta.db_table) for m in self.models)
                cur.execute(f"LOCK TABLE {tables} IN SHARE ROW EXCLUSIVE MODE")
            for model in self.models:
                self.base[model] = self._high_water(cur, model._meta.db_table)
            if self.bulk:
                # Settle checks still pending in this transaction (ALTER TABLE refuses a
                # table with pending trigger events), then keep deferring as before.
                cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cur.execute("SET CONSTRAINTS ALL DEFERRED")
                cur.execute("SET LOCAL maintenance_work_mem = '512MB'")
                cur.execute("SET LOCAL work_mem = '64MB'")
            for model in self.bulk:
                self._dropped.append(self._drop_checks(cur, model._meta.db_table))

    def _high_water(self, cur: Any, table: str) -> int:
        """The largest id the table has ever handed out: its maximum, or its sequence if
        rows were deleted. Ids of removed rows are never used again (the audit log still
        names them)."""
        cur.execute(f"SELECT COALESCE(MAX(id), 0) FROM {qn(table)}")  # noqa: S608
        highest = int(cur.fetchone()[0])
        if self.postgres:
            cur.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            sequence = cur.fetchone()[0]
            if sequence:
                cur.execute(f"SELECT last_value, is_called FROM {sequence}")  # noqa: S608
                last, called = cur.fetchone()
                highest = max(highest, int(last) if called else int(last) - 1)
        else:
            cur.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_sequence'")
            if cur.fetchone():
                cur.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
                row = cur.fetchone()
                highest = max(highest, int(row[0]) if row else 0)
        return highest

    def real_id(self, model: type[models.Model], local_id: int) -> int:
        return self.base[model] + local_id

    def write(self, frame: Frame, extra: dict[str, Any] | None = None) -> int:
        if frame.df.height == 0:
            return 0
        df = self._shift(frame)
        if extra:
            df = df.with_columns([pl.lit(v).alias(k) for k, v in extra.items()])
        df = self._complete(frame.model, df)
        table = frame.model._meta.db_table
        if self.postgres:
            self._copy(table, df)
        else:
            self._insert(table, self._format(df))
        self.counts[table] += df.height
        return df.height

    @property
    def rebuilds(self) -> int:
        """How many indexes and foreign keys ``finish`` will rebuild."""
        return sum(len(keys) + len(indexes) for _, keys, indexes in self._dropped)

    def finish(self, step: Callable[[str], object] = lambda _: None) -> None:
        """Rebuild what ``start`` dropped; move each sequence past the new rows. ``step``
        hears the name of each index or key as it is rebuilt."""
        if not self.postgres:
            return  # SQLite's AUTOINCREMENT follows the largest id by itself
        with connection.cursor() as cur:
            for table, keys, indexes in self._dropped:
                for name, definition in indexes:
                    cur.execute(definition)
                    step(name)
                for name, definition in keys:
                    cur.execute(f"ALTER TABLE {qn(table)} ADD CONSTRAINT {qn(name)} "
                                f"{definition}")
                    step(name)
            self._dropped.clear()
            for model in self.models:
                table = model._meta.db_table
                if not self.counts.get(table):
                    continue
                cur.execute(
                    f"SELECT setval(pg_get_serial_sequence(%s, 'id'), "  # noqa: S608
                    f"(SELECT MAX(id) FROM {qn(table)}))", [table])

    # --- internals ------------------------------------------------------------------------------

    @staticmethod
    def _drop_checks(cur: Any, table: str) -> tuple[str, list[tuple[str, str]],
                                                     list[tuple[str, str]]]:
        """Drop the foreign keys of ``table`` and its indexes that back no constraint;
        return their definitions."""
        cur.execute("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                    "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
                    [table])
        keys = [(str(a), str(b)) for a, b in cur.fetchall()]
        cur.execute(
            "SELECT c.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x "
            "JOIN pg_class c ON c.oid = x.indexrelid WHERE x.indrelid = %s::regclass "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid) "
            "ORDER BY c.relname", [table])
        indexes = [(str(a), str(b)) for a, b in cur.fetchall()]
        for name, _ in keys:
            cur.execute(f"ALTER TABLE {qn(table)} DROP CONSTRAINT {qn(name)}")
        for name, _ in indexes:
            cur.execute(f"DROP INDEX {qn(name)}")
        return table, keys, indexes

    def _shift(self, frame: Frame) -> pl.DataFrame:
        shifts = [(pl.col("id") + self.base[frame.model]).alias("id")]
        shifts += [(pl.col(c) + self.base[m]).alias(c) for c, m in frame.refs.items()]
        return frame.df.with_columns(shifts)

    def _complete(self, model: type[models.Model], df: pl.DataFrame) -> pl.DataFrame:
        """Columns the plan leaves out get the model's default, so a field added to a
        model later does not break the load."""
        columns = []
        for f in model._meta.concrete_fields:
            if f.column in df.columns:
                continue
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                value: Any = dt.datetime.now(dt.UTC).replace(microsecond=0, tzinfo=None)
            elif f.has_default():
                value = f.get_default()
            elif f.null:
                value = None
            elif f.empty_strings_allowed:
                value = ""
            else:
                raise ValueError(f"{model.__name__}.{f.name} needs a value in the demo plan")
            columns.append(_literal(value).alias(f.column))
        if columns:
            df = df.with_columns(columns)
        return df.select([f.column for f in model._meta.concrete_fields])

    def _format(self, df: pl.DataFrame) -> pl.DataFrame:
        stamp = "%Y-%m-%d %H:%M:%S+00" if self.postgres else "%Y-%m-%d %H:%M:%S"
        formats = []
        for name, dtype in df.schema.items():
            if dtype == pl.Date:
                formats.append(pl.col(name).dt.strftime("%Y-%m-%d"))
            elif isinstance(dtype, pl.Datetime):
                formats.append(pl.col(name).dt.strftime(stamp))
        return df.with_columns(formats) if formats else df

    def _copy(self, table: str, df: pl.DataFrame) -> None:
        cols = ", ".join(qn(c) for c in df.columns)
        sql = f"COPY {qn(table)} ({cols}) FROM STDIN WITH (FORMAT csv, NULL '{NULL}')"
        with connection.cursor() as cur:
            raw = cur.connection
            with raw.cursor() as pg, pg.copy(sql) as copy:
                for part in self._format(df).iter_slices(COPY_ROWS):
                    buf = io.BytesIO()
                    part.write_csv(buf, include_header=False, null_value=NULL)
                    copy.write(buf.getvalue())

    def _insert(self, table: str, df: pl.DataFrame) -> None:
        cols = ", ".join(qn(c) for c in df.columns)
        marks = ", ".join(["%s"] * df.width)
        sql = f"INSERT INTO {qn(table)} ({cols}) VALUES ({marks})"  # noqa: S608
        with connection.cursor() as cur:
            for part in df.iter_slices(INSERT_ROWS):
                cur.executemany(sql, list(part.iter_rows()))


def _literal(value: Any) -> pl.Expr:
    if isinstance(value, dt.datetime):
        return pl.lit(value, dtype=pl.Datetime("us"))
    if isinstance(value, dict | list):
        return pl.lit(json.dumps(value))
    if hasattr(value, "value") and not isinstance(value, str | int | float | bool):
        return pl.lit(value.value)
    return pl.lit(value)


# --- Removing the demo service -------------------------------------------------------------------


def _field(model: type[models.Model], name: str) -> Any:
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _foreign_keys(model: type[models.Model]) -> list[Any]:
    return [f for f in model._meta.concrete_fields if f.many_to_one and f.related_model]


def _all_models() -> list[type[models.Model]]:
    return [m for m in apps.get_models(include_auto_created=True)
            if m._meta.managed and not m._meta.proxy]


def tenant_models() -> list[type[models.Model]]:
    """Every table whose rows carry ``organisation_id`` (history tables included), the
    tables that depend on others first."""
    found = []
    for model in _all_models():
        f = _field(model, "organisation")
        if f is not None and f.is_relation and f.related_model is Organisation:
            found.append(model)
    # Children before parents: a model goes after every tenant model that points to it.
    ordered: list[type[models.Model]] = []
    pending = list(found)
    while pending:
        for model in pending:
            waiting = [m for m in pending if m is not model and any(
                f.related_model is model for f in _foreign_keys(m))]
            if not waiting:
                break
        else:
            model = pending[0]  # a cycle: deferred constraints settle it at commit
        ordered.append(model)
        pending.remove(model)
    return ordered


def remove_organisation(organisation_id: int, user_ids: list[int]) -> dict[str, int]:
    """Delete every row of one organisation and the given staff accounts, with SQL.
    The audit log is append-only and stays as it is."""
    deleted: dict[str, int] = defaultdict(int)
    tenants = tenant_models()
    tenant_set = set(tenants)
    audit = apps.get_model("audit", "AuditEvent")
    with connection.cursor() as cur:
        incoming = _drop_incoming_keys(cur, [m._meta.db_table for m in tenants])

        def run(model: type[models.Model], where: str, params: list[Any]) -> None:
            cur.execute(f"DELETE FROM {qn(model._meta.db_table)} WHERE {where}",  # noqa: S608
                        params)
            deleted[model._meta.db_table] += max(cur.rowcount, 0)

        # Rows without an organisation of their own that hang off tenant rows.
        for model in _all_models():
            if model in tenant_set or model is Organisation or model is audit:
                continue
            for f in _foreign_keys(model):
                parent = f.related_model
                if parent in tenant_set:
                    table = qn(parent._meta.db_table)
                    pk = qn(parent._meta.pk.column)
                    run(model, f"{qn(f.column)} IN (SELECT {pk} FROM {table} "  # noqa: S608
                        f"WHERE organisation_id = %s)", [organisation_id])
        for model in tenants:
            run(model, "organisation_id = %s", [organisation_id])
        for model in _all_models():
            if getattr(model, "instance_type", None) is Organisation:  # its history
                run(model, "id = %s", [organisation_id])
        run(Organisation, "id = %s", [organisation_id])

        # The staff accounts and what belongs to them alone (devices, tokens). Rows of other
        # organisations are never touched: if one still pointed to a demo account, the
        # foreign key would stop the whole removal.
        user_model = apps.get_model("accounts", "User")
        for start in range(0, len(user_ids), 500):
            ids = user_ids[start:start + 500]
            marks = ", ".join(["%s"] * len(ids))
            for model in _all_models():
                if model is user_model or model is audit or model in tenant_set:
                    continue
                if getattr(model, "instance_type", None) is Organisation:
                    continue
                for f in _foreign_keys(model):
                    if f.related_model is not user_model:
                        continue
                    if f.null:
                        cur.execute(
                            f"UPDATE {qn(model._meta.db_table)} SET {qn(f.column)} = NULL "  # noqa: S608
                            f"WHERE {qn(f.column)} IN ({marks})", ids)
                    else:
                        run(model, f"{qn(f.column)} IN ({marks})", ids)
            run(user_model, f"id IN ({marks})", ids)
        for table, name, definition in incoming:
            cur.execute(f"ALTER TABLE {table} ADD CONSTRAINT {qn(name)} {definition}")
    return dict(deleted)


def _drop_incoming_keys(cur: Any, tables: list[str]) -> list[tuple[str, str, str]]:
    """PostgreSQL: drop the foreign keys that point into ``tables`` and return them.

    Deleting millions of rows otherwise queues one check per row for every table that
    points to them; added back afterwards, each key is checked with one join over what
    is left.
    """
    if connection.vendor != "postgresql" or not tables:
        return []
    cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cur.execute("SET CONSTRAINTS ALL DEFERRED")
    cur.execute("SET LOCAL work_mem = '64MB'")
    cur.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
        "FROM pg_constraint WHERE contype = 'f' AND confrelid = ANY(%s::regclass[]) "
        "ORDER BY 1, 2", [tables])
    keys = [(str(t), str(n), str(d)) for t, n, d in cur.fetchall()]
    for table, name, _ in keys:
        cur.execute(f"ALTER TABLE {table} DROP CONSTRAINT {qn(name)}")
    return keys
