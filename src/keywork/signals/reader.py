"""Reading relationships, check-ins and contacts from the database in bulk, as columns.

On PostgreSQL each query streams through ``COPY (SELECT …) TO STDOUT`` into a Polars frame;
on SQLite it is one cursor read. Nothing goes object by object through the ORM, so the same
reader serves one relationship after a check-in and every relationship in a bulk job.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import polars as pl
from django.conf import settings
from django.db import connection

from keywork.domain.signals import SignalBatch

KINDS = ("session", "everyday", "phone", "message", "advocacy", "group")
INITIATORS = ("worker", "client", "other")
OPEN = ("active", "ending")


@dataclass(frozen=True)
class LoadedBatch:
    batch: SignalBatch
    organisation_id: np.ndarray  # int64 per relationship


def _day(column: str) -> str:
    if connection.vendor == "postgresql":
        tz = ZoneInfo(settings.TIME_ZONE).key  # a valid zone name, never user input
        return f"(({column} AT TIME ZONE '{tz}')::date - DATE '1970-01-01')"
    return f"CAST(julianday({column}) - 2440587.5 AS INTEGER)"


def _date_day(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"({column} - DATE '1970-01-01')"
    return f"CAST(julianday({column}) - 2440587.5 AS INTEGER)"


# Below this many relationships a plain cursor read beats COPY's per-statement set-up.
COPY_FROM = 2000


def _frame(sql: str, params: Sequence[Any], schema: dict[str, Any], *, bulk: bool = True
           ) -> pl.DataFrame:
    names = list(schema)
    with connection.cursor() as cur:
        if bulk and connection.vendor == "postgresql":
            raw = cur.cursor if hasattr(cur, "cursor") else cur
            query = raw.mogrify(sql, list(params)) if params else sql
            buf = io.BytesIO()
            with raw.copy(f"COPY ({query}) TO STDOUT WITH (FORMAT csv)") as copy:
                for block in copy:
                    buf.write(block)
            if buf.tell() == 0:
                return pl.DataFrame(schema=schema)
            buf.seek(0)
            return pl.read_csv(buf, has_header=False, new_columns=names,
                               schema_overrides=schema, infer_schema=False)
        cur.execute(sql, list(params))
        rows = cur.fetchall()
    return pl.DataFrame(rows, schema=schema, orient="row")


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


def load_batch(*, as_of_day: int, relationship_ids: Sequence[int] | None = None,
               organisation_id: int | None = None) -> LoadedBatch:
    where, params = _where(relationship_ids, organisation_id)
    bulk = relationship_ids is None or len(relationship_ids) >= COPY_FROM
    rels = _frame(
        # Built from constants and placeholders only; values travel as parameters.
        f"""SELECT r.id, r.organisation_id,
                   {_date_day('COALESCE(r.started_on, r.proposed_on)')} AS start_day,
                   CASE WHEN lb.is_coerced THEN 1 ELSE 0 END AS coerced
              FROM relationships_relationship r
              JOIN clients_episode e ON e.id = r.episode_id
              JOIN organisations_legalbasis lb ON lb.id = e.legal_basis_id
             WHERE {where} ORDER BY r.id""",
        params,
        {"id": pl.Int64, "organisation_id": pl.Int64, "start_day": pl.Int32,
         "coerced": pl.Int8},
        bulk=bulk,
    )
    cis = _frame(
        f"""SELECT c.relationship_id, {_day('c.submitted_at')} AS day,
                   CASE WHEN c.rater = 'client' THEN 0 ELSE 1 END AS rater,
                   c.overall, c.score_match, c.score_presence, c.score_personal_professional,
                   c.score_cooperation, c.score_flexible_support, c.estimate_overall,
                   CASE WHEN c.at_max THEN 1 ELSE 0 END AS at_max
              FROM checkins_checkinresponse c
              JOIN relationships_relationship r ON r.id = c.relationship_id
             WHERE {where} AND c.rater IN ('client', 'keyworker')""",
        params,
        {"rel": pl.Int64, "day": pl.Int32, "rater": pl.Int8, "overall": pl.Float32,
         "d0": pl.Float32, "d1": pl.Float32, "d2": pl.Float32, "d3": pl.Float32,
         "d4": pl.Float32, "estimate": pl.Float32, "at_max": pl.Int8},
        bulk=bulk,
    )
    kind_case = " ".join(f"WHEN '{k}' THEN {i}" for i, k in enumerate(KINDS))
    init_case = " ".join(f"WHEN '{k}' THEN {i}" for i, k in enumerate(INITIATORS))
    cos = _frame(
        f"""SELECT c.relationship_id, {_day('c.occurred_at')} AS day,
                   CASE c.initiated_by {init_case} ELSE 2 END AS initiator,
                   CASE WHEN c.attended THEN 1 ELSE 0 END AS attended,
                   CASE c.kind {kind_case} ELSE 0 END AS kind
              FROM contacts_contact c
              JOIN relationships_relationship r ON r.id = c.relationship_id
             WHERE {where}""",
        params,
        {"rel": pl.Int64, "day": pl.Int32, "initiator": pl.Int8, "attended": pl.Int8,
         "kind": pl.Int8},
        bulk=bulk,
    )
    rel_id = rels["id"].to_numpy()
    # Map relationship ids to positions 0..n-1 (rel_id is sorted by the query).
    ci_pos = np.searchsorted(rel_id, cis["rel"].to_numpy()).astype(np.int32)
    co_pos = np.searchsorted(rel_id, cos["rel"].to_numpy()).astype(np.int32)
    dims = cis.select(["d0", "d1", "d2", "d3", "d4"]).to_numpy().astype(np.float32)
    batch = SignalBatch(
        as_of_day=as_of_day,
        rel_id=rel_id,
        start_day=rels["start_day"].to_numpy(),
        coerced=rels["coerced"].to_numpy().astype(bool),
        ci_rel=ci_pos,
        ci_day=cis["day"].to_numpy(),
        ci_rater=cis["rater"].to_numpy(),
        ci_overall=cis["overall"].fill_null(np.nan).to_numpy(),
        ci_dims=np.nan_to_num(dims, nan=np.nan).reshape(-1, 5),
        ci_estimate=cis["estimate"].fill_null(np.nan).to_numpy(),
        ci_at_max=cis["at_max"].to_numpy().astype(bool),
        co_rel=co_pos,
        co_day=cos["day"].to_numpy(),
        co_initiator=cos["initiator"].to_numpy(),
        co_attended=cos["attended"].to_numpy().astype(bool),
        co_kind=cos["kind"].to_numpy(),
    )
    return LoadedBatch(batch=batch, organisation_id=rels["organisation_id"].to_numpy())
