"""Planted relationship patterns, for tests and the benchmark.

`plant` draws n relationships, plants one of the three patterns in each (with noise), and
returns the columnar `SignalBatch` with the truth. Everything is vectorised and uses
int32/int8/float32 columns, so a million relationships with ten million check-ins and fifty
million contacts fit in a few gigabytes.

What is planted (ratings are on 0–100; each check-in answers five 0–10 items, so a
dimension score is a multiple of 10 and the overall a multiple of 2):

- friendly and trustful: the client's level 76–92, the worker's a few points either side;
  small noise; the client starts about 40% of contact and half of it is everyday contact.
- polite and neutral: both 54–66 and steady; contact is mostly planned sessions started by
  the worker.
- ambivalent and conflicted, one of five kinds: the client's ratings are low; the worker
  rates 24–38 points above the client; both sides swing by ±22 from one check-in to the
  next; half the appointments are missed; or the client starts almost every contact.

Check-ins and contacts fall on random days of each relationship, and rows come out in no
particular order (each row picks its relationship at random), as a bulk export might.
Noise means some planted relationships read differently from their plant: recovery is high
but not perfect, as with real data.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from keywork.domain.errors import DomainError
from keywork.domain.instruments import DIMENSIONS
from keywork.domain.signals import (
    AMBIVALENT_CONFLICTED,
    FRIENDLY_TRUSTFUL,
    POLITE_NEUTRAL,
    SignalBatch,
)

AMBIVALENT_KINDS: tuple[str, ...] = (
    "low_client", "worker_above", "swings", "missed_appointments", "client_chasing",
)

# Rating profiles: friendly, polite, then the five ambivalent kinds.
# client level ~ U(c_lo, c_hi); worker = w_from_client * client + U(w_lo, w_hi);
# occasion noise SD; swing amplitude (± per check-in, random sign).
_C_LO = np.array([76, 54, 25, 40, 55, 55, 55], dtype=np.float32)
_C_HI = np.array([92, 66, 45, 55, 75, 70, 70], dtype=np.float32)
_W_FROM_C = np.array([1, 1, 0, 1, 1, 1, 1], dtype=np.float32)
_W_LO = np.array([-6, -5, 50, 24, -5, -5, -5], dtype=np.float32)
_W_HI = np.array([3, 4, 70, 38, 5, 4, 4], dtype=np.float32)
_NOISE = np.array([3, 3, 5, 4, 3, 3, 3], dtype=np.float32)
_SWING = np.array([0, 0, 0, 0, 22, 0, 0], dtype=np.float32)
# Contact profiles (same order): who starts it, attendance, kinds (session, everyday,
# phone, message, advocacy, group).
_P_CLIENT = np.array([0.40, 0.07, 0.20, 0.20, 0.20, 0.15, 0.93], dtype=np.float32)
_P_WORKER = np.array([0.55, 0.88, 0.72, 0.72, 0.72, 0.80, 0.04], dtype=np.float32)
_ATTEND = np.array([0.96, 0.94, 0.88, 0.88, 0.88, 0.50, 0.92], dtype=np.float32)
_KINDS = np.array([
    [0.35, 0.35, 0.10, 0.10, 0.05, 0.05],
    [0.72, 0.05, 0.03, 0.02, 0.06, 0.12],
    [0.50, 0.20, 0.10, 0.10, 0.05, 0.05],
    [0.50, 0.20, 0.10, 0.10, 0.05, 0.05],
    [0.50, 0.20, 0.10, 0.10, 0.05, 0.05],
    [0.70, 0.10, 0.05, 0.05, 0.05, 0.05],
    [0.15, 0.25, 0.30, 0.30, 0.00, 0.00],
], dtype=np.float32)
_KIND_CUM = np.cumsum(_KINDS, axis=1)[:, :-1]


@dataclass(frozen=True)
class Planted:
    batch: SignalBatch
    truth: np.ndarray  # int8 [n]: the planted pattern
    kind: np.ndarray  # int8 [n]: AMBIVALENT_KINDS index for ambivalent plants, else -1


def plant(n: int, *, seed: int = 0, weights: tuple[float, float, float] = (0.4, 0.35, 0.25),
          checkins: int | None = None, contacts: int | None = None,
          as_of_day: int = 20_000, with_kinds: bool = True,
          coerced_share: float = 0.3) -> Planted:
    """Plant patterns in n relationships (weights: friendly, polite, ambivalent).

    `checkins` and `contacts` are total row counts (default 10 and 50 per relationship).
    """
    if n < 1:
        raise DomainError("plant: n must be at least 1")
    w = np.asarray(weights, dtype=np.float64)
    if w.shape != (3,) or (w < 0).any() or w.sum() <= 0:
        raise DomainError("plant: weights must be three non-negative numbers")
    m = 10 * n if checkins is None else checkins
    k = 50 * n if contacts is None else contacts
    rng = np.random.default_rng(seed)

    truth = rng.choice(np.array([FRIENDLY_TRUSTFUL, POLITE_NEUTRAL, AMBIVALENT_CONFLICTED],
                                dtype=np.int8), size=n, p=w / w.sum())
    kind = np.where(truth == AMBIVALENT_CONFLICTED,
                    rng.integers(0, len(AMBIVALENT_KINDS), n), -1).astype(np.int8)
    profile = np.where(truth == AMBIVALENT_CONFLICTED, 2 + kind, truth).astype(np.int8)
    duration = rng.integers(56, 365, n, dtype=np.int32)
    start = (as_of_day - duration).astype(np.int32)
    coerced = rng.random(n, dtype=np.float32) < coerced_share

    u = rng.random((2, n), dtype=np.float32)
    c_level = _C_LO[profile] + (_C_HI - _C_LO)[profile] * u[0]
    w_level = _W_FROM_C[profile] * c_level + _W_LO[profile] + (_W_HI - _W_LO)[profile] * u[1]
    del u

    # Check-ins.
    ci_rel = rng.integers(0, n, m, dtype=np.int32)
    ci_rater = (rng.random(m, dtype=np.float32) < 0.5).astype(np.int8)
    ci_day = _days(rng, start, duration, ci_rel)
    p = profile[ci_rel]
    level = np.where(ci_rater == 0, c_level[ci_rel], w_level[ci_rel])
    level += _NOISE[p] * rng.standard_normal(m, dtype=np.float32)
    swing = _SWING[p]
    level += np.where(rng.random(m, dtype=np.float32) < 0.5, swing, -swing)
    del swing
    dims = level[:, None] + 6.0 * rng.standard_normal((m, len(DIMENSIONS)), dtype=np.float32)
    np.clip(dims, 0, 100, out=dims)
    np.round(dims, -1, out=dims)
    # A few skipped items: one in 50 check-ins misses one item (still scored), one in 200
    # misses two (not scored: the overall needs 4 of 5 dimensions).
    gaps = rng.random(m, dtype=np.float32)
    col = rng.integers(0, len(DIMENSIONS), m, dtype=np.int8)
    rows = np.flatnonzero(gaps < 0.02)
    dims[rows, col[rows]] = np.nan
    rows = np.flatnonzero(gaps < 0.005)
    dims[rows, (col[rows] + 1) % len(DIMENSIONS)] = np.nan
    del gaps, col, rows
    answered = ~np.isnan(dims)
    n_answered = answered.sum(axis=1)
    total = np.where(answered, dims, 0).sum(axis=1, dtype=np.float32)
    overall = np.where(n_answered >= 4, total / np.maximum(n_answered, 1), np.nan)
    overall = overall.astype(np.float32)
    at_max = (n_answered > 0) & np.where(answered, dims >= 100, True).all(axis=1)
    del answered, n_answered, total
    believed = np.where(profile[ci_rel] == 3, w_level[ci_rel], c_level[ci_rel])
    estimate = believed + 6.0 * rng.standard_normal(m, dtype=np.float32)
    estimate = np.where(ci_rater == 1, np.clip(np.round(estimate / 2) * 2, 0, 100), np.nan)
    del believed, level, p

    # Contacts.
    co_rel = rng.integers(0, n, k, dtype=np.int32)
    co_day = _days(rng, start, duration, co_rel)
    cp = profile[co_rel]
    u1 = rng.random(k, dtype=np.float32)
    initiator = np.full(k, 2, dtype=np.int8)
    initiator[u1 < (_P_CLIENT + _P_WORKER)[cp]] = 0
    initiator[u1 < _P_CLIENT[cp]] = 1
    rng.random(k, dtype=np.float32, out=u1)
    attended = u1 < _ATTEND[cp]
    co_kind = None
    if with_kinds:
        rng.random(k, dtype=np.float32, out=u1)
        co_kind = np.zeros(k, dtype=np.int8)
        for j in range(_KIND_CUM.shape[1]):
            co_kind += u1 >= _KIND_CUM[cp, j]
    del u1, cp

    batch = SignalBatch(
        as_of_day=as_of_day,
        rel_id=np.arange(1, n + 1, dtype=np.int64), start_day=start, coerced=coerced,
        ci_rel=ci_rel, ci_day=ci_day, ci_rater=ci_rater, ci_overall=overall,
        ci_dims=dims, ci_estimate=estimate.astype(np.float32), ci_at_max=at_max,
        co_rel=co_rel, co_day=co_day, co_initiator=initiator, co_attended=attended,
        co_kind=co_kind,
    )
    return Planted(batch, truth, kind)


def _days(rng: np.random.Generator, start: np.ndarray, duration: np.ndarray,
          rel: np.ndarray) -> np.ndarray:
    """A random day within each row's relationship, from its start to the as-of day."""
    span = (duration + 1).astype(np.float32)[rel]
    span *= rng.random(rel.size, dtype=np.float32)
    day = np.minimum(span.astype(np.int32), duration[rel])  # float32 rounding at the top
    day += start[rel]
    return day
