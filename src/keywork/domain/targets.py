"""Targets an organisation sets for its figures, and whether a figure meets its target.

Each figure has one direction: more is better (at least the target) or less is better (at
most the target), and the range a target may take."""

from __future__ import annotations

from dataclasses import dataclass

AT_LEAST, AT_MOST = "at_least", "at_most"


@dataclass(frozen=True)
class TargetFigure:
    key: str
    direction: str
    lowest: float
    highest: float
    decimals: int  # places a target may have


CONTACTS_PER_WEEK = "contacts_per_client_week"
DID_NOT_ATTEND = "did_not_attend"
CLIENT_STARTED = "client_started"
CLIENT_CHECKINS = "client_checkins"
WORKER_CHECKINS = "worker_checkins"
COMPLETED_SHARE = "completed_share"
CLIENT_RATING = "client_rating"
OVER_LIMIT = "over_limit"

FIGURES: tuple[TargetFigure, ...] = (
    TargetFigure(CONTACTS_PER_WEEK, AT_LEAST, 0, 50, 2),
    TargetFigure(DID_NOT_ATTEND, AT_MOST, 0, 100, 0),
    TargetFigure(CLIENT_STARTED, AT_LEAST, 0, 100, 0),
    TargetFigure(CLIENT_CHECKINS, AT_LEAST, 0, 100, 0),
    TargetFigure(WORKER_CHECKINS, AT_LEAST, 0, 100, 0),
    TargetFigure(COMPLETED_SHARE, AT_LEAST, 0, 100, 0),
    TargetFigure(CLIENT_RATING, AT_LEAST, 0, 100, 0),
    TargetFigure(OVER_LIMIT, AT_MOST, 0, 10000, 0),
)
BY_KEY = {f.key: f for f in FIGURES}


def met(value: float | None, *, direction: str, target: float) -> bool | None:
    """Whether ``value`` meets ``target`` in the figure's direction; None without a value."""
    if value is None:
        return None
    if direction == AT_LEAST:
        return value >= target
    if direction == AT_MOST:
        return value <= target
    raise ValueError(direction)


def in_range(figure: TargetFigure, value: float) -> bool:
    return figure.lowest <= value <= figure.highest
