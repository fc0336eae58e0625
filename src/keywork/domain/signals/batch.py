"""The engine's input: columns of relationships, their check-ins and their contacts
(`SignalBatch`), built from plain rows or cut down to some relationships.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from keywork.domain.errors import DomainError
from keywork.domain.instruments import DIMENSIONS
from keywork.domain.signals.codes import (
    INITIATOR_CODES,
    KIND_CODES,
    RATER_CODES,
    _index,
    _kind_index,
)


def _arr(name: str, value: Any, dtype: type[np.generic], shape: tuple[int, ...]) -> np.ndarray:
    a = np.asarray(value)
    if a.shape != shape:
        raise DomainError(f"signal batch: {name} has shape {a.shape}, expected {shape}")
    if a.dtype != dtype:
        if np.issubdtype(a.dtype, np.floating) and not np.issubdtype(dtype, np.floating):
            raise DomainError(f"signal batch: {name} must hold whole numbers")
        a = a.astype(dtype)
    return a


def _check_range(name: str, a: np.ndarray, lo: int, hi: int) -> None:
    if a.size and (int(a.min()) < lo or int(a.max()) > hi):
        raise DomainError(f"signal batch: {name} must lie in {lo}..{hi}")


@dataclass(frozen=True)
class SignalBatch:
    """Columnar input: relationships, their check-ins and their contacts.

    `ci_rel` and `co_rel` index the relationship arrays (0..n-1); days count from
    1970-01-01. Rows need not be sorted. Arrays are converted to the dtypes below (no copy
    when they already match):

    relationships: rel_id int64[n], start_day int32[n], coerced bool[n] (optional)
    check-ins:     ci_rel int32[m], ci_day int32[m], ci_rater int8[m] (0 client,
                   1 keyworker), ci_overall float32[m] (0–100, NaN if not scorable),
                   ci_dims float32[m, 5], ci_estimate float32[m] (the worker's estimate of
                   the client's overall view; NaN on client rows), ci_at_max bool[m],
                   ci_reliable_change float32[m] (optional: the reliable change, in
                   points, of the form version the check-in was given in; NaN where not
                   known. Read on client rows by the client-drop rule)
    contacts:      co_rel int32[k], co_day int32[k], co_initiator int8[k] (0 worker,
                   1 client, 2 other), co_attended bool[k], co_kind int8[k] (optional:
                   0 planned session, 1 everyday on the unit, 2 phone, 3 message,
                   4 advocacy, 5 group)
    """

    as_of_day: int
    rel_id: np.ndarray
    start_day: np.ndarray
    ci_rel: np.ndarray
    ci_day: np.ndarray
    ci_rater: np.ndarray
    ci_overall: np.ndarray
    ci_dims: np.ndarray
    ci_estimate: np.ndarray
    ci_at_max: np.ndarray
    co_rel: np.ndarray
    co_day: np.ndarray
    co_initiator: np.ndarray
    co_attended: np.ndarray
    coerced: np.ndarray | None = None
    co_kind: np.ndarray | None = None
    ci_reliable_change: np.ndarray | None = None

    def __post_init__(self) -> None:
        def put(name: str, value: Any) -> None:
            object.__setattr__(self, name, value)

        if isinstance(self.as_of_day, bool) or not isinstance(self.as_of_day, int | np.integer):
            raise DomainError("signal batch: as_of_day must be a day number")
        put("as_of_day", int(self.as_of_day))
        rel_id = np.asarray(self.rel_id)
        n = rel_id.shape[0] if rel_id.ndim == 1 else -1
        if n < 0:
            raise DomainError("signal batch: rel_id must be one-dimensional")
        m = np.asarray(self.ci_rel).shape[0] if np.ndim(self.ci_rel) == 1 else -1
        k = np.asarray(self.co_rel).shape[0] if np.ndim(self.co_rel) == 1 else -1
        if m < 0 or k < 0:
            raise DomainError("signal batch: ci_rel and co_rel must be one-dimensional")
        spec: list[tuple[str, type[np.generic], tuple[int, ...]]] = [
            ("rel_id", np.int64, (n,)), ("start_day", np.int32, (n,)),
            ("ci_rel", np.int32, (m,)), ("ci_day", np.int32, (m,)),
            ("ci_rater", np.int8, (m,)), ("ci_overall", np.float32, (m,)),
            ("ci_dims", np.float32, (m, len(DIMENSIONS))), ("ci_estimate", np.float32, (m,)),
            ("ci_at_max", np.bool_, (m,)),
            ("co_rel", np.int32, (k,)), ("co_day", np.int32, (k,)),
            ("co_initiator", np.int8, (k,)), ("co_attended", np.bool_, (k,)),
        ]
        for name, dtype, shape in spec:
            put(name, _arr(name, getattr(self, name), dtype, shape))
        if self.coerced is not None:
            put("coerced", _arr("coerced", self.coerced, np.bool_, (n,)))
        if self.co_kind is not None:
            put("co_kind", _arr("co_kind", self.co_kind, np.int8, (k,)))
            _check_range("co_kind", self.co_kind, 0, len(KIND_CODES) - 1)
        if self.ci_reliable_change is not None:
            put("ci_reliable_change",
                _arr("ci_reliable_change", self.ci_reliable_change, np.float32, (m,)))
            if m and bool((self.ci_reliable_change <= 0).any()):
                raise DomainError("signal batch: ci_reliable_change must be positive (or NaN)")
        _check_range("ci_rel", self.ci_rel, 0, n - 1)
        _check_range("co_rel", self.co_rel, 0, n - 1)
        _check_range("ci_rater", self.ci_rater, 0, 1)
        _check_range("co_initiator", self.co_initiator, 0, 2)
        ov = self.ci_overall
        if m and (bool((ov < 0).any()) or bool((ov > 100).any())):
            raise DomainError("signal batch: ci_overall must lie in 0..100 (or NaN)")

    @property
    def n(self) -> int:
        return int(self.rel_id.shape[0])


@dataclass(frozen=True)
class RelationshipRow:
    rel_id: int
    start_day: int
    coerced: bool = False


@dataclass(frozen=True)
class CheckinRow:
    """One scored check-in; `rater` and the codes may be given as text or as numbers."""

    rel_id: int
    day: int
    rater: int | str
    overall: float | None
    dims: Sequence[float | None] = (None, None, None, None, None)
    estimate: float | None = None
    at_max: bool = False
    reliable_change: float | None = None  # of the check-in's form version, in points


@dataclass(frozen=True)
class ContactRow:
    rel_id: int
    day: int
    initiator: int | str
    attended: bool = True
    kind: int | str | None = None


def _f(x: float | None) -> float:
    return math.nan if x is None else float(x)


def batch_from_rows(relationships: Sequence[RelationshipRow], checkins: Iterable[CheckinRow],
                    contacts: Iterable[ContactRow], *, as_of_day: int) -> SignalBatch:
    """Build a batch from plain rows (the one-relationship case and tests)."""
    index = {r.rel_id: i for i, r in enumerate(relationships)}
    if len(index) != len(relationships):
        raise DomainError("signal batch: relationship ids must be unique")

    def at(rel_id: int) -> int:
        try:
            return index[rel_id]
        except KeyError:
            raise DomainError(f"signal batch: row for unknown relationship {rel_id}") from None

    cis = list(checkins)
    cos = list(contacts)
    for c in cis:
        if len(c.dims) != len(DIMENSIONS):
            raise DomainError(f"signal batch: a check-in needs {len(DIMENSIONS)} dimension "
                              f"scores (None where missing)")
    kinds = [c.kind for c in cos]
    if any(k is None for k in kinds) and any(k is not None for k in kinds):
        raise DomainError("signal batch: give the contact kind on every contact or on none")
    m = len(cis)
    amounts = [c.reliable_change for c in cis]
    return SignalBatch(
        as_of_day=as_of_day,
        rel_id=np.array([r.rel_id for r in relationships], dtype=np.int64),
        start_day=np.array([r.start_day for r in relationships], dtype=np.int32),
        coerced=np.array([r.coerced for r in relationships], dtype=bool),
        ci_rel=np.array([at(c.rel_id) for c in cis], dtype=np.int32),
        ci_day=np.array([c.day for c in cis], dtype=np.int32),
        ci_rater=np.array([_index(c.rater, RATER_CODES, "rater") for c in cis], dtype=np.int8),
        ci_overall=np.array([_f(c.overall) for c in cis], dtype=np.float32),
        ci_dims=np.array([[_f(x) for x in c.dims] for c in cis],
                         dtype=np.float32).reshape(m, len(DIMENSIONS)),
        ci_estimate=np.array([_f(c.estimate) for c in cis], dtype=np.float32),
        ci_at_max=np.array([c.at_max for c in cis], dtype=bool),
        co_rel=np.array([at(c.rel_id) for c in cos], dtype=np.int32),
        co_day=np.array([c.day for c in cos], dtype=np.int32),
        co_initiator=np.array([_index(c.initiator, INITIATOR_CODES, "initiator")
                               for c in cos], dtype=np.int8),
        co_attended=np.array([c.attended for c in cos], dtype=bool),
        co_kind=None if (not cos or kinds[0] is None) else
        np.array([_kind_index(k) for k in kinds], dtype=np.int8),
        ci_reliable_change=None if all(a is None for a in amounts) else
        np.array([_f(a) for a in amounts], dtype=np.float32),
    )


def select_relationships(batch: SignalBatch, indexes: Sequence[int] | np.ndarray) -> SignalBatch:
    """The sub-batch of the given relationships (by position), rows kept in input order."""
    idx = np.asarray(indexes, dtype=np.int64).reshape(-1)
    if idx.size and (int(idx.min()) < 0 or int(idx.max()) >= batch.n
                     or np.unique(idx).size != idx.size):
        raise DomainError("select_relationships: positions must be distinct, in 0..n-1")
    remap = np.full(batch.n, -1, dtype=np.int64)
    remap[idx] = np.arange(idx.size)
    ci = np.flatnonzero(remap[batch.ci_rel] >= 0)
    co = np.flatnonzero(remap[batch.co_rel] >= 0)
    return SignalBatch(
        as_of_day=batch.as_of_day,
        rel_id=batch.rel_id[idx], start_day=batch.start_day[idx],
        coerced=None if batch.coerced is None else batch.coerced[idx],
        ci_rel=remap[batch.ci_rel[ci]].astype(np.int32), ci_day=batch.ci_day[ci],
        ci_rater=batch.ci_rater[ci], ci_overall=batch.ci_overall[ci],
        ci_dims=batch.ci_dims[ci], ci_estimate=batch.ci_estimate[ci],
        ci_at_max=batch.ci_at_max[ci],
        co_rel=remap[batch.co_rel[co]].astype(np.int32), co_day=batch.co_day[co],
        co_initiator=batch.co_initiator[co], co_attended=batch.co_attended[co],
        co_kind=None if batch.co_kind is None else batch.co_kind[co],
        ci_reliable_change=None if batch.ci_reliable_change is None
        else batch.ci_reliable_change[ci],
    )
