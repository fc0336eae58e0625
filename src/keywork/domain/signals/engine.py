"""`evaluate`: the pattern, the reasons and the alerts of every relationship of a batch,
in one vectorised pass (the rules are in the package's docstring).

How it works. Check-ins are ordered once per (relationship, rater) by day, and contacts
once per relationship by day, each by sorting a packed 64-bit key. The group boundaries
come from `searchsorted`, so every feature that looks at "the latest", "the one before" or
"the last K" is a handful of gathers of length n (relationships), not of the rows.
Rows dated after `as_of_day` are ignored. Check-ins on the same day by the same rater keep
their input order (the later row counts as later).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from keywork.domain.errors import DomainError
from keywork.domain.signals.batch import SignalBatch
from keywork.domain.signals.codes import (
    _CONFLICT,
    _DECIDES,
    AMBIVALENT_CONFLICTED,
    CLIENT,
    FRIENDLY_TRUSTFUL,
    INITIATOR_CLIENT,
    INITIATOR_WORKER,
    KEYWORKER,
    NOT_ENOUGH_DATA,
    POLITE_NEUTRAL,
    Alert,
    Reason,
)
from keywork.domain.signals.config import DEFAULT_CLIENT_RELIABLE_CHANGE, SignalConfig
from keywork.domain.signals.result import SignalResult

_PAYLOAD_BITS = 6  # contact key: initiator (2 bits) | attended (1) | kind (3)
_ATTENDED = 1 << 2


def _sort_keys(key: np.ndarray) -> np.ndarray:
    """Sort int64 keys in place (numpy's SIMD sort; no second buffer to allocate)."""
    key.sort()
    return key


def _bits(x: int) -> int:
    return max(int(x).bit_length(), 1)


def _take(values: np.ndarray, idx: np.ndarray, ok: np.ndarray, fill: Any) -> np.ndarray:
    """values[idx] where ok, else fill (idx may be out of range where not ok)."""
    if values.shape[0] == 0:
        return np.full(idx.shape + values.shape[1:], fill, dtype=values.dtype)
    got = values[np.where(ok, idx, 0)]
    mask = ok.reshape(ok.shape + (1,) * (values.ndim - 1))
    return np.where(mask, got, fill)


def _latest(ends: np.ndarray, starts: np.ndarray, depth: int) -> tuple[np.ndarray, np.ndarray]:
    """Positions of the last `depth` rows of each group, newest first, and which exist."""
    pos = ends[:, None] - 1 - np.arange(depth)[None, :]
    return pos, pos >= starts[:, None]


@dataclass
class _Side:
    count: np.ndarray  # int32: scored check-ins
    vals: np.ndarray  # float64 [n, depth]: the latest scored overalls, newest first
    ok: np.ndarray  # bool [n, depth]
    rows: np.ndarray  # int64 [n, depth]: input rows of those check-ins
    latest_day: np.ndarray  # int64: latest check-in day (scored or not), -1 if none


def _checkin_sides(b: SignalBatch, depth: int) -> tuple[_Side, _Side]:
    """Order check-ins by (relationship, rater, scored, day, row) and read the latest ones.

    The sort key packs the group, the day and the row number into one int64, so the
    sorted keys carry the row order in their low bits (no separate argsort).
    """
    n = b.n
    rel, day, rater, overall = b.ci_rel, b.ci_day, b.ci_rater, b.ci_overall
    kept: np.ndarray | None = None
    if day.size and int(day.max()) > b.as_of_day:
        kept = np.flatnonzero(day <= b.as_of_day)
        rel, day, rater, overall = rel[kept], day[kept], rater[kept], overall[kept]
    m = rel.size
    groups = 4 * n  # (relationship, rater, scored)
    g = np.left_shift(rel, 2, dtype=np.int64)
    g |= rater << 1
    g |= ~np.isnan(overall)
    dmin = int(day.min()) if m else 0
    dbits = _bits(int(day.max()) - dmin if m else 0)
    rbits = _bits(m)
    shift = dbits + rbits
    if _bits(groups) + shift <= 63:
        key = np.subtract(day, dmin, dtype=np.int64)
        key <<= rbits
        key |= np.arange(m, dtype=np.int64)
        g <<= shift
        key |= g
        del g
        key = _sort_keys(key)
        ends = np.searchsorted(key, np.arange(1, groups + 1, dtype=np.int64) << shift)
        rmask = (1 << rbits) - 1

        def rows_at(pos: np.ndarray) -> np.ndarray:
            return key[pos] & rmask
    else:  # beyond 63 bits: a stable lexsort gives the same order, more slowly
        order = np.lexsort((day, g))
        ends = np.searchsorted(g[order], np.arange(1, groups + 1, dtype=np.int64))
        del g

        def rows_at(pos: np.ndarray) -> np.ndarray:
            return order[pos]

    starts = np.concatenate(([0], ends[:-1]))

    def input_rows(pos: np.ndarray, ok: np.ndarray) -> np.ndarray:
        rows = rows_at(np.where(ok, pos, 0)) if m else np.zeros(pos.shape, dtype=np.int64)
        if kept is not None:
            rows = kept[rows] if m else rows
        return np.where(ok, rows, -1)

    sides = []
    for s in (CLIENT, KEYWORKER):
        scored = np.arange(n, dtype=np.int64) * 4 + 2 * s + 1
        pos, ok = _latest(ends[scored], starts[scored], depth)
        rows = input_rows(pos, ok)
        vals = _take(b.ci_overall, rows, ok, np.nan).astype(np.float64)
        unscored = scored - 1
        upos, uok = _latest(ends[unscored], starts[unscored], 1)
        last = np.maximum(_take(b.ci_day, rows[:, 0], ok[:, 0], -1),
                          _take(b.ci_day, input_rows(upos, uok)[:, 0], uok[:, 0], -1))
        count = (ends[scored] - starts[scored]).astype(np.int32)
        sides.append(_Side(count, vals, ok, rows, last.astype(np.int64)))
    return sides[0], sides[1]


def _window(vals: np.ndarray, ok: np.ndarray, lo: int, hi: int
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Count, mean, sample SD and range of columns lo..hi-1 (NaN where undefined)."""
    v, o = vals[:, lo:hi], ok[:, lo:hi]
    count = o.sum(axis=1)
    total = np.zeros(v.shape[0])
    for j in range(v.shape[1]):
        total += np.where(o[:, j], v[:, j], 0.0)
    mean = np.where(count > 0, total / np.maximum(count, 1), np.nan)
    ss = np.zeros(v.shape[0])
    for j in range(v.shape[1]):
        ss += np.where(o[:, j], (v[:, j] - mean) ** 2, 0.0)
    sd = np.where(count > 1, np.sqrt(ss / np.maximum(count - 1, 1)), np.nan)
    hi_v = np.where(o, v, -np.inf).max(axis=1)
    lo_v = np.where(o, v, np.inf).min(axis=1)
    rng = np.where(count > 1, hi_v - lo_v, np.nan)
    return count, mean, sd, rng


@dataclass
class _Contacts:
    total: np.ndarray  # int32: contacts up to the as-of day
    last_attended_day: np.ndarray  # int64: the latest attended contact's day, -1 if none
    in_window: np.ndarray  # int32
    recent: np.ndarray  # int32: min(total, recent_contacts)
    by_client: np.ndarray  # int32, among the recent ones
    by_worker: np.ndarray
    missed: np.ndarray
    everyday: np.ndarray  # int32, -1 when contact kinds are not given


_BLOCK = 1 << 17  # relationships per block when reading the last contacts (bounds memory)


def _contact_features(b: SignalBatch, cfg: SignalConfig) -> _Contacts:
    """Order contacts by (relationship, day) with one sort of a packed key; read the ends.

    The key is relationship | day | payload (who started it, attended, kind), so the
    sorted keys are the whole contact record: no row gathers are needed afterwards.
    """
    n = b.n
    day, rel = b.co_day, b.co_rel
    initiator, attended, kind = b.co_initiator, b.co_attended, b.co_kind
    if day.size and int(day.max()) > b.as_of_day:
        keep = day <= b.as_of_day
        day, rel, initiator, attended = day[keep], rel[keep], initiator[keep], attended[keep]
        kind = None if kind is None else kind[keep]
        del keep
    k = day.size
    dmin = int(day.min()) if k else 0
    dbits = _bits(int(day.max()) - dmin if k else 0)
    shift = dbits + _PAYLOAD_BITS
    if _bits(n) + shift > 63:
        raise DomainError("signal batch: contact days span too wide a range")
    payload = attended.view(np.int8) << 2
    payload |= initiator
    if kind is not None:
        payload |= kind << 3
    if shift <= 31:  # day and payload fit an int32: fewer 64-bit temporaries
        low = np.subtract(day, dmin, dtype=np.int32)
        low <<= _PAYLOAD_BITS
        low |= payload
    else:
        low = np.subtract(day, dmin, dtype=np.int64)
        low <<= _PAYLOAD_BITS
        low |= payload
    del payload
    key = np.left_shift(rel, shift, dtype=np.int64)
    key |= low
    del low
    key = _sort_keys(key)

    rel_base = np.arange(n, dtype=np.int64) << shift
    ends = np.searchsorted(key, rel_base + (1 << shift))
    starts = np.concatenate(([0], ends[:-1]))
    total = ends - starts
    has = total > 0
    dmask = (1 << dbits) - 1
    # The latest attended contact: from each relationship's last contact, step back over
    # missed ones (the attended bit is in the payload). Each step handles only the
    # relationships still on a missed contact, so the work is the sum of the trailing runs
    # of missed appointments, not a pass over all contacts.
    pos = ends - 1
    todo = np.flatnonzero(has)
    todo = todo[(key[pos[todo]] & _ATTENDED) == 0]
    while todo.size:
        pos[todo] -= 1
        todo = todo[pos[todo] >= starts[todo]]
        todo = todo[(key[pos[todo]] & _ATTENDED) == 0]
    found = has & (pos >= starts)
    last_attended = np.where(
        found, ((_take(key, pos, found, 0) >> _PAYLOAD_BITS) & dmask) + dmin, -1)
    del pos
    lo_day = min(max(b.as_of_day - cfg.contact_window_days + 1 - dmin, 0), 1 << dbits)
    in_window = ends - np.searchsorted(key, rel_base + (lo_day << _PAYLOAD_BITS))
    del rel_base

    everyday_lut = np.zeros(8, dtype=bool)
    everyday_lut[list(cfg.everyday_kinds)] = True
    y = cfg.recent_contacts
    counts = np.zeros((4, n), dtype=np.int32)  # by client, by worker, missed, everyday
    for lo in range(0, n, _BLOCK):
        hi = min(lo + _BLOCK, n)
        # Each block's last y contacts, read row by row (contiguous in the sorted keys).
        pos = ends[lo:hi, None] - y + np.arange(y)[None, :]
        ok = pos >= starts[lo:hi, None]
        p = (_take(key, pos, ok, 0) & ((1 << _PAYLOAD_BITS) - 1)).astype(np.int8)
        init = p & 3
        counts[0, lo:hi] = (ok & (init == INITIATOR_CLIENT)).sum(axis=1)
        counts[1, lo:hi] = (ok & (init == INITIATOR_WORKER)).sum(axis=1)
        counts[2, lo:hi] = (ok & ((p & 4) == 0)).sum(axis=1)
        counts[3, lo:hi] = (ok & everyday_lut[p >> 3]).sum(axis=1)
    if kind is None:
        counts[3] = -1
    return _Contacts(total.astype(np.int32), last_attended.astype(np.int64),
                     in_window.astype(np.int32),
                     np.minimum(total, y).astype(np.int32), *counts)


def _drop_amount(b: SignalBatch, client: _Side, cfg: SignalConfig) -> np.ndarray:
    """Per relationship, the fall from the previous to the latest client check-in that
    counts as reliable: the larger of the two check-ins' form amounts.

    Two check-ins of the same form share its amount. For a pair from two forms the exact
    threshold, 1.96 · √(SEM₁² + SEM₂²), lies between the two forms' amounts, and the forms
    may not spread alike; the larger amount never calls a fall reliable that the noisier
    form would call noise. A row without an amount uses the other's, and the default when
    neither has one. `client_drop_points` replaces them all.
    """
    n = b.n
    if cfg.client_drop_points is not None:
        return np.full(n, float(cfg.client_drop_points))
    if b.ci_reliable_change is None:
        return np.full(n, DEFAULT_CLIENT_RELIABLE_CHANGE)
    amounts = b.ci_reliable_change
    latest = _take(amounts, client.rows[:, 0], client.ok[:, 0], np.nan)
    previous = _take(amounts, client.rows[:, 1], client.ok[:, 1], np.nan)
    larger = np.fmax(latest, previous).astype(np.float64)
    return np.where(np.isnan(larger), DEFAULT_CLIENT_RELIABLE_CHANGE, larger)


def _flag(cond: np.ndarray, bit: int) -> np.ndarray:
    return cond.astype(np.uint32) * np.uint32(bit)


def evaluate(batch: SignalBatch, config: SignalConfig | None = None) -> SignalResult:
    """Classify every relationship of the batch and evaluate the alert rules."""
    cfg = config or SignalConfig()
    with np.errstate(invalid="ignore", divide="ignore"):
        return _evaluate(batch, cfg)


def _evaluate(b: SignalBatch, cfg: SignalConfig) -> SignalResult:
    n, as_of, k = b.n, b.as_of_day, cfg.recent_checkins
    start = b.start_day.astype(np.int64)
    coerced = b.coerced if b.coerced is not None else np.zeros(n, dtype=bool)
    depth = max(2 * k, cfg.ceiling_checkins, 2)
    client, worker = _checkin_sides(b, depth)

    _, c_mean, c_sd, c_range = _window(client.vals, client.ok, 0, k)
    _, w_mean, w_sd, w_range = _window(worker.vals, worker.ok, 0, k)
    _, c_early_mean, _, _ = _window(client.vals, client.ok, k, 2 * k)
    _, w_early_mean, _, _ = _window(worker.vals, worker.ok, k, 2 * k)
    gap = w_mean - c_mean
    gap_earlier = w_early_mean - c_early_mean
    gap_change = gap - gap_earlier
    abs_gap = np.abs(gap)

    c_latest, c_prev = client.vals[:, 0], client.vals[:, 1]
    drop_amount = _drop_amount(b, client, cfg)
    w_latest = worker.vals[:, 0]
    w_latest_day = _take(b.ci_day, worker.rows[:, 0], worker.ok[:, 0], 0).astype(np.int64)
    w_early = worker.ok[:, 0] & ((worker.count - 1 < cfg.early_checkins)
                                 | (w_latest_day - start <= cfg.early_days))
    w_estimate = _take(b.ci_estimate, worker.rows[:, 0], worker.ok[:, 0], np.nan)
    c_dims = _take(b.ci_dims, client.rows[:, 0], client.ok[:, 0], np.nan)
    ceiling = np.zeros(n, dtype=np.int8)
    for j in range(cfg.ceiling_checkins):
        ceiling += _take(b.ci_at_max, client.rows[:, j], client.ok[:, j], False)

    def since(last: np.ndarray) -> np.ndarray:
        return np.maximum(as_of - np.where(last >= 0, last, start), 0).astype(np.int32)

    c_since, w_since = since(client.latest_day), since(worker.latest_day)

    co = _contact_features(b, cfg)
    # Presence: a missed appointment is not contact (as on the keyworker's caseload).
    co_since = since(co.last_attended_day)
    initiated = co.by_client + co.by_worker
    client_share = np.where(initiated > 0, co.by_client / np.maximum(initiated, 1), np.nan)
    dna_rate = np.where(co.recent > 0, co.missed / np.maximum(co.recent, 1), np.nan)
    has_kind = co.everyday >= 0
    everyday_share = np.where(has_kind & (co.recent > 0),
                              co.everyday / np.maximum(co.recent, 1), np.nan)

    # Pattern.
    enough = (client.count >= cfg.min_checkins_per_side) & (
        worker.count >= cfg.min_checkins_per_side)
    judge = co.recent >= cfg.min_contacts
    c_unstable = (c_sd >= cfg.unstable_sd_at_least) | (c_range >= cfg.swing_at_least)
    w_unstable = (w_sd >= cfg.unstable_sd_at_least) | (w_range >= cfg.swing_at_least)
    chasing = (initiated >= cfg.client_only_min_contacts) & (
        client_share >= cfg.client_only_share_at_least)
    reciprocal = (client_share >= cfg.reciprocal_client_share_at_least) & (
        ~has_kind | (everyday_share >= cfg.everyday_share_at_least))
    formal = judge & ~reciprocal
    c_warm = c_mean >= cfg.warm_at_least
    w_warm = w_mean >= cfg.warm_at_least
    facts = (
        _flag(client.count < cfg.min_checkins_per_side, Reason.TOO_FEW_CLIENT_CHECKINS)
        | _flag(worker.count < cfg.min_checkins_per_side, Reason.TOO_FEW_WORKER_CHECKINS)
        | _flag(c_mean < cfg.low_below, Reason.CLIENT_LOW)
        | _flag(w_mean < cfg.low_below, Reason.WORKER_LOW)
        | _flag(abs_gap >= cfg.large_gap_at_least, Reason.GAP_LARGE)
        | _flag(c_unstable, Reason.CLIENT_UNSTABLE)
        | _flag(w_unstable, Reason.WORKER_UNSTABLE)
        | _flag(judge & (dna_rate >= cfg.dna_rate_at_least), Reason.DNA_HIGH)
        | _flag(chasing, Reason.CLIENT_CHASING)
        | _flag(c_warm & w_warm, Reason.BOTH_WARM)
        | _flag(abs_gap <= cfg.small_gap_at_most, Reason.GAP_SMALL)
        | _flag(~c_unstable & ~w_unstable, Reason.STABLE)
        | _flag(judge & reciprocal, Reason.RECIPROCAL_CONTACT)
        | _flag(~c_warm, Reason.CLIENT_NOT_WARM)
        | _flag(~w_warm, Reason.WORKER_NOT_WARM)
        | _flag(abs_gap > cfg.small_gap_at_most, Reason.GAP_MODERATE)
        | _flag(formal, Reason.FORMAL_CONTACT)
        | _flag(~judge, Reason.CONTACT_TOO_THIN)
    )
    conflict = (facts & np.uint32(_CONFLICT)) != 0
    friendly = c_warm & w_warm & (abs_gap <= cfg.small_gap_at_most) & ~formal
    pattern = np.where(~enough, NOT_ENOUGH_DATA,
                       np.where(conflict, AMBIVALENT_CONFLICTED,
                                np.where(friendly, FRIENDLY_TRUSTFUL, POLITE_NEUTRAL)))
    pattern = pattern.astype(np.int8)
    decides = np.array([_DECIDES[p] for p in (-1, 0, 1, 2)], dtype=np.uint32)
    reasons = facts & decides[pattern + 1]

    # Alerts.
    no_contact_days = cfg.no_contact_limit(coerced)
    alerts = (
        _flag(c_latest < cfg.client_low_below, Alert.CLIENT_LOW)
        | _flag(c_prev - c_latest > drop_amount, Alert.CLIENT_DROP)
        | _flag((gap_change > cfg.gap_widening_points)
                & (gap > cfg.gap_worker_above_points), Alert.GAP_WIDENING)
        | _flag(w_early & (w_latest < cfg.worker_low_early_below), Alert.WORKER_LOW_EARLY)
        | _flag(ceiling >= cfg.ceiling_checkins, Alert.CLIENT_CEILING)
        | _flag(np.maximum(c_since, w_since) >= cfg.no_checkin_days, Alert.NO_CHECKIN)
        | _flag(co_since >= no_contact_days, Alert.NO_CONTACT)
        | _flag(chasing, Alert.CLIENT_INITIATED_ONLY)
    )
    disabled = sum(int(Alert[code.upper()]) for code in cfg.disabled_alerts)
    alerts &= np.uint32(~disabled & 0xFFFFFFFF)

    f32 = np.float32
    return SignalResult(
        as_of_day=as_of, rel_id=b.rel_id, pattern=pattern, reasons=reasons, alerts=alerts,
        coerced=coerced,
        client_checkins=client.count, worker_checkins=worker.count,
        client_latest=c_latest.astype(f32), client_previous=c_prev.astype(f32),
        client_reliable_change=drop_amount.astype(f32),
        worker_latest=w_latest.astype(f32), worker_latest_early=w_early,
        worker_estimate=w_estimate.astype(f32), client_latest_dims=c_dims.astype(f32),
        client_mean=c_mean.astype(f32), client_sd=c_sd.astype(f32),
        client_range=c_range.astype(f32),
        worker_mean=w_mean.astype(f32), worker_sd=w_sd.astype(f32),
        worker_range=w_range.astype(f32),
        gap_recent=gap.astype(f32), gap_earlier=gap_earlier.astype(f32),
        gap_change=gap_change.astype(f32), client_ceiling_count=ceiling,
        days_since_client_checkin=c_since, days_since_worker_checkin=w_since,
        contacts_total=co.total, attended_contact=co.last_attended_day >= 0,
        days_since_contact=co_since,
        contacts_in_window=co.in_window, recent_contacts=co.recent,
        client_initiated_share=client_share.astype(f32), dna_rate=dna_rate.astype(f32),
        everyday_share=everyday_share.astype(f32),
    )
