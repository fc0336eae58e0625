"""Rules about negotiated goals, on plain data.

A goal is negotiated, not imposed: the client's agreement is recorded in their own words
and every change of view is appended. These functions answer the questions the pages ask
(is the first step soon enough, is this an imposed goal the client disputes, which steps
count as the client's own achievements) without touching the database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

DEFAULT_FIRST_STEP_DAYS = 14
MAX_FIRST_STEP_DAYS = 90

IMPOSING = frozenset({"authority", "court"})
RATING_MIN, RATING_MAX = 0, 10


@dataclass(frozen=True)
class StepFact:
    """One step of a goal, as the rules see it."""

    who: str  # "client", "worker" or "other"
    due_on: dt.date | None
    done_on: dt.date | None
    taken_over: bool  # the client took this step over from someone else


def first_step_late_by(*, set_on: dt.date, due_on: dt.date | None, max_days: int) -> int:
    """Days by which a goal's first step falls beyond the allowed window (0 if it does
    not). A first step without a date counts as late by the whole window plus one."""
    if max_days < 1:
        raise ValueError("max_days must be at least 1")
    if due_on is None:
        return max_days + 1
    return max(0, (due_on - set_on).days - max_days)


def first_step_due(steps: Sequence[StepFact]) -> dt.date | None:
    """The earliest due date among the steps, or None if no step has one."""
    dates = [s.due_on for s in steps if s.due_on is not None]
    return min(dates) if dates else None


def imposed_and_disputed(proposed_by: str, agreement: str) -> bool:
    """An authority or a court set the goal and the client says they disagree."""
    return proposed_by in IMPOSING and agreement == "disagrees"


def achievements(steps: Iterable[StepFact]) -> int:
    """Steps the client did themselves: their own steps done, and steps they took over."""
    return sum(1 for s in steps if s.done_on is not None and (s.who == "client" or s.taken_over))


def overdue(steps: Iterable[StepFact], today: dt.date) -> int:
    """Steps past their date and not done."""
    return sum(1 for s in steps if s.done_on is None and s.due_on is not None
               and s.due_on < today)


def valid_rating(value: int | None) -> bool:
    """A progress rating is a whole number from 0 to 10, or absent."""
    return value is None or RATING_MIN <= value <= RATING_MAX
