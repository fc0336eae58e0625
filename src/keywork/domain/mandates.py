"""Rules about the client's mandate (confirmed power), on plain data.

A mandate is what the client asked or allowed the worker to do on their behalf. It holds
from a first day to an optional last day, unless the client withdraws it. Work done for the
client with an authority rests either on a mandate or on formal power (the law, an order);
the balance between the two is what a relationship page shows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

ACTIVE, NOT_YET, EXPIRED, WITHDRAWN = "active", "not_yet", "expired", "withdrawn"


def mandate_state(*, valid_from: dt.date, valid_until: dt.date | None,
                  withdrawn_on: dt.date | None, today: dt.date) -> str:
    """Where a mandate stands on a day. Withdrawal wins over everything else."""
    if withdrawn_on is not None and withdrawn_on <= today:
        return WITHDRAWN
    if today < valid_from:
        return NOT_YET
    if valid_until is not None and today > valid_until:
        return EXPIRED
    return ACTIVE


def covers(*, valid_from: dt.date, valid_until: dt.date | None,
           withdrawn_on: dt.date | None, day: dt.date) -> bool:
    """Whether an action on ``day`` can rest on the mandate."""
    return mandate_state(valid_from=valid_from, valid_until=valid_until,
                         withdrawn_on=withdrawn_on, today=day) == ACTIVE


@dataclass(frozen=True)
class Balance:
    """How much of the work done for the client rested on which basis."""

    mandate: int
    formal: int
    unrecorded: int

    @property
    def total(self) -> int:
        return self.mandate + self.formal + self.unrecorded

    def percents(self) -> tuple[int, int, int]:
        """Whole percentages of (mandate, formal, unrecorded) that add up to 100 (largest
        remainder), or all 0 when there is nothing."""
        if self.total == 0:
            return (0, 0, 0)
        parts = (self.mandate, self.formal, self.unrecorded)
        exact = [p * 100 / self.total for p in parts]
        floors = [int(e) for e in exact]
        order = sorted(range(3), key=lambda i: exact[i] - floors[i], reverse=True)
        for i in order[: 100 - sum(floors)]:
            floors[i] += 1
        return (floors[0], floors[1], floors[2])


def balance(bases: list[str]) -> Balance:
    """Count ``"mandate"``, ``"formal"`` and anything else (not yet recorded)."""
    mandate = sum(1 for b in bases if b == "mandate")
    formal = sum(1 for b in bases if b == "formal")
    return Balance(mandate=mandate, formal=formal, unrecorded=len(bases) - mandate - formal)
