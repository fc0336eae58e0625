"""Safeguarding rules on plain data: when a routine enquiry falls due, and whether a
concern's decision record is complete enough to close the concern."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


def enquiry_due(*, episode_start: dt.date, last_asked: dt.date | None,
                first_within_days: int, interval_days: int) -> dt.date:
    """The date a routine enquiry is due: within ``first_within_days`` of the start of the
    episode, then ``interval_days`` after it was last asked in this episode."""
    if first_within_days < 0 or interval_days < 1:
        raise ValueError("the first enquiry is due on or after the start; intervals are "
                         "at least a day")
    if last_asked is None or last_asked < episode_start:
        return episode_start + dt.timedelta(days=first_within_days)
    return last_asked + dt.timedelta(days=interval_days)


def days_overdue(due: dt.date, today: dt.date) -> int:
    """Whole days past the due date; 0 when not yet overdue (the due day itself is not)."""
    return max(0, (today - due).days)


@dataclass(frozen=True)
class Decision:
    """A concern's decision as recorded: whether an authority is told, and the client."""

    notify_authority: bool | None
    authority: str
    notified_on: dt.date | None
    reason: str
    client_told: bool | None
    client_told_on: dt.date | None
    client_not_told_reason: str


def decision_problems(decision: Decision, *, today: dt.date) -> list[tuple[str, str]]:
    """What a decision still lacks, as (field, problem code) pairs; empty when complete."""
    d = decision
    problems: list[tuple[str, str]] = []
    if d.notify_authority is None:
        problems.append(("notify_authority", "missing"))
    elif d.notify_authority:
        if not d.authority.strip():
            problems.append(("authority", "missing"))
        if d.notified_on is None:
            problems.append(("notified_on", "missing"))
    if d.notified_on is not None and d.notified_on > today:
        problems.append(("notified_on", "future"))
    if not d.reason.strip():
        problems.append(("reason", "missing"))
    if d.client_told is None:
        problems.append(("client_told", "missing"))
    elif d.client_told:
        if d.client_told_on is None:
            problems.append(("client_told_on", "missing"))
    elif not d.client_not_told_reason.strip():
        problems.append(("client_not_told_reason", "missing"))
    if d.client_told_on is not None and d.client_told_on > today:
        problems.append(("client_told_on", "future"))
    return problems

