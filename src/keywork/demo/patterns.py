"""Relationship patterns planted in the demo service.

Each demo relationship is given one of the three patterns (friendly and trustful, polite
and neutral, ambivalent and conflicted) before its contacts are generated. The pattern
shapes the contact rhythm a little now; later capabilities (check-ins from both sides)
read the same assignment from ``PLANTED`` or from the result of ``seed_demo`` so that what
the two sides report fits what the contact log shows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

FRIENDLY, POLITE, AMBIVALENT = 0, 1, 2
PATTERNS: tuple[str, ...] = ("friendly_trustful", "polite_neutral", "ambivalent_conflicted")

BASE_WEIGHTS = (0.45, 0.35, 0.20)
# Formal power over the client's life makes the relationship harder to hold.
COERCED_WEIGHTS = (0.38, 0.34, 0.28)
# The relationship a client asked to leave was rarely a good one.
ASKED_FOR_CHANGE_WEIGHTS = (0.12, 0.28, 0.60)


@dataclass(frozen=True)
class Rhythm:
    """How a pattern bends the contact rhythm of one relationship."""

    everyday: float  # multiplies the rate of everyday contact on a unit
    client_starts_everyday: float  # share of everyday contact the client starts
    client_starts_remote: float  # share of calls and messages the client starts
    client_starts_sessions: float  # share of planned sessions the client asked for
    not_attended: float  # multiplies the did-not-attend rate
    skipped_sessions: float  # share of planned sessions that never happen
    gap: float  # chance of a long gap without contact
    constant_contact: float  # chance the client contacts the worker constantly


RHYTHMS: dict[int, Rhythm] = {
    FRIENDLY: Rhythm(everyday=1.3, client_starts_everyday=0.6, client_starts_remote=0.6,
                     client_starts_sessions=0.3,
                     not_attended=0.6, skipped_sessions=0.04, gap=0.05,
                     constant_contact=0.02),
    POLITE: Rhythm(everyday=0.6, client_starts_everyday=0.25, client_starts_remote=0.15,
                   client_starts_sessions=0.03,
                   not_attended=1.0, skipped_sessions=0.05, gap=0.1, constant_contact=0.01),
    AMBIVALENT: Rhythm(everyday=0.8, client_starts_everyday=0.45, client_starts_remote=0.45,
                       client_starts_sessions=0.05,
                       not_attended=2.0, skipped_sessions=0.15, gap=0.45,
                       constant_contact=0.22),
}

# relationship id → pattern name, as planted by the latest demo load in this process.
PLANTED: dict[int, str] = {}


def plant_pattern(rng: np.random.Generator, *, coerced: np.ndarray,
                  asked_for_change: np.ndarray) -> np.ndarray:
    """One pattern code per relationship (0 friendly, 1 polite, 2 ambivalent).

    ``coerced``: the episode rests on formal power. ``asked_for_change``: the client asked
    to leave this relationship for another keyworker.
    """
    n = len(coerced)
    u = rng.random(n)
    weights = np.empty((n, 3))
    weights[:] = BASE_WEIGHTS
    weights[coerced.astype(bool)] = COERCED_WEIGHTS
    weights[asked_for_change.astype(bool)] = ASKED_FOR_CHANGE_WEIGHTS
    cumulative = np.cumsum(weights, axis=1)
    codes = (u[:, None] >= cumulative[:, :2]).sum(axis=1)
    return codes.astype(np.int8)


def rhythm_table(codes: np.ndarray) -> dict[str, np.ndarray]:
    """The rhythm of each relationship as columns, for vectorised contact generation."""
    fields = Rhythm.__dataclass_fields__
    return {name: np.array([getattr(RHYTHMS[c], name) for c in range(3)])[codes]
            for name in fields}


def remember_planted(relationship_ids: np.ndarray, codes: np.ndarray) -> dict[int, str]:
    """Replace ``PLANTED`` with this load's assignment and return it."""
    PLANTED.clear()
    PLANTED.update({int(i): PATTERNS[int(c)] for i, c in zip(relationship_ids, codes,
                                                             strict=True)})
    return PLANTED


def planted_patterns() -> dict[int, str]:
    return dict(PLANTED)
