"""Relationship signals: the pattern of each relationship, why, and the alerts.

One vectorised function, `evaluate(batch, config)`, serves a single relationship when a
check-in arrives and every relationship of a national instance in a bulk job: the input is
columnar (`SignalBatch`, numpy arrays), the output is columnar (`SignalResult`), and there
is no Python loop over relationships or rows. `explain` and `alerts_for` then turn the
columns of one relationship into facts with numbers (codes and parameters; the interface
translates them).

How it works. Check-ins are ordered once per (relationship, rater) by day, and contacts
once per relationship by day, each by sorting a packed 64-bit key. The group boundaries
come from `searchsorted`, so every feature that looks at "the latest", "the one before" or
"the last K" is a handful of gathers of length n (relationships), not of the rows.
Rows dated after `as_of_day` are ignored. Check-ins on the same day by the same rater keep
their input order (the later row counts as later).

The pattern (thresholds in `SignalConfig`):

1. Not enough data (-1): fewer than `min_checkins_per_side` scored check-ins from the
   client or from the keyworker.
2. Ambivalent and conflicted (2), if any sign of tension, disagreement or swings: a side's
   mean over its last `recent_checkins` is low; the two sides' means are far apart (either
   way round); a side is unstable (high SD or a wide range over its recent check-ins); or
   the contact record shows conflict (many missed appointments) or a worker who is absent
   while the client chases (almost all recent contact started by the client).
3. Friendly and trustful (0), if both sides are warm, close together, stable, and the
   contact record is reciprocal (the client starts contact too, and there is everyday
   contact beyond planned sessions). When there are too few recent contacts to judge, the
   ratings decide on their own, and the explanation says so.
4. Otherwise polite and neutral (1): correct but distant; the explanation names what kept
   it from friendly (middling ratings, a moderate gap, formal worker-led contact).

Reason bits record the facts that decided the pattern, alert bits the alerts that fire.
Two alert inputs in particular: a client's drop is judged against the reliable change of
the forms the two check-ins were given in (`ci_reliable_change`, the larger of the two), and
presence (`days_since_contact`, the `no_contact` alert) counts attended contacts only, while
the contact record (DNA rate, who starts contact, everyday share) counts every contact.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np

from keywork.domain.errors import DomainError
from keywork.domain.instruments import DIMENSIONS, reliable_change

CLIENT, KEYWORKER = 0, 1
RATER_CODES: tuple[str, ...] = ("client", "keyworker")
INITIATOR_WORKER, INITIATOR_CLIENT, INITIATOR_OTHER = 0, 1, 2
INITIATOR_CODES: tuple[str, ...] = ("worker", "client", "other")
KIND_SESSION, KIND_EVERYDAY, KIND_PHONE, KIND_MESSAGE, KIND_ADVOCACY, KIND_GROUP = range(6)
KIND_CODES: tuple[str, ...] = ("session", "everyday", "phone", "message", "advocacy", "group")

NOT_ENOUGH_DATA, FRIENDLY_TRUSTFUL, POLITE_NEUTRAL, AMBIVALENT_CONFLICTED = -1, 0, 1, 2
PATTERN_CODES: dict[int, str] = {
    NOT_ENOUGH_DATA: "not_enough_data",
    FRIENDLY_TRUSTFUL: "friendly_trustful",
    POLITE_NEUTRAL: "polite_neutral",
    AMBIVALENT_CONFLICTED: "ambivalent_conflicted",
}

_EPOCH = dt.date(1970, 1, 1)
_PAYLOAD_BITS = 6  # contact key: initiator (2 bits) | attended (1) | kind (3)
_ATTENDED = 1 << 2


def day_number(day: dt.date) -> int:
    """Days since 1970-01-01. Give a local date (turn datetimes into dates first)."""
    if isinstance(day, dt.datetime):
        raise DomainError("day_number takes a date; convert the datetime to a local date")
    return (day - _EPOCH).days


class Reason(enum.IntFlag):
    """Facts that can decide a pattern (bit positions are stable: stored in bulk runs)."""

    TOO_FEW_CLIENT_CHECKINS = 1 << 0
    TOO_FEW_WORKER_CHECKINS = 1 << 1
    CLIENT_LOW = 1 << 2
    WORKER_LOW = 1 << 3
    GAP_LARGE = 1 << 4
    CLIENT_UNSTABLE = 1 << 5
    WORKER_UNSTABLE = 1 << 6
    DNA_HIGH = 1 << 7
    CLIENT_CHASING = 1 << 8
    BOTH_WARM = 1 << 9
    GAP_SMALL = 1 << 10
    STABLE = 1 << 11
    RECIPROCAL_CONTACT = 1 << 12
    CLIENT_NOT_WARM = 1 << 13
    WORKER_NOT_WARM = 1 << 14
    GAP_MODERATE = 1 << 15
    FORMAL_CONTACT = 1 << 16
    CONTACT_TOO_THIN = 1 << 17


_CONFLICT = (Reason.CLIENT_LOW | Reason.WORKER_LOW | Reason.GAP_LARGE | Reason.CLIENT_UNSTABLE
             | Reason.WORKER_UNSTABLE | Reason.DNA_HIGH | Reason.CLIENT_CHASING)
_DECIDES: dict[int, int] = {
    NOT_ENOUGH_DATA: Reason.TOO_FEW_CLIENT_CHECKINS | Reason.TOO_FEW_WORKER_CHECKINS,
    AMBIVALENT_CONFLICTED: _CONFLICT,
    FRIENDLY_TRUSTFUL: Reason.BOTH_WARM | Reason.GAP_SMALL | Reason.STABLE
    | Reason.RECIPROCAL_CONTACT | Reason.CONTACT_TOO_THIN,
    POLITE_NEUTRAL: Reason.CLIENT_NOT_WARM | Reason.WORKER_NOT_WARM | Reason.GAP_MODERATE
    | Reason.FORMAL_CONTACT | Reason.STABLE | Reason.CONTACT_TOO_THIN,
}


class Alert(enum.IntFlag):
    """Alert rules (bit positions are stable)."""

    CLIENT_LOW = 1 << 0
    CLIENT_DROP = 1 << 1
    GAP_WIDENING = 1 << 2
    WORKER_LOW_EARLY = 1 << 3
    CLIENT_CEILING = 1 << 4
    NO_CHECKIN = 1 << 5
    NO_CONTACT = 1 << 6
    CLIENT_INITIATED_ONLY = 1 << 7


def _code(flag: enum.Flag) -> str:
    return (flag.name or "").lower()


ALERT_CODES: tuple[str, ...] = tuple(_code(a) for a in Alert)
REASON_CODES: tuple[str, ...] = tuple(_code(r) for r in Reason)
_REASONS: tuple[tuple[Reason, str], ...] = tuple(zip(Reason, REASON_CODES, strict=True))
_ALERTS: tuple[tuple[Alert, str], ...] = tuple(zip(Alert, ALERT_CODES, strict=True))


@dataclass(frozen=True)
class AlertRule:
    """Why a rule exists (evidence) and what to do (next step), as codes and plain English.

    The interface translates by code; the English is the reference wording for docs.
    """

    evidence: str
    evidence_text: str
    next_step: str
    next_step_text: str


ALERT_RULES: dict[str, AlertRule] = {
    "client_low": AlertRule(
        "client_view_matters_most",
        "The client's own view of the relationship is the rating most closely tied to "
        "staying in treatment and to outcome.",
        "talk_about_the_relationship",
        "Ask the client, privately, what would make the work together better.",
    ),
    "client_drop": AlertRule(
        "reliable_change",
        "The fall is larger than the reliable-change amount of the form, so measurement "
        "noise alone is an unlikely explanation (Jacobson & Truax).",
        "ask_what_changed",
        "Ask what has changed since the last check-in, and listen before explaining.",
    ),
    "gap_widening": AlertRule(
        "worker_sees_better_than_client",
        "Clients usually rate the relationship higher than workers do; a worker rating "
        "above the client's, and drifting further, means the worker may believe all is "
        "well while the client does not.",
        "compare_views_in_supervision",
        "Bring both views to supervision, then check your picture with the client.",
    ),
    "worker_low_early": AlertRule(
        "early_worker_rating_predicts_dropout",
        "In residential drug treatment, the counsellor's early rating of the relationship "
        "predicted dropout better than the client's.",
        "early_supervision",
        "Take the relationship to supervision now, while it is still being formed.",
    ),
    "client_ceiling": AlertRule(
        "ceiling_carries_little_information",
        "Ratings stuck at the top say little: clients may be polite, cautious, or unsure "
        "that honest feedback is safe.",
        "invite_honest_feedback",
        "Invite honest feedback: say that criticism is welcome and helps.",
    ),
    "no_checkin": AlertRule(
        "unseen_change",
        "Without regular check-ins from both sides, changes in the relationship go unseen.",
        "offer_checkin",
        "Offer a check-in at the next contact, and do your own.",
    ),
    "no_contact": AlertRule(
        "presence",
        "Presence carries the relationship: a worker who is out of reach breaks it; "
        "coerced clients need more attention, not less.",
        "make_contact",
        "Make contact, even briefly: a greeting that says you have not forgotten.",
    ),
    "client_initiated_only": AlertRule(
        "worker_absent_or_dependence",
        "When the client starts almost every contact, the worker may be absent, or the "
        "client dependent.",
        "agree_contact_plan",
        "Take the initiative, and agree a structured contact plan with the client.",
    ),
}


# --------------------------------------------------------------------------- config

# The amount for a client check-in whose form's reliable change is not given (a batch
# without `ci_reliable_change`, or NaN on the row): that of the short client form's
# provisional values, r = 0.80 and norm SD = 18 (≈ 22.3 points).
DEFAULT_CLIENT_RELIABLE_CHANGE = reliable_change(18.0, 0.80)


@dataclass(frozen=True)
class SignalConfig:
    """Every threshold of the engine. Scores are points on 0–100, shares in [0, 1].

    Comparisons: `*_below` is strict (<), `*_at_least` is ≥, `*_at_most` is ≤,
    `*_points` for changes means "by more than" (>), `*_days` means "for at least N days".
    The defaults are starting points chosen from the reasoning beside each one; an
    organisation overrides any of them with `SignalConfig.from_dict`.
    """

    # Windows.
    # About a month of weekly check-ins: enough to average out one bad day, short enough
    # to show change. The gap change compares these with the same number just before.
    recent_checkins: int = 3
    # Two scored check-ins from each side before any pattern is named: one rating is a
    # snapshot, and a pattern needs both sides.
    min_checkins_per_side: int = 2
    # The contact record is read over the last 20 contacts (a few weeks on a unit)...
    recent_contacts: int = 20
    # ...and judged only from 5 of them; fewer says little about who reaches out.
    min_contacts: int = 5
    # Reported "contacts in the last N days": four weeks.
    contact_window_days: int = 28

    # Pattern. Items are answered 0–10, so 50 is the middle of the scale and 70 is "7 of
    # 10": low means the client or worker says the relationship is more bad than good;
    # warm means clearly good on every side.
    low_below: float = 50.0
    warm_at_least: float = 70.0
    # Two scale points (20) is beyond the noise of a mean of three ratings; one point (10)
    # is within it.
    large_gap_at_least: float = 20.0
    small_gap_at_most: float = 10.0
    # With r = 0.80 and SD 18 a single rating carries about 8 points of noise; an SD of 15
    # over three ratings, or a range of 30, happens by noise alone only a few times in 100.
    unstable_sd_at_least: float = 15.0
    swing_at_least: float = 30.0
    # Missed appointments: more than one in four or so is a conflict sign (3 in 10).
    dna_rate_at_least: float = 0.30
    # Reciprocal contact: the client starts at least one contact in five, and at least one
    # in five happens outside planned sessions (the milieu counts).
    reciprocal_client_share_at_least: float = 0.20
    everyday_share_at_least: float = 0.20
    # Kinds that count as everyday (non-planned) contact: everyday on the unit, phone,
    # message. Planned sessions, advocacy meetings and groups are planned.
    everyday_kinds: tuple[int, ...] = (KIND_EVERYDAY, KIND_PHONE, KIND_MESSAGE)

    # Alerts.
    # The latest client rating below the middle of the scale.
    client_low_below: float = 50.0
    # A client drop counts when it is larger than the reliable change of the forms the two
    # check-ins were given in (each check-in carries its form's amount, `ci_reliable_change`;
    # a pair of two forms uses the larger). `client_drop_points` replaces those amounts with
    # one fixed amount for every form.
    client_drop_points: float | None = None
    # The worker − client gap grew by more than 15 points (about two standard errors of a
    # change between two means of three ratings per side), and the worker now rates more
    # than 10 points above the client.
    gap_widening_points: float = 15.0
    gap_worker_above_points: float = 10.0
    # Workers rate lower than clients on average; a worker's own rating below 60 early on
    # is unusual, and early worker ratings predicted dropout.
    worker_low_early_below: float = 60.0
    # "Early": the first six weeks, or the worker's first two check-ins.
    early_days: int = 42
    early_checkins: int = 2
    # Three client check-ins in a row at the top of the scale.
    ceiling_checkins: int = 3
    # No check-in from a side for four weeks (from the start if none yet).
    no_checkin_days: int = 28
    # No contact for two weeks; one week when the client is under coercion, where the
    # relationship needs more attention.
    no_contact_days: int = 14
    coerced_no_contact_days: int = 7
    # At least 80% of the recent contacts (between worker and client) started by the
    # client, out of at least 5.
    client_only_share_at_least: float = 0.80
    client_only_min_contacts: int = 5
    # Alerts this organisation does not use.
    disabled_alerts: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        _validate_config(self)

    @classmethod
    def from_dict(cls, overrides: Mapping[str, Any] | None = None) -> SignalConfig:
        """Defaults, then the organisation's overrides, all checked.

        Unknown keys and values of the wrong type or range raise `DomainError` naming every
        problem. Retired keys (`RETIRED_SETTINGS`) are ignored.
        """
        config, problems = cls.from_stored(overrides)
        if problems:
            raise DomainError("; ".join(dict.fromkeys(problems.values())))
        return config

    @classmethod
    def from_stored(cls, overrides: Any = None) -> tuple[SignalConfig, dict[str, str]]:
        """Defaults, then the stored overrides that are valid, and the problems of the rest.

        For settings saved earlier that no longer pass (a key renamed or removed, a limit
        tightened): each invalid key keeps its default and is named in the problems (key →
        message; the key "" when the overrides are not a mapping at all). An unknown code
        in `disabled_alerts` is dropped and named; the known codes stay disabled. Both keys
        of an inconsistent pair (`small_gap_at_most` above `large_gap_at_least`, `low_below`
        above `warm_at_least`) fall back together.
        """
        if overrides is None:
            overrides = {}
        if not isinstance(overrides, Mapping):
            return cls(), {"": f"signal settings: must be a mapping of setting names to "
                               f"values, got {overrides!r}"}
        known = {f.name for f in fields(cls)}
        values: dict[str, Any] = {}
        problems: dict[str, str] = {}
        for name, value in overrides.items():
            if name in RETIRED_SETTINGS:
                continue
            if name not in known:
                problems[str(name)] = f"signal settings: unknown setting {name!r}"
                continue
            try:
                coerced = _coerce(name, value)
            except DomainError as exc:
                problems[name] = str(exc)
                continue
            if name == "disabled_alerts" and not coerced <= set(ALERT_CODES):
                problems[name] = (f"signal settings: disabled_alerts must be alert codes from "
                                  f"{list(ALERT_CODES)}, got {sorted(map(str, coerced))!r}")
                coerced = frozenset(coerced & set(ALERT_CODES))
            why = _field_problem(name, coerced)
            if why:
                problems[name] = f"signal settings: {name} {why}, got {coerced!r}"
                continue
            values[name] = coerced
        defaults = cls()
        for low, high in _ORDERED_PAIRS:
            lo = values.get(low, getattr(defaults, low))
            hi = values.get(high, getattr(defaults, high))
            if lo > hi:
                message = f"signal settings: {low} cannot exceed {high}, got {lo!r} > {hi!r}"
                for name in (low, high):
                    if name in values:
                        del values[name]
                        problems[name] = message
        return cls(**values), problems

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in fields(self):
            v = getattr(self, f.name)
            out[f.name] = sorted(v) if isinstance(v, frozenset) else (
                list(v) if isinstance(v, tuple) else v)
        return out


_INT_LIMITS: dict[str, tuple[int, int]] = {
    "recent_checkins": (2, 20), "min_checkins_per_side": (1, 50),
    "recent_contacts": (1, 200), "min_contacts": (1, 200), "contact_window_days": (1, 3650),
    "early_days": (0, 3650), "early_checkins": (0, 50), "ceiling_checkins": (1, 20),
    "no_checkin_days": (1, 3650), "no_contact_days": (1, 3650),
    "coerced_no_contact_days": (1, 3650), "client_only_min_contacts": (1, 200),
}
_SHARES = {"dna_rate_at_least", "reciprocal_client_share_at_least", "everyday_share_at_least",
           "client_only_share_at_least"}


# Keys an organisation could set once; now ignored where stored. Each check-in's form
# brings its own reliability and norm SD (see `SignalBatch.ci_reliable_change`).
RETIRED_SETTINGS = frozenset({"client_reliability", "client_norm_sd"})
# Pairs whose first value may not exceed the second.
_ORDERED_PAIRS = (("small_gap_at_most", "large_gap_at_least"), ("low_below", "warm_at_least"))
ORDERED_SETTINGS: tuple[tuple[str, str], ...] = _ORDERED_PAIRS


@dataclass(frozen=True)
class SettingLimits:
    """What one numeric setting accepts, for interfaces that offer the settings.

    `kind` is "whole" (a whole number: days or a count), "points" (a score on 0–100) or
    "share" (0–1); `low` and `high` are inclusive; `optional` when None is allowed.
    """

    kind: str
    low: float
    high: float
    optional: bool = False


def setting_limits(name: str) -> SettingLimits:
    """The limits of one numeric setting of `SignalConfig`, as `SignalConfig` checks them.

    Raises `DomainError` for a name that is not a numeric setting (`everyday_kinds`,
    `disabled_alerts`, a retired or unknown name).
    """
    if name in _INT_LIMITS:
        low, high = _INT_LIMITS[name]
        return SettingLimits("whole", low, high)
    if name not in {f.name for f in fields(SignalConfig)} or name in (
            "everyday_kinds", "disabled_alerts"):
        raise DomainError(f"signal settings: {name!r} is not a numeric setting")
    if name in _SHARES:
        return SettingLimits("share", 0, 1)
    return SettingLimits("points", 0, 100, optional=name == "client_drop_points")


def _coerce(name: str, value: Any) -> Any:
    """Turn plain JSON/YAML values into the field's type (lists → tuple/frozenset)."""
    if name == "everyday_kinds":
        if not isinstance(value, list | tuple):
            raise DomainError("signal settings: everyday_kinds must be a list of contact kinds")
        return tuple(_kind_index(v) for v in value)
    if name == "disabled_alerts":
        if not isinstance(value, list | tuple | set | frozenset) or not all(
                isinstance(v, str) for v in value):
            raise DomainError("signal settings: disabled_alerts must be a list of alert codes")
        return frozenset(value)
    return value


def _field_problem(name: str, v: Any) -> str | None:
    """Why one setting's value is not valid on its own, or None."""
    if name in _INT_LIMITS:
        lo, hi = _INT_LIMITS[name]
        if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
            return f"must be a whole number from {lo} to {hi}"
        return None
    if name == "everyday_kinds":
        if not isinstance(v, tuple) or not all(
                isinstance(k, int) and 0 <= k < len(KIND_CODES) for k in v):
            return "must be contact kinds"
        return None
    if name == "disabled_alerts":
        if not isinstance(v, frozenset) or not v <= set(ALERT_CODES):
            return f"must be alert codes from {list(ALERT_CODES)}"
        return None
    if name == "client_drop_points" and v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
        return "must be a number"
    if name in _SHARES:
        return None if 0 <= v <= 1 else "must be a share between 0 and 1"
    return None if 0 <= v <= 100 else "must be between 0 and 100 points"


def _validate_config(c: SignalConfig) -> None:
    for f in fields(c):
        v = getattr(c, f.name)
        why = _field_problem(f.name, v)
        if why:
            raise DomainError(f"signal settings: {f.name} {why}, got {v!r}")
    for low, high in _ORDERED_PAIRS:
        if getattr(c, low) > getattr(c, high):
            raise DomainError(f"signal settings: {low} cannot exceed {high}, got "
                              f"{getattr(c, low)!r} > {getattr(c, high)!r}")


# --------------------------------------------------------------------------- input


def _kind_index(value: Any) -> int:
    return _index(value, KIND_CODES, "contact kind")


def _index(value: Any, codes: Sequence[str], what: str) -> int:
    if isinstance(value, str):
        if value in codes:
            return codes.index(value)
    elif isinstance(value, int | np.integer) and not isinstance(value, bool) and (
            0 <= int(value) < len(codes)):
        return int(value)
    raise DomainError(f"{what} {value!r} is not one of {list(codes)} (or their positions)")


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


# --------------------------------------------------------------------------- output


@dataclass(frozen=True)
class SignalResult:
    """Columnar output, one entry per relationship (row i ↔ relationship i of the batch).

    Scores are points 0–100 (NaN: not available); "recent" means the side's last
    `recent_checkins` scored check-ins; "earlier" the same number just before those.
    """

    as_of_day: int
    rel_id: np.ndarray  # int64
    pattern: np.ndarray  # int8: PATTERN_CODES
    reasons: np.ndarray  # uint32: Reason bits that decided the pattern
    alerts: np.ndarray  # uint32: Alert bits
    coerced: np.ndarray  # bool
    client_checkins: np.ndarray  # int32, scored
    worker_checkins: np.ndarray  # int32, scored
    client_latest: np.ndarray  # float32
    client_previous: np.ndarray  # float32
    client_reliable_change: np.ndarray  # float32: the drop from previous to latest that counts
    worker_latest: np.ndarray  # float32
    worker_latest_early: np.ndarray  # bool: the worker's latest check-in counts as early
    worker_estimate: np.ndarray  # float32: the worker's latest estimate of the client's view
    client_latest_dims: np.ndarray  # float32 [n, 5]
    client_mean: np.ndarray  # float32, recent
    client_sd: np.ndarray  # float32, recent (NaN with fewer than 2)
    client_range: np.ndarray  # float32, recent max − min
    worker_mean: np.ndarray
    worker_sd: np.ndarray
    worker_range: np.ndarray
    gap_recent: np.ndarray  # float32: worker mean − client mean, recent
    gap_earlier: np.ndarray  # float32: the same over the earlier check-ins
    gap_change: np.ndarray  # float32: gap_recent − gap_earlier
    client_ceiling_count: np.ndarray  # int8: of the last `ceiling_checkins` client ones, at max
    days_since_client_checkin: np.ndarray  # int32, from the start if none
    days_since_worker_checkin: np.ndarray  # int32, from the start if none
    # The contact record counts every recorded contact, missed appointments included (the
    # DNA rate needs them, and a booked appointment was still someone's initiative);
    # presence counts attended contacts only.
    contacts_total: np.ndarray  # int32, recorded up to as_of_day
    attended_contact: np.ndarray  # bool: at least one attended contact up to as_of_day
    days_since_contact: np.ndarray  # int32, since the latest attended one (start if none)
    contacts_in_window: np.ndarray  # int32, recorded in the last `contact_window_days`
    recent_contacts: np.ndarray  # int32, min(total, recent_contacts)
    client_initiated_share: np.ndarray  # float32: client / (client + worker) started, recent
    dna_rate: np.ndarray  # float32: share of recent contacts not attended
    everyday_share: np.ndarray  # float32: share of recent contacts of everyday kinds

    @property
    def n(self) -> int:
        return int(self.rel_id.shape[0])

    def index_of(self, rel_id: int) -> int:
        hits = np.flatnonzero(self.rel_id == rel_id)
        if not hits.size:
            raise DomainError(f"relationship {rel_id} is not in this result")
        return int(hits[0])

    def take(self, indexes: Sequence[int] | np.ndarray | slice) -> SignalResult:
        """The result of the given relationships (by position), in that order."""
        return SignalResult(**{
            f.name: getattr(self, f.name)[indexes]
            if isinstance(getattr(self, f.name), np.ndarray) else getattr(self, f.name)
            for f in fields(self)})

    def columns(self) -> dict[str, np.ndarray]:
        """The one-dimensional columns by name (for a bulk write or a data frame)."""
        return {f.name: getattr(self, f.name) for f in fields(self)
                if isinstance(getattr(self, f.name), np.ndarray)
                and getattr(self, f.name).ndim == 1}


# --------------------------------------------------------------------------- engine


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
    no_contact_days = np.where(coerced, cfg.coerced_no_contact_days, cfg.no_contact_days)
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


# --------------------------------------------------------------------------- explanations

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
    """`_num` of each given row, as Python numbers (None for NaN)."""
    return [None if v != v else round(v, digits) for v in column[rows].tolist()]


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
                    "days": np.where(coerced, cfg.coerced_no_contact_days,
                                     cfg.no_contact_days).tolist(),
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
