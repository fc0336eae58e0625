"""The codes the engine speaks in: raters, initiators, contact kinds, patterns, the
reason and alert bits, and why each alert rule exists (`ALERT_RULES`).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from keywork.domain.errors import DomainError

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
