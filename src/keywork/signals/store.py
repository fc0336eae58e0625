"""Writing what an evaluation found: each relationship's state (pattern, facts, features)
and the alerts it opens, in bulk.

Every JSON value stored goes through one encoder (``encode``): Python structures built
column by column from the engine's result, never JSON assembled from strings. A chunk of
relationships is one upsert of states and one insert of alerts, sent together in one round
trip (``keywork.core.batch``); a handful (a check-in's one relationship) travel as VALUES,
more as one JSON document the database unpacks.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
import queue
import threading
from collections.abc import Callable
from typing import Any

import numpy as np
import orjson
from django.db import connection, transaction
from django.utils import timezone

from keywork.checkins.models import Rater, Visibility
from keywork.core import batch
from keywork.domain import signals as engine
from keywork.domain.signals.holding import CONTACT_ALERTS, LACK_ALERTS, held, withheld
from keywork.signals.models import Alert
from keywork.signals.reader import Stored
from keywork.signals.text import FROM_CLIENT_RATINGS

KEEP_FEATURES = ("client_checkins", "worker_checkins", "client_latest", "worker_latest",
                 "worker_estimate", "client_mean", "worker_mean", "gap_recent", "gap_change",
                 "days_since_client_checkin", "days_since_worker_checkin",
                 "days_since_contact", "contacts_in_window", "client_initiated_share",
                 "dna_rate", "everyday_share")
# Relationships written per statement in a bulk run (and per tick of its progress).
STORE_CHUNK = 5000


def encode(value: Any) -> str:
    """The one JSON text of everything the store writes: numpy numbers as plain numbers,
    NaN as null (PostgreSQL's jsonb has no NaN)."""
    return orjson.dumps(value, option=orjson.OPT_SERIALIZE_NUMPY).decode()


def jsonable(params: Any) -> Any:
    """``params`` with numpy numbers made plain, for a JSON field written through the ORM."""
    return json.loads(encode(params))


def _column_rows(column: engine.FactColumn) -> list[dict[str, Any]]:
    """Each row's parameters of a fact or alert column, as ``params_at`` gives them."""
    n = int(column.rows.size)
    keys = list(column.params)
    values = [v if isinstance(v, list) else itertools.repeat(v, n)
              for v in column.params.values()]
    if not keys:
        return [{} for _ in range(n)]
    return [dict(zip(keys, row, strict=True)) for row in zip(*values, strict=True)]


def facts(result: engine.SignalResult, cfg: engine.SignalConfig) -> list[list[dict[str, Any]]]:
    """Each relationship's facts, as ``explain`` gives them."""
    per_row: list[list[dict[str, Any]]] = [[] for _ in range(result.n)]
    for column in engine.fact_columns(result, cfg):
        if not column.rows.size:
            continue
        for i, params in zip(column.rows.tolist(), _column_rows(column), strict=True):
            per_row[i].append({"code": column.code, "params": params,
                               "decisive": column.decisive})
    return per_row


def features(result: engine.SignalResult) -> list[dict[str, Any]]:
    """Each relationship's kept features (two decimals, None for NaN)."""
    table = np.round(np.stack([getattr(result, name).astype(np.float64)
                               for name in KEEP_FEATURES]), 2)
    columns: list[list[Any]] = table.tolist()
    if np.isnan(table).any():
        columns = [[None if v != v else v for v in column] for column in columns]
    return [dict(zip(KEEP_FEATURES, values, strict=True))
            for values in zip(*columns, strict=True)]


# Below this many rows a write lists its rows as VALUES (quicker to plan: a check-in's one
# relationship); from it on, the rows travel as one JSON document.
VALUES_BELOW = 50
_STATE_COLUMNS = ("organisation_id, relationship_id, pattern, previous_pattern, pattern_since, "
                  "facts, features, evaluated_at, created_at, updated_at")
# A relationship whose pattern changed moves its old pattern to ``previous_pattern`` and
# restarts ``pattern_since``; one whose pattern stayed keeps both as stored.
_STATE_UPDATE = """ON CONFLICT (relationship_id) DO UPDATE SET
    previous_pattern = CASE WHEN {t}.pattern <> excluded.pattern
                            THEN {t}.pattern ELSE {t}.previous_pattern END,
    pattern_since = CASE WHEN {t}.pattern <> excluded.pattern
                         THEN excluded.pattern_since ELSE {t}.pattern_since END,
    pattern = excluded.pattern, facts = excluded.facts, features = excluded.features,
    evaluated_at = excluded.evaluated_at, updated_at = excluded.updated_at"""
_ALERT_COLUMNS = ("organisation_id, relationship_id, client_id, source, code, status, "
                  "raised_at, facts, note, created_at, updated_at")


# The writes below are built from constants and placeholders only; every value travels as
# a parameter.
def _states_sql(rows: int) -> str:
    """Upsert ``rows`` states given as VALUES, or, with 0, as one JSON document."""
    table = "signals_relationshipstate"
    if connection.vendor == "postgresql":
        head, t, jsonb = f"INSERT INTO {table} AS s ({_STATE_COLUMNS})", "s", "::jsonb"
        from_document = """SELECT x.o, x.r, x.p, '', %s, x.f, x.e, %s, %s, %s
                             FROM jsonb_to_recordset(%s::jsonb)
                               AS x(o bigint, r bigint, p text, f jsonb, e jsonb)"""
    else:
        head, t, jsonb = f"INSERT INTO {table} ({_STATE_COLUMNS})", table, ""
        from_document = """SELECT json_extract(value, '$.o'), json_extract(value, '$.r'),
                                  json_extract(value, '$.p'), '', %s,
                                  json_extract(value, '$.f'), json_extract(value, '$.e'),
                                  %s, %s, %s
                             FROM json_each(%s) WHERE true"""
    row = f"(%s, %s, %s, '', %s, %s{jsonb}, %s{jsonb}, %s, %s, %s)"
    body = "VALUES " + ", ".join([row] * rows) if rows else from_document
    return f"{head} {body} {_STATE_UPDATE.format(t=t)}"


def _alerts_sql(rows: int) -> str:
    """Insert ``rows`` new alerts given as VALUES, or, with 0, as one JSON document; one
    already unresolved for its relationship and code is left alone."""
    head = f"INSERT INTO signals_alert ({_ALERT_COLUMNS})"
    if connection.vendor == "postgresql":
        jsonb = "::jsonb"
        from_document = """SELECT x.o, x.r, x.c, %s, x.k, %s, %s, x.f, '', %s, %s
                             FROM jsonb_to_recordset(%s::jsonb)
                               AS x(o bigint, r bigint, c bigint, k text, f jsonb)"""
    else:
        jsonb = ""
        from_document = """SELECT json_extract(value, '$.o'), json_extract(value, '$.r'),
                                  json_extract(value, '$.c'), %s, json_extract(value, '$.k'),
                                  %s, %s, json_extract(value, '$.f'), '', %s, %s
                             FROM json_each(%s) WHERE true"""
    row = f"(%s, %s, %s, %s, %s, %s, %s, %s{jsonb}, '', %s, %s)"
    body = "VALUES " + ", ".join([row] * rows) if rows else from_document
    return f"{head} {body} ON CONFLICT DO NOTHING"


def _states(rows: list[tuple[int, int, str, Any, Any]], now: Any) -> batch.Statement:
    """The upsert of (organisation, relationship, pattern, facts, features) per row."""
    if len(rows) < VALUES_BELOW:
        return batch.Statement(_states_sql(len(rows)), tuple(
            v for o, r, p, f, e in rows
            for v in (o, r, p, now, encode(f), encode(e), now, now, now)))
    document = encode([{"o": o, "r": r, "p": p, "f": f, "e": e} for o, r, p, f, e in rows])
    return batch.Statement(_states_sql(0), (now, now, now, now, document))


def _alerts(rows: list[tuple[int, int, int, str, dict[str, Any]]], now: Any
            ) -> batch.Statement:
    """The insert of (organisation, relationship, client, code, facts) per new alert."""
    source, status = Alert._meta.get_field("source").get_default(), Alert.Status.OPEN
    if len(rows) < VALUES_BELOW:
        return batch.Statement(_alerts_sql(len(rows)), tuple(
            v for o, r, c, k, f in rows
            for v in (o, r, c, source, k, status, now, encode(f), now, now)))
    document = encode([{"o": o, "r": r, "c": c, "k": k, "f": f} for o, r, c, k, f in rows])
    return batch.Statement(_alerts_sql(0), (source, status, now, now, now, document))


def _held(column: engine.FactColumn, stored: Stored, rel_ids: list[int], as_of: int
          ) -> np.ndarray:
    """Per row of ``column``: whether its alert is held (``holding.held``), from what is
    stored about the relationship."""
    evidence = stored.latest_contact if column.code in CONTACT_ALERTS else stored.latest_checkin
    rows = column.rows.tolist()
    n = len(rows)
    still_open = np.zeros(n, dtype=bool)
    resolved_day = np.full(n, np.nan)
    newer = np.zeros(n, dtype=bool)
    for j, i in enumerate(rows):
        key = (rel_ids[i], column.code)
        still_open[j] = key in stored.open_alerts
        resolved = stored.resolved.get(key)
        if resolved is not None:
            resolved_day[j] = engine.day_number(timezone.localtime(resolved).date())
            latest = evidence.get(rel_ids[i])
            newer[j] = latest is not None and latest > resolved
    lack_days = None
    if column.code in LACK_ALERTS:
        limit = column.params.get("days")
        lack_days = np.asarray(limit if isinstance(limit, list) else [limit] * n, dtype=float)
    return held(still_open=still_open, resolved_day=resolved_day, newer_evidence=newer,
                lack_days=lack_days, as_of=as_of)


def _kept_private(rels: list[int], cfg: engine.SignalConfig, stored: Stored) -> set[int]:
    """The relationships among ``rels`` where one of the client check-ins the rating rules
    look at (the latest ``2 × recent_checkins``) was given without sharing anything with
    the keyworker: from what was read along with the stored state when it was, else one
    query."""
    if stored.kept_private_at is not None:
        return {r for r in rels
                if stored.kept_private_at.get(r, math.inf) <= 2 * cfg.recent_checkins}
    marks = ", ".join(["%s"] * len(rels))
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT DISTINCT relationship_id FROM (SELECT relationship_id, visibility, "  # noqa: S608
            f"ROW_NUMBER() OVER (PARTITION BY relationship_id ORDER BY submitted_at DESC, "
            f"id DESC) AS n FROM checkins_checkinresponse WHERE rater = %s AND "
            f"overall IS NOT NULL AND relationship_id IN ({marks})) q "
            f"WHERE n <= %s AND visibility = %s",
            [Rater.CLIENT, *rels, 2 * cfg.recent_checkins, Visibility.NOTHING])
        return {int(r) for (r,) in cur.fetchall()}


def _mark_withheld(alerts: list[tuple[int, int, int, str, dict[str, Any]]],
                   cfg: engine.SignalConfig, stored: Stored) -> None:
    """Marks ``withheld`` the new alerts that ``holding.withheld`` keeps from the keyworker;
    the query runs only when an alert from the client's ratings is new."""
    from_ratings = np.array([a[3] in FROM_CLIENT_RATINGS for a in alerts], dtype=bool)
    if not from_ratings.any():
        return
    private = _kept_private(sorted({a[1] for a, f in zip(alerts, from_ratings, strict=True)
                                    if f}), cfg, stored)
    marks = withheld(from_client_ratings=from_ratings,
                     kept_private_recently=np.array([a[1] in private for a in alerts],
                                                    dtype=bool))
    for alert, mark in zip(alerts, marks.tolist(), strict=True):
        if mark:
            alert[4]["withheld"] = True


class Background:
    """Writes a bulk run's chunks from a thread with its own connection, in one transaction,
    while the caller prepares the next chunk: the database stores one chunk while Python
    builds the next. ``finish`` commits and raises what went wrong, if anything; then
    nothing of it is kept. Only outside a caller's transaction (the thread's connection
    could not see that transaction's rows), and on PostgreSQL, where the two really run at
    once."""

    _ABANDON: list[batch.Statement] = []

    def __init__(self) -> None:
        self._queue: queue.Queue[list[batch.Statement] | None] = queue.Queue(maxsize=2)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="signals-store", daemon=True)
        self._thread.start()

    @staticmethod
    def usable() -> bool:
        return connection.vendor == "postgresql" and not connection.in_atomic_block

    def _run(self) -> None:
        try:
            with transaction.atomic():
                while (statements := self._queue.get()) is not None:
                    if statements is self._ABANDON:
                        raise _Abandoned
                    batch.send(statements)
        except _Abandoned:
            pass
        except BaseException as exc:  # handed to the caller in finish()
            self._error = exc
            while self._queue.get() is not None:
                pass
        finally:
            connection.close()

    def send(self, statements: list[batch.Statement]) -> None:
        if self._error is not None:
            self.finish()
        self._queue.put(statements)

    def finish(self) -> None:
        """Commit what was sent; raise the writer's error, if it had one."""
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()
        if self._error is not None:
            raise self._error

    def abandon(self) -> None:
        """Roll back what was sent (the caller failed halfway)."""
        if self._thread.is_alive():
            self._queue.put(self._ABANDON)
            self._queue.put(None)
            self._thread.join()


class _Abandoned(Exception):
    pass


Send = Callable[[list[batch.Statement]], Any]


def store(result: engine.SignalResult, org_ids: np.ndarray, client_ids: np.ndarray,
          cfg: engine.SignalConfig, now: dt.datetime, stored: Stored, as_of: int,
          send: Send = batch.send) -> tuple[int, int]:
    """Upsert the states and open the new alerts of the relationships in ``result`` (one
    organisation's, evaluated with ``cfg`` as of day ``as_of``): one statement for the
    states, one for the alerts. ``stored``: what was found stored for them (patterns,
    unresolved alerts, resolutions). Returns (alerts opened, pattern changes)."""
    n = result.n
    if not n:
        return 0, 0
    rel_ids = result.rel_id.tolist()
    orgs = org_ids.tolist()
    patterns = [engine.PATTERN_CODES[p] for p in result.pattern.tolist()]
    changes = 0
    for rel_id, pattern in zip(rel_ids, patterns, strict=True):
        before = stored.patterns.get(rel_id)
        changes += bool(before) and before != pattern
    alerts: list[tuple[int, int, int, str, dict[str, Any]]] = []
    clients = client_ids.tolist()
    for column in engine.alert_columns(result, cfg):
        if not column.rows.size or column.code in cfg.disabled_alerts:
            continue
        rule = engine.ALERT_RULES[column.code]
        kept = _held(column, stored, rel_ids, as_of).tolist()
        for i, params, is_held in zip(column.rows.tolist(), _column_rows(column), kept,
                                      strict=True):
            if not is_held:
                alerts.append((orgs[i], rel_ids[i], clients[i], column.code,
                               {"params": params, "evidence": rule.evidence,
                                "next_step": rule.next_step}))
    _mark_withheld(alerts, cfg, stored)
    at = connection.ops.adapt_datetimefield_value(now)
    writes = [_states(list(zip(orgs, rel_ids, patterns, facts(result, cfg), features(result),
                               strict=True)), at)]
    if alerts:
        writes.append(_alerts(alerts, at))
    # One round trip, all or nothing.
    send(writes)
    return len(alerts), changes

