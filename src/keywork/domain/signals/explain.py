"""Facts and alerts with their numbers, as codes the interface words: one column per
code over a whole result (`fact_columns`, `alert_columns`), or the list for one
relationship (`explain`, `alerts_for`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from keywork.domain.instruments import DIMENSIONS
from keywork.domain.signals.codes import (
    _ALERTS,
    _REASONS,
    ALERT_RULES,
    PATTERN_CODES,
    Alert,
    Reason,
)
from keywork.domain.signals.config import SignalConfig
from keywork.domain.signals.result import SignalResult

Param = int | float | str | bool | None


@dataclass(frozen=True)
class Fact:
    """One fact about a relationship: a code and its numbers (the interface words it).

    `decisive` facts decided the pattern; the others are context worth seeing beside it.
    """

    code: str
    params: Mapping[str, Param]
    decisive: bool = True


@dataclass(frozen=True)
class AlertFinding:
    code: str
    params: Mapping[str, Param]
    evidence: str
    next_step: str


@dataclass(frozen=True)
class FactColumn:
    """One fact (or alert) code over the relationships it applies to.

    `rows` are positions in the result, ascending; each parameter is either one value for
    all of them (a threshold) or a list with one value per row (a column without rows has
    no parameters). The facts of relationship i are, in the order of the columns, those
    whose `rows` hold i.
    """

    code: str
    rows: np.ndarray  # int64
    params: Mapping[str, Param | list[Param]]
    decisive: bool = True

    def params_at(self, j: int) -> dict[str, Param]:
        """The parameters of the column's j-th row."""
        return {k: v[j] if isinstance(v, list) else v for k, v in self.params.items()}


def _nums(column: np.ndarray, rows: np.ndarray, digits: int = 1) -> list[Param]:
    """Each given row to `digits` decimals, as Python numbers (None for NaN), rounded in
    one pass over the column (a value halfway between two steps goes to the even one)."""
    values = np.round(column[rows].astype(np.float64), digits)
    out: list[Param] = values.tolist()
    if np.isnan(values).any():
        out = [None if v != v else v for v in out]
    return out


def _ints(column: np.ndarray, rows: np.ndarray) -> list[Param]:
    return list(column[rows].tolist())


def _bools(column: np.ndarray, rows: np.ndarray) -> list[Param]:
    return list(column[rows].astype(bool).tolist())


def pattern_code(result: SignalResult, i: int) -> str:
    return PATTERN_CODES[int(result.pattern[i])]


def fact_columns(result: SignalResult, config: SignalConfig | None = None
                 ) -> list[FactColumn]:
    """The facts of every relationship, one column per code: first the reasons that
    decided the pattern (in `Reason` order), then context facts."""
    cfg = config or SignalConfig()
    r = result
    window = cfg.recent_checkins
    f64 = np.float64

    def reason_params(reason: Reason, w: np.ndarray) -> dict[str, Param | list[Param]]:
        if reason in (Reason.TOO_FEW_CLIENT_CHECKINS, Reason.TOO_FEW_WORKER_CHECKINS):
            count = (r.client_checkins if reason == Reason.TOO_FEW_CLIENT_CHECKINS
                     else r.worker_checkins)
            return {"count": _ints(count, w), "needed": cfg.min_checkins_per_side}
        if reason in (Reason.CLIENT_LOW, Reason.WORKER_LOW):
            mean = r.client_mean if reason == Reason.CLIENT_LOW else r.worker_mean
            return {"mean": _nums(mean, w), "below": cfg.low_below, "window": window}
        if reason == Reason.GAP_LARGE:
            return {"gap": _nums(r.gap_recent, w), "at_least": cfg.large_gap_at_least}
        if reason in (Reason.CLIENT_UNSTABLE, Reason.WORKER_UNSTABLE):
            sd, rng = ((r.client_sd, r.client_range) if reason == Reason.CLIENT_UNSTABLE
                       else (r.worker_sd, r.worker_range))
            return {"sd": _nums(sd, w), "range": _nums(rng, w),
                    "sd_at_least": cfg.unstable_sd_at_least,
                    "range_at_least": cfg.swing_at_least}
        if reason == Reason.DNA_HIGH:
            return {"rate": _nums(r.dna_rate, w, 2), "at_least": cfg.dna_rate_at_least,
                    "contacts": _ints(r.recent_contacts, w)}
        if reason == Reason.CLIENT_CHASING:
            return {"share": _nums(r.client_initiated_share, w, 2),
                    "at_least": cfg.client_only_share_at_least,
                    "contacts": _ints(r.recent_contacts, w)}
        if reason == Reason.BOTH_WARM:
            return {"client_mean": _nums(r.client_mean, w),
                    "worker_mean": _nums(r.worker_mean, w), "at_least": cfg.warm_at_least}
        if reason == Reason.GAP_SMALL:
            return {"gap": _nums(r.gap_recent, w), "at_most": cfg.small_gap_at_most}
        if reason == Reason.STABLE:
            return {"client_sd": _nums(r.client_sd, w), "worker_sd": _nums(r.worker_sd, w),
                    "sd_below": cfg.unstable_sd_at_least}
        if reason == Reason.RECIPROCAL_CONTACT:
            return {"client_share": _nums(r.client_initiated_share, w, 2),
                    "everyday_share": _nums(r.everyday_share, w, 2),
                    "contacts": _ints(r.recent_contacts, w)}
        if reason in (Reason.CLIENT_NOT_WARM, Reason.WORKER_NOT_WARM):
            mean = r.client_mean if reason == Reason.CLIENT_NOT_WARM else r.worker_mean
            return {"mean": _nums(mean, w), "warm_at_least": cfg.warm_at_least}
        if reason == Reason.GAP_MODERATE:
            return {"gap": _nums(r.gap_recent, w), "small_at_most": cfg.small_gap_at_most}
        if reason == Reason.FORMAL_CONTACT:
            return {"client_share": _nums(r.client_initiated_share, w, 2),
                    "everyday_share": _nums(r.everyday_share, w, 2),
                    "client_share_at_least": cfg.reciprocal_client_share_at_least,
                    "everyday_share_at_least": cfg.everyday_share_at_least,
                    "contacts": _ints(r.recent_contacts, w)}
        assert reason == Reason.CONTACT_TOO_THIN
        return {"contacts": _ints(r.recent_contacts, w), "needed": cfg.min_contacts}

    out = []
    for reason, code in _REASONS:
        w = np.flatnonzero(r.reasons & np.uint32(reason))
        out.append(FactColumn(code, w, reason_params(reason, w) if w.size else {}))

    out.append(FactColumn("coerced", np.flatnonzero(r.coerced), {}, decisive=False))
    est, latest = r.worker_estimate.astype(f64), r.client_latest.astype(f64)
    w = np.flatnonzero(~(np.isnan(est) | np.isnan(latest)))
    out.append(FactColumn("estimate_vs_client", w, {
        "estimate": _nums(est, w), "client_latest": _nums(latest, w),
        "difference": _nums(est - latest, w)}, decisive=False))
    w = np.flatnonzero(~np.isnan(r.gap_change))
    out.append(FactColumn("gap_change", w, {
        "recent": _nums(r.gap_recent, w), "earlier": _nums(r.gap_earlier, w),
        "change": _nums(r.gap_change, w)}, decisive=False))
    dims = r.client_latest_dims
    w = np.flatnonzero(~np.isnan(dims).all(axis=1))
    lowest = np.where(np.isnan(dims[w]), np.inf, dims[w]).argmin(axis=1)
    out.append(FactColumn("client_lowest_dimension", w, {
        "dimension": [DIMENSIONS[j] for j in lowest.tolist()],
        "score": _nums(dims[w, lowest], np.arange(w.size))}, decisive=False))
    return out


def alert_columns(result: SignalResult, config: SignalConfig | None = None
                  ) -> list[FactColumn]:
    """The alerts that fire, one column per alert code (in `Alert` order), each with its
    numbers; `ALERT_RULES[code]` gives the evidence and the next step."""
    cfg = config or SignalConfig()
    r = result

    def alert_params(alert: Alert, w: np.ndarray) -> dict[str, Param | list[Param]]:
        if alert == Alert.CLIENT_LOW:
            return {"latest": _nums(r.client_latest, w), "below": cfg.client_low_below}
        if alert == Alert.CLIENT_DROP:
            return {"previous": _nums(r.client_previous, w),
                    "latest": _nums(r.client_latest, w),
                    "drop": _nums(r.client_previous - r.client_latest, w),
                    "reliable_change": _nums(r.client_reliable_change, w)}
        if alert == Alert.GAP_WIDENING:
            return {"gap_recent": _nums(r.gap_recent, w),
                    "gap_earlier": _nums(r.gap_earlier, w),
                    "change": _nums(r.gap_change, w),
                    "change_more_than": cfg.gap_widening_points,
                    "worker_above_more_than": cfg.gap_worker_above_points}
        if alert == Alert.WORKER_LOW_EARLY:
            return {"latest": _nums(r.worker_latest, w), "below": cfg.worker_low_early_below,
                    "early_days": cfg.early_days, "early_checkins": cfg.early_checkins}
        if alert == Alert.CLIENT_CEILING:
            return {"checkins": _ints(r.client_ceiling_count, w)}
        if alert == Alert.NO_CHECKIN:
            return {"client_days": _ints(r.days_since_client_checkin, w),
                    "worker_days": _ints(r.days_since_worker_checkin, w),
                    "client_never": _bools(r.client_checkins == 0, w),
                    "worker_never": _bools(r.worker_checkins == 0, w),
                    "days": cfg.no_checkin_days}
        if alert == Alert.NO_CONTACT:
            coerced = r.coerced[w]
            return {"days_since": _ints(r.days_since_contact, w),
                    "never": _bools(~r.attended_contact, w),
                    "days": np.asarray(cfg.no_contact_limit(coerced)).tolist(),
                    "coerced": coerced.astype(bool).tolist()}
        assert alert == Alert.CLIENT_INITIATED_ONLY
        return {"share": _nums(r.client_initiated_share, w, 2),
                "at_least": cfg.client_only_share_at_least,
                "contacts": _ints(r.recent_contacts, w)}

    out = []
    for alert, code in _ALERTS:
        w = np.flatnonzero(r.alerts & np.uint32(alert))
        out.append(FactColumn(code, w, alert_params(alert, w) if w.size else {}))
    return out


def explain(result: SignalResult, i: int, config: SignalConfig | None = None) -> list[Fact]:
    """The facts that decided relationship i's pattern, then context facts."""
    return [Fact(c.code, c.params_at(0), c.decisive)
            for c in fact_columns(result.take([i]), config) if c.rows.size]


def alerts_for(result: SignalResult, i: int,
               config: SignalConfig | None = None) -> list[AlertFinding]:
    """The alerts that fire for relationship i, each with its numbers, evidence, next step."""
    out = []
    for c in alert_columns(result.take([i]), config):
        if c.rows.size:
            rule = ALERT_RULES[c.code]
            out.append(AlertFinding(c.code, c.params_at(0), rule.evidence, rule.next_step))
    return out
