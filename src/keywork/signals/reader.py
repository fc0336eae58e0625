"""Reading relationships, check-ins and contacts from the database in bulk, as columns.

On PostgreSQL each query streams through ``COPY (SELECT …) TO STDOUT`` into a Polars frame;
on SQLite it is one cursor read. Nothing goes object by object through the ORM, so the same
reader serves one relationship after a check-in and every relationship in a bulk job. For a
handful of relationships the same three queries go to the database as one UNION, read
straight into numpy: one round trip instead of three.

Each client check-in carries the reliable change of the form version it was given in
(``SignalBatch.ci_reliable_change``): ``keywork.domain.instruments.reliable_change`` of the
reliability and norm SD in the version's definition, worked out once per version and kept,
since a version never changes once loaded. Only a version this process has not met yet
costs a query (once); every other read finds its amount here.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import polars as pl
from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from keywork.checkins.models import InstrumentVersion
from keywork.checkins.selectors import domain_instrument
from keywork.domain.errors import DomainError
from keywork.domain.signals import SignalBatch

KINDS = ("session", "everyday", "phone", "message", "advocacy", "group")
INITIATORS = ("worker", "client", "other")
OPEN = ("active", "ending")


@dataclass(frozen=True)
class Stored:
    """What an evaluation finds stored: each relationship's pattern, the codes of its
    unresolved alerts, when each code was last resolved, and, for relationships with a
    resolved alert, when their latest check-in and latest contact were recorded."""

    patterns: dict[int, str]
    open_alerts: set[tuple[int, str]]
    resolved: dict[tuple[int, str], dt.datetime] = field(default_factory=dict)
    latest_checkin: dict[int, dt.datetime] = field(default_factory=dict)
    latest_contact: dict[int, dt.datetime] = field(default_factory=dict)
    # Read along for a few relationships: per relationship, the place (1 = latest) of its
    # latest scored client check-in given without sharing anything with the keyworker
    # (absent: none). None when not read.
    kept_private_at: dict[int, int] | None = None


@dataclass(frozen=True)
class LoadedBatch:
    batch: SignalBatch
    organisation_id: np.ndarray  # int64 per relationship
    client_id: np.ndarray  # int64 per relationship
    stored: Stored | None = None  # read along for a few relationships when asked


def _day(column: str) -> str:
    """The day of a stored moment in the service's time zone, as days since 1970 (the
    engine's days are local days: a contact at 00:30 belongs to that day, not to the
    day before as it would in UTC)."""
    if connection.vendor == "postgresql":
        tz = ZoneInfo(settings.TIME_ZONE).key  # a valid zone name, never user input
        return f"(({column} AT TIME ZONE '{tz}')::date - DATE '1970-01-01')"
    return f"keywork_local_day({column})"


_EPOCH = dt.date(1970, 1, 1)


def _local_day(value: str | None) -> int | None:
    """SQLite's ``keywork_local_day``: SQLite stores moments as UTC text and knows no
    time zones."""
    if value is None:
        return None
    moment = dt.datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return (moment.astimezone(ZoneInfo(settings.TIME_ZONE)).date() - _EPOCH).days


def add_sqlite_functions(*, connection: Any, **_kwargs: Any) -> None:
    """Give a new SQLite connection the functions the reads above use."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("keywork_local_day", 1, _local_day,
                                              deterministic=True)


def _micros(column: str) -> str:
    """A moment as whole microseconds since 1970, to put rows of one day in their order."""
    if connection.vendor == "postgresql":
        return f"CAST(EXTRACT(EPOCH FROM {column}) * 1000000 AS BIGINT)"
    return f"CAST((julianday({column}) - 2440587.5) * 86400000000 AS INTEGER)"


def _date_day(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"({column} - DATE '1970-01-01')"
    return f"CAST(julianday({column}) - 2440587.5 AS INTEGER)"


# Below this many relationships a plain cursor read beats COPY's per-statement set-up.
COPY_FROM = 2000
# Below this many (a check-in's one relationship, a contact's), the three reads go in one
# round trip and skip the data frames.
SMALL_BELOW = 50


# How each column travels in a binary COPY: the SQL type it is cast to, its big-endian
# form on the wire, and its type here. Every value has a fixed width, so the rows are one
# numpy record array and nothing is parsed as text (turning millions of numbers into text
# and back cost more than reading them).
_WIRE = {pl.Int64: ("BIGINT", ">i8", np.int64), pl.Int32: ("INTEGER", ">i4", np.int32),
         pl.Int8: ("SMALLINT", ">i2", np.int8), pl.Float32: ("REAL", ">f4", np.float32)}
# A binary COPY starts with an 11-byte signature, 4 bytes of flags and the length of a
# header extension, and ends with a 2-byte trailer.
_COPY_HEAD, _COPY_TAIL = 19, 2


def _wire_sql(sql: str, schema: dict[str, Any], columns: Sequence[str]) -> str:
    """The query with every column cast to its fixed width; a missing score is NaN."""
    casts = []
    for kind, column in zip(schema.values(), columns, strict=True):
        cast = f"CAST(q.{column} AS {_WIRE[kind][0]})"
        casts.append(f"COALESCE({cast}, 'NaN')" if kind == pl.Float32 else cast)
    return f"SELECT {', '.join(casts)} FROM ({sql}) q"


def _from_wire(data: bytes, schema: dict[str, Any]) -> dict[str, np.ndarray]:
    fields: list[tuple[str, str]] = [("_fields", ">i2")]
    for name, kind in schema.items():
        fields += [(f"_{name}_length", ">i4"), (name, _WIRE[kind][1])]
    row = np.dtype(fields)
    if len(data) < _COPY_HEAD + _COPY_TAIL:
        return {name: np.empty(0, dtype=_WIRE[kind][2]) for name, kind in schema.items()}
    start = _COPY_HEAD + int.from_bytes(data[15:19], "big")
    body = memoryview(data)[start:len(data) - _COPY_TAIL]
    rows = np.frombuffer(body, dtype=row) if len(body) % row.itemsize == 0 else None
    if rows is None or any(
            bool((rows[f"_{name}_length"] != np.dtype(_WIRE[kind][1]).itemsize).any())
            for name, kind in schema.items()):
        raise DatabaseError("A bulk read of the signal engine's input came back with a "
                            "value missing or of another width than asked for.")
    return {name: rows[name].astype(_WIRE[kind][2]) for name, kind in schema.items()}


def _frame(sql: str, params: Sequence[Any], schema: dict[str, Any], columns: Sequence[str],
           *, bulk: bool = True) -> dict[str, np.ndarray]:
    """One read as numpy columns: a binary COPY on PostgreSQL for a bulk read, else a
    plain cursor read."""
    with connection.cursor() as cur:
        if bulk and connection.vendor == "postgresql":
            raw = cur.cursor if hasattr(cur, "cursor") else cur
            wire = _wire_sql(sql, schema, columns)
            query = raw.mogrify(wire, list(params)) if params else wire
            buf = io.BytesIO()
            with raw.copy(f"COPY ({query}) TO STDOUT WITH (FORMAT binary)") as copy:
                for block in copy:
                    buf.write(block)
            return _from_wire(buf.getvalue(), schema)
        cur.execute(sql, list(params))
        rows = cur.fetchall()
    frame = pl.DataFrame(rows, schema=schema, orient="row")
    return {name: frame[name].to_numpy() for name in schema}


def _where(relationship_ids: Sequence[int] | None, organisation_id: int | None
           ) -> tuple[str, list[Any]]:
    clauses = ["r.status IN ('active', 'ending')"]
    params: list[Any] = []
    if organisation_id is not None:
        clauses.append("r.organisation_id = %s")
        params.append(organisation_id)
    if relationship_ids is not None:
        ids = [int(i) for i in relationship_ids] or [-1]
        clauses.append(f"r.id IN ({', '.join(['%s'] * len(ids))})")
        params.extend(ids)
    return " AND ".join(clauses), params


def _rels_sql(where: str) -> str:
    # Built from constants and placeholders only; values travel as parameters.
    return f"""SELECT r.id, r.organisation_id, r.client_id,
                   {_date_day('COALESCE(r.started_on, r.proposed_on)')} AS start_day,
                   CASE WHEN lb.is_coerced THEN 1 ELSE 0 END AS coerced
              FROM relationships_relationship r
              JOIN clients_episode e ON e.id = r.episode_id
              JOIN organisations_legalbasis lb ON lb.id = e.legal_basis_id
             WHERE {where}"""


_JOIN_R = "JOIN relationships_relationship r ON r.id = c.relationship_id"


def _checkins_sql(where: str, join: str = _JOIN_R) -> str:
    return f"""SELECT c.relationship_id, {_day('c.submitted_at')} AS day,
                   CASE WHEN c.rater = 'client' THEN 0 ELSE 1 END AS rater,
                   c.overall, c.score_match, c.score_presence, c.score_personal_professional,
                   c.score_cooperation, c.score_flexible_support, c.estimate_overall,
                   CASE WHEN c.at_max THEN 1 ELSE 0 END AS at_max, c.instrument_version_id,
                   {_micros('c.submitted_at')} AS at
              FROM checkins_checkinresponse c {join}
             WHERE {where} AND c.rater IN ('client', 'keyworker')"""


def _contacts_sql(where: str, join: str = _JOIN_R) -> str:
    kind_case = " ".join(f"WHEN '{k}' THEN {i}" for i, k in enumerate(KINDS))
    init_case = " ".join(f"WHEN '{k}' THEN {i}" for i, k in enumerate(INITIATORS))
    return f"""SELECT c.relationship_id, {_day('c.occurred_at')} AS day,
                   CASE c.initiated_by {init_case} ELSE 2 END AS initiator,
                   CASE WHEN c.attended THEN 1 ELSE 0 END AS attended,
                   CASE c.kind {kind_case} ELSE 0 END AS kind
              FROM contacts_contact c {join}
             WHERE {where}"""


REL_SCHEMA = {"id": pl.Int64, "organisation_id": pl.Int64, "client_id": pl.Int64,
              "start_day": pl.Int32, "coerced": pl.Int8}
CI_SCHEMA = {"rel": pl.Int64, "day": pl.Int32, "rater": pl.Int8, "overall": pl.Float32,
             "d0": pl.Float32, "d1": pl.Float32, "d2": pl.Float32, "d3": pl.Float32,
             "d4": pl.Float32, "estimate": pl.Float32, "at_max": pl.Int8,
             "version": pl.Int64, "at": pl.Int64}
CO_SCHEMA = {"rel": pl.Int64, "day": pl.Int32, "initiator": pl.Int8, "attended": pl.Int8,
             "kind": pl.Int8}
# One row of the small read: which part it belongs to, then the widest part's columns.
WIDTH = max(len(REL_SCHEMA), len(CI_SCHEMA), len(CO_SCHEMA))


@dataclass(frozen=True)
class _Parts:
    """The three reads as numpy columns, before they become a batch."""

    rel_id: np.ndarray
    organisation_id: np.ndarray
    client_id: np.ndarray
    start_day: np.ndarray
    coerced: np.ndarray
    ci: dict[str, np.ndarray]
    co: dict[str, np.ndarray]


def _in_thread(sql: str, params: list[Any], schema: dict[str, Any],
               columns: Sequence[str]) -> dict[str, np.ndarray]:
    try:
        return _frame(sql, params, schema, columns)
    finally:
        connection.close()


def _kept(table: dict[str, np.ndarray], keep: np.ndarray) -> dict[str, np.ndarray]:
    return {name: column[keep] for name, column in table.items()}


def _bulk_parts(where: str, params: list[Any], *, bulk: bool) -> _Parts:
    reads = ((_rels_sql(where), REL_SCHEMA, REL_COLUMNS),
             (_checkins_sql(where), CI_SCHEMA, CI_COLUMNS),
             (_contacts_sql(where), CO_SCHEMA, CO_COLUMNS))
    if bulk and connection.vendor == "postgresql" and not connection.in_atomic_block:
        # Outside a transaction each read may have a connection of its own: the database
        # produces the contacts while this process takes in the check-ins.
        with ThreadPoolExecutor(max_workers=len(reads)) as pool:
            rels, cis, cos = pool.map(lambda r: _in_thread(r[0], params, r[1], r[2]), reads)
        # Each sees the database at its own moment: rows of a relationship that opened
        # or ended in between are dropped, so that none is counted to its neighbour.
        cis = _kept(cis, np.isin(cis["rel"], rels["id"]))
        cos = _kept(cos, np.isin(cos["rel"], rels["id"]))
    else:
        rels, cis, cos = (_frame(sql, params, schema, columns, bulk=bulk)
                          for sql, schema, columns in reads)
    if rels["id"].size > 1 and not bool((rels["id"][1:] > rels["id"][:-1]).all()):
        rels = _kept(rels, np.argsort(rels["id"], kind="stable"))
    return _Parts(
        rel_id=rels["id"], organisation_id=rels["organisation_id"],
        client_id=rels["client_id"], start_day=rels["start_day"], coerced=rels["coerced"],
        ci=cis, co=cos,
    )


# The names the three queries give their columns, in order.
REL_COLUMNS = ("id", "organisation_id", "client_id", "start_day", "coerced")
CI_COLUMNS = ("relationship_id", "day", "rater", "overall", "score_match", "score_presence",
              "score_personal_professional", "score_cooperation", "score_flexible_support",
              "estimate_overall", "at_max", "instrument_version_id", "at")
CO_COLUMNS = ("relationship_id", "day", "initiator", "attended", "kind")


def _padded(sql: str, part: int, columns: Sequence[str]) -> str:
    values = ", ".join(f"CAST(q.{name} AS DOUBLE PRECISION)" for name in columns)
    padding = ", CAST(NULL AS DOUBLE PRECISION)" * (WIDTH - len(columns))
    return f"SELECT {part} AS part, {values}{padding} FROM ({sql}) q"


STORED_CHUNK = 5000


def _stored_parts(scope: str) -> str:
    """The stored state of the relationships whose rows match ``scope`` (a condition on
    ``relationship_id`` or ``organisation_id``): patterns, unresolved alert codes, the
    latest resolution of each code, and when the latest check-in and contact of a
    relationship with a resolved alert were recorded."""
    resolved = f"SELECT relationship_id FROM signals_alert WHERE {scope} AND status = 'resolved'"
    no_moment = "CAST(NULL AS TIMESTAMP WITH TIME ZONE)"
    return (f"SELECT relationship_id, 0, pattern, {no_moment} FROM signals_relationshipstate "
            f"WHERE {scope} "
            f"UNION ALL SELECT relationship_id, 1, code, {no_moment} FROM signals_alert "
            f"WHERE {scope} AND status <> 'resolved' "
            f"UNION ALL SELECT relationship_id, 2, code, MAX(resolved_at) FROM signals_alert "
            f"WHERE {scope} AND status = 'resolved' GROUP BY relationship_id, code "
            f"UNION ALL SELECT relationship_id, 3, '', MAX(created_at) "
            f"FROM checkins_checkinresponse WHERE relationship_id IN ({resolved}) "
            f"GROUP BY relationship_id "
            f"UNION ALL SELECT relationship_id, 4, '', MAX(created_at) "
            f"FROM contacts_contact WHERE relationship_id IN ({resolved}) "
            f"GROUP BY relationship_id")


STORED_SCOPES = 5  # how often a scope's parameters are repeated in `_stored_parts`


def _kept_private_part(scope: str) -> str:
    """Part 5 of the stored state, for a few relationships: where among the client's
    scored check-ins (1 = latest) the latest one that shared nothing with the keyworker
    stands."""
    return (f"SELECT relationship_id, 5, CAST(MIN(n) AS TEXT), "
            f"CAST(NULL AS TIMESTAMP WITH TIME ZONE) FROM (SELECT relationship_id, "
            f"visibility, ROW_NUMBER() OVER (PARTITION BY relationship_id ORDER BY "
            f"submitted_at DESC, id DESC) AS n FROM checkins_checkinresponse "
            f"WHERE {scope} AND rater = 'client' AND overall IS NOT NULL) q "
            f"WHERE visibility = 'nothing' GROUP BY relationship_id")


def _stored_sql(n: int, *, kept_private: bool = False) -> str:
    scope = f"relationship_id IN ({', '.join(['%s'] * n)})"
    sql = _stored_parts(scope)
    return f"{sql} UNION ALL {_kept_private_part(scope)}" if kept_private else sql


def _moment(value: Any) -> dt.datetime:
    """A stored moment as an aware datetime (SQLite hands back text in UTC)."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value.replace(tzinfo=dt.UTC) if timezone.is_naive(value) else value


def _add_stored(rows: Sequence[Sequence[Any]], into: Stored) -> None:
    for rel_id, part, value, moment in rows:
        rel = int(rel_id)
        if part == 5:
            if into.kept_private_at is not None:
                into.kept_private_at[rel] = int(value)
        elif part == 0:
            into.patterns[rel] = value
        elif part == 1:
            into.open_alerts.add((rel, value))
        elif moment is None:
            continue
        elif part == 2:
            into.resolved[(rel, value)] = _moment(moment)
        elif part == 3:
            into.latest_checkin[rel] = _moment(moment)
        else:
            into.latest_contact[rel] = _moment(moment)


def read_stored(relationship_ids: Sequence[int] | None = None, *,
                organisation_id: int | None = None) -> Stored:
    """What is stored of these relationships (`Stored`), one query per STORED_CHUNK of
    them, or, without ids, of every relationship of the organisation (of all organisations
    without one) in one query."""
    stored = Stored({}, set())
    if relationship_ids is None:
        where, params = "", []
        if organisation_id is not None:
            where, params = "WHERE organisation_id = %s", [organisation_id]
        scope = "organisation_id = %s" if where else "1 = 1"
        with connection.cursor() as cur:
            cur.execute(_stored_parts(scope), params * STORED_SCOPES)
            _add_stored(cur.fetchall(), stored)
        return stored
    ids = [int(i) for i in relationship_ids]
    for start in range(0, len(ids), STORED_CHUNK):
        chunk = ids[start:start + STORED_CHUNK]
        with connection.cursor() as cur:
            cur.execute(_stored_sql(len(chunk)), chunk * STORED_SCOPES)
            _add_stored(cur.fetchall(), stored)
    return stored


def _one_round_trip(cur: Any) -> bool:
    """Whether two statements can go to the database as one text (PostgreSQL with
    client-side parameters, Django's default): each still runs with its own snapshot."""
    if connection.vendor != "postgresql":
        return False
    import psycopg

    return isinstance(getattr(cur, "cursor", None), psycopg.ClientCursor)


def _small_parts(relationship_ids: Sequence[int], *, with_stored: bool = False
                 ) -> tuple[_Parts, Stored | None]:
    """A few relationships: the three reads in one round trip (a UNION), straight into
    numpy. Check-ins and contacts are read by relationship id without the join to the
    relationship (less for the database to plan); rows of a relationship that is not open
    are dropped here instead. Every value fits a double exactly (ids, days, flags and the
    stored scores)."""
    where, params = _where(relationship_ids, None)
    ids = [int(i) for i in relationship_ids] or [-1]
    by_id = f"c.relationship_id IN ({', '.join(['%s'] * len(ids))})"
    sql = " UNION ALL ".join((
        _padded(_rels_sql(where), 0, REL_COLUMNS),
        _padded(_checkins_sql(by_id, join=""), 1, CI_COLUMNS),
        _padded(_contacts_sql(by_id, join=""), 2, CO_COLUMNS),
    ))
    stored = Stored({}, set(), kept_private_at={}) if with_stored else None
    with connection.cursor() as cur:
        if stored is not None and _one_round_trip(cur):
            cur.execute(f"{sql}; {_stored_sql(len(ids), kept_private=True)}",
                        [*params, *ids, *ids, *(ids * (STORED_SCOPES + 1))])
            rows = cur.fetchall()
            cur.nextset()
            _add_stored(cur.fetchall(), stored)
        else:
            cur.execute(sql, [*params, *ids, *ids])
            rows = cur.fetchall()
            if stored is not None:
                cur.execute(_stored_sql(len(ids), kept_private=True),
                            ids * (STORED_SCOPES + 1))
                _add_stored(cur.fetchall(), stored)
    table = np.array(rows, dtype=np.float64).reshape(-1, WIDTH + 1)
    part = table[:, 0]
    rels = table[part == 0, 1:]
    rels = rels[np.argsort(rels[:, 0], kind="stable")]
    cis, cos = table[part == 1, 1:], table[part == 2, 1:]
    cis = cis[np.isin(cis[:, 0], rels[:, 0])]
    cos = cos[np.isin(cos[:, 0], rels[:, 0])]

    def columns(rows: np.ndarray, schema: dict[str, Any]) -> dict[str, np.ndarray]:
        out = {}
        for i, (name, dtype) in enumerate(schema.items()):
            out[name] = rows[:, i].astype(np.float32 if dtype == pl.Float32 else np.int64)
        return out

    r = columns(rels, REL_SCHEMA)
    return _Parts(rel_id=r["id"], organisation_id=r["organisation_id"],
                  client_id=r["client_id"], start_day=r["start_day"], coerced=r["coerced"],
                  ci=columns(cis, CI_SCHEMA), co=columns(cos, CO_SCHEMA)), stored


# The reliable change of each form version this process has read, by id. A version never
# changes once loaded, so an amount stays true; a version loaded by another process is
# read when a check-in given in it first comes by. Saving or deleting a version in this
# process forgets them all (rolled-back rows may leave an id to be used again).
_FORM_AMOUNTS: dict[int, float] = {}


def forget_form_amounts(**_kwargs: Any) -> None:
    _FORM_AMOUNTS.clear()


post_save.connect(forget_form_amounts, sender="checkins.InstrumentVersion",
                  dispatch_uid="keywork.signals.reader.forget_form_amounts.save")
post_delete.connect(forget_form_amounts, sender="checkins.InstrumentVersion",
                    dispatch_uid="keywork.signals.reader.forget_form_amounts.delete")


def _in_submission_order(ci: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The check-ins in the order they were given. The engine takes the later of two
    check-ins on one day from the row order, and a database hands rows back in no order
    of its own unless asked (a plain scan meets them as they lie on disk)."""
    at = ci["at"]
    if at.size < 2 or bool((at[1:] >= at[:-1]).all()):
        return ci
    order = np.argsort(at, kind="stable")
    return {name: column[order] for name, column in ci.items()}


def _form_amounts(version_ids: np.ndarray) -> dict[int, float]:
    """The reliable change of each of these form versions: from what this process knows,
    and one query for any it has not met yet."""
    known = dict(_FORM_AMOUNTS)  # a copy: a version saved meanwhile cannot empty it
    missing = sorted(set(np.unique(version_ids).tolist()) - known.keys())
    if missing:
        found = {version.pk: _form_amount(version)
                 for version in InstrumentVersion.objects.filter(pk__in=missing)}
        _FORM_AMOUNTS.update(found)
        known.update(found)
    return known


def _form_amount(version: Any) -> float:
    """The version's reliable change, as the check-in pages use it (NaN, and so the
    engine's default, for a definition that does not parse)."""
    try:
        return domain_instrument(version).scoring.reliability.reliable_change
    except DomainError:
        return math.nan


def _client_amounts(ci: dict[str, np.ndarray], forms: dict[int, float]) -> np.ndarray:
    """Each client check-in's reliable change, from its form version (NaN on the
    keyworker's check-ins and where the version's values are not usable)."""
    version = ci["version"]
    out = np.full(version.shape, np.nan, dtype=np.float32)
    if not forms:
        return out
    ids = np.array(sorted(forms), dtype=np.int64)
    amounts = np.array([forms[i] for i in ids.tolist()], dtype=np.float32)
    at = np.minimum(np.searchsorted(ids, version), ids.size - 1)
    found = (ids[at] == version) & (ci["rater"] == 0)
    out[found] = amounts[at[found]]
    return out


def load_batch(*, as_of_day: int, relationship_ids: Sequence[int] | None = None,
               organisation_id: int | None = None, with_stored: bool = False) -> LoadedBatch:
    """The columns of the open relationships asked for. With ``with_stored`` and a few
    relationships, their stored patterns and open alerts come along in the same round
    trip (``LoadedBatch.stored``); otherwise that stays None."""
    stored = None
    if relationship_ids is not None and organisation_id is None and (
            len(relationship_ids) < SMALL_BELOW):
        parts, stored = _small_parts(relationship_ids, with_stored=with_stored)
    else:
        where, params = _where(relationship_ids, organisation_id)
        bulk = relationship_ids is None or len(relationship_ids) >= COPY_FROM
        parts = _bulk_parts(where, params, bulk=bulk)
    rel_id = parts.rel_id
    ci, co = _in_submission_order(parts.ci), parts.co
    # Map relationship ids to positions 0..n-1 (rel_id is sorted).
    ci_pos = np.searchsorted(rel_id, ci["rel"]).astype(np.int32)
    co_pos = np.searchsorted(rel_id, co["rel"]).astype(np.int32)
    dims = np.stack([ci[f"d{i}"] for i in range(5)], axis=1).astype(np.float32)
    batch = SignalBatch(
        as_of_day=as_of_day,
        rel_id=rel_id,
        start_day=parts.start_day,
        coerced=parts.coerced.astype(bool),
        ci_rel=ci_pos,
        ci_day=ci["day"],
        ci_rater=ci["rater"],
        ci_overall=ci["overall"],
        ci_dims=dims.reshape(-1, 5),
        ci_estimate=ci["estimate"],
        ci_at_max=ci["at_max"].astype(bool),
        co_rel=co_pos,
        co_day=co["day"],
        co_initiator=co["initiator"],
        co_attended=co["attended"].astype(bool),
        co_kind=co["kind"],
        ci_reliable_change=_client_amounts(ci, _form_amounts(ci["version"][ci["rater"] == 0])),
    )
    return LoadedBatch(batch=batch, organisation_id=parts.organisation_id,
                       client_id=parts.client_id, stored=stored)
