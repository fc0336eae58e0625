"""Every threshold of the engine (`SignalConfig`), and the checks an organisation's
stored overrides pass through.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np

from keywork.domain.errors import DomainError
from keywork.domain.instruments import reliable_change
from keywork.domain.signals.codes import (
    ALERT_CODES,
    KIND_CODES,
    KIND_EVERYDAY,
    KIND_MESSAGE,
    KIND_PHONE,
    _kind_index,
)

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

    def no_contact_limit(self, coerced: Any) -> Any:
        """The days without a contact that took place after which the no-contact alert is
        raised: the shorter limit where the client is in care under formal power. One rule
        for one client (a bool gives an int) and for a batch (an array gives an array)."""
        limit = np.where(coerced, self.coerced_no_contact_days, self.no_contact_days)
        return int(limit) if limit.ndim == 0 else limit

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
