"""Professional boundaries as rules on plain data: drift, contact agreements, after closure.

Serious boundary violations are almost always preceded by a series of minor ones, so the
drift rule looks for ``count`` minor events in one relationship within ``window_days``.
Nothing here knows about the database: callers pass dates, kinds and times.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

MINOR = "minor"
SIGNIFICANT = "significant"
SERIOUS = "serious"
SEVERITIES = (MINOR, SIGNIFICANT, SERIOUS)

# Every kind of boundary event, with the severity it gets unless the organisation says
# otherwise.
DEFAULT_SEVERITY: dict[str, str] = {
    "gift": MINOR,
    "personal_details": MINOR,
    "personal_phone": SIGNIFICANT,
    "messages": MINOR,
    "social_media": SIGNIFICANT,
    "social_contact": SIGNIFICANT,
    "invitation": MINOR,
    "contact_after_ending": SIGNIFICANT,
    "physical_contact": MINOR,
    "conflict_of_interest": SIGNIFICANT,
    "other": MINOR,
}
KINDS = tuple(DEFAULT_SEVERITY)

DRIFT_COUNT = 3
DRIFT_WINDOW_DAYS = 90
POST_CLOSURE_DAYS = 365


def severity_for(kind: str, overrides: dict[str, str] | None = None) -> str:
    """The default severity of a kind: the organisation's choice, else the built-in one."""
    chosen = (overrides or {}).get(kind)
    if chosen in SEVERITIES:
        return str(chosen)
    return DEFAULT_SEVERITY.get(kind, MINOR)


@dataclass(frozen=True)
class EventFact:
    """One boundary event as the drift rule sees it."""

    ref: int
    on: dt.date
    kind: str
    severity: str


@dataclass(frozen=True)
class Drift:
    """A run of minor events close enough together to be a warning."""

    events: tuple[EventFact, ...]
    count: int
    window_days: int

    @property
    def first(self) -> dt.date:
        return self.events[0].on

    @property
    def last(self) -> dt.date:
        return self.events[-1].on


def find_drift(events: Iterable[EventFact], *, count: int = DRIFT_COUNT,
               window_days: int = DRIFT_WINDOW_DAYS) -> Drift | None:
    """The most recent run of at least ``count`` minor events that fits in a window of
    ``window_days`` calendar days (first and last day both counted), or None.

    The run returned holds every minor event of that window, oldest first.
    """
    if count < 1 or window_days < 1:
        raise ValueError("count and window_days must be at least 1")
    minor = sorted((e for e in events if e.severity == MINOR), key=lambda e: (e.on, e.ref))
    best: tuple[EventFact, ...] | None = None
    start = 0
    for end in range(len(minor)):
        while (minor[end].on - minor[start].on).days >= window_days:
            start += 1
        if end - start + 1 >= count:
            best = tuple(minor[start:end + 1])
    if best is None:
        return None
    return Drift(events=best, count=len(best), window_days=window_days)


# --- contact agreements -------------------------------------------------------------------

OUTSIDE_HOURS = "outside_hours"
OUTSIDE_CHANNEL = "outside_channel"
OUTSIDE_DAYS = "outside_days"
OVER_FREQUENCY = "over_frequency"


@dataclass(frozen=True)
class Agreement:
    """What a client and worker agreed about contact. Empty parts mean no limit."""

    per_week: int | None = None
    channels: frozenset[str] = field(default_factory=frozenset)
    weekdays: frozenset[int] = field(default_factory=frozenset)  # 0 = Monday
    hours_from: dt.time | None = None
    hours_to: dt.time | None = None

    @property
    def has_hours(self) -> bool:
        return self.hours_from is not None and self.hours_to is not None


@dataclass(frozen=True)
class ContactFact:
    """One contact, in the service's local time."""

    ref: int
    at: dt.datetime
    channel: str
    initiated_by: str


def within_hours(at: dt.time, start: dt.time, end: dt.time) -> bool:
    """Whether a time falls in agreed hours; hours may run past midnight (22:00-02:00)."""
    if start <= end:
        return start <= at <= end
    return at >= start or at <= end


def outside_agreement(contact: ContactFact, agreement: Agreement) -> tuple[str, ...]:
    """The ways one contact falls outside the agreement (not counting frequency)."""
    reasons: list[str] = []
    if agreement.channels and contact.channel not in agreement.channels:
        reasons.append(OUTSIDE_CHANNEL)
    if agreement.weekdays and contact.at.weekday() not in agreement.weekdays:
        reasons.append(OUTSIDE_DAYS)
    start, end = agreement.hours_from, agreement.hours_to
    if start is not None and end is not None and not within_hours(contact.at.time(), start,
                                                                  end):
        reasons.append(OUTSIDE_HOURS)
    return tuple(reasons)


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


@dataclass(frozen=True)
class WeekCount:
    week: dt.date          # the Monday that starts the week
    contacts: int
    by_client: int
    outside: int
    over_frequency: bool


def weekly_trend(contacts: Sequence[ContactFact], agreement: Agreement | None, *,
                 until: dt.date, weeks: int = 8) -> list[WeekCount]:
    """Contacts per week for the last ``weeks`` weeks up to ``until``, oldest first: all of
    them, those the client started, and those outside the agreement. A week with more
    contacts than agreed is marked, and so are the contacts beyond the agreed number."""
    last = week_start(until)
    starts = [last - dt.timedelta(weeks=weeks - 1 - i) for i in range(weeks)]
    rows: list[WeekCount] = []
    for start in starts:
        end = start + dt.timedelta(days=7)
        in_week = sorted((c for c in contacts if start <= c.at.date() < end),
                         key=lambda c: (c.at, c.ref))
        outside = 0
        over = False
        for i, contact in enumerate(in_week):
            reasons = outside_agreement(contact, agreement) if agreement else ()
            beyond = bool(agreement and agreement.per_week is not None
                          and i >= agreement.per_week)
            over = over or beyond
            if reasons or beyond:
                outside += 1
        rows.append(WeekCount(week=start, contacts=len(in_week),
                              by_client=sum(1 for c in in_week if c.initiated_by == "client"),
                              outside=outside, over_frequency=over))
    return rows


def trend_direction(rows: Sequence[WeekCount], *, span: int = 4) -> str:
    """"rising", "falling" or "steady": contacts outside the agreement in the last
    ``span`` weeks against the ``span`` weeks before."""
    if len(rows) < 2:
        return "steady"
    span = min(span, len(rows) // 2)
    recent = sum(r.outside for r in rows[-span:])
    earlier = sum(r.outside for r in rows[-2 * span:-span])
    if recent > earlier:
        return "rising"
    if recent < earlier:
        return "falling"
    return "steady"


# --- after closure ------------------------------------------------------------------------


def post_closure_until(closed_on: dt.date, days: int) -> dt.date:
    return closed_on + dt.timedelta(days=days)


def in_post_closure(closed_on: dt.date | None, days: int, on: dt.date) -> bool:
    """Whether a day falls in the post-closure period that starts when the relationship
    closed (the closing day itself belongs to the relationship, not to the period)."""
    if closed_on is None:
        return False
    return closed_on < on <= post_closure_until(closed_on, days)
