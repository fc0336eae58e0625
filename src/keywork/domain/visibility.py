"""Who sees what of a client's feedback: one rule, on plain data, for many relationships.

The organisation's policy caps what the keyworker and the deputy see of the client's
check-ins, and the client may choose less: once for the relationship (their current
choice) and on each check-in (the choice given with it). Whatever is most private wins,
so a client can always share less later and a wider choice never opens an earlier
check-in. The numbers in the engine's summaries (facts and alerts) are shown in full only
while every client check-in of the relationship was shared in full.

A supervisor of the relationship's unit sees everything, unless they work the
relationship themselves: then the client's choices bind them like any keyworker. Anyone
else sees nothing of it.

``seen`` takes one value per relationship (or per check-in) in each argument and answers
for all of them at once; a single relationship is a batch of one.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum

import numpy as np
from numpy.typing import NDArray


class Level(IntEnum):
    """How much of the client's feedback is seen, most private first. The codes are the
    stored values of a policy or a client's choice."""

    NOTHING = 0
    PATTERN = 1
    SCORES = 2

    @property
    def code(self) -> str:
        return self.name.lower()

    @classmethod
    def of(cls, code: str) -> Level:
        """The level of a stored policy or choice ("scores", "pattern", "nothing")."""
        return cls[code.upper()]

    @property
    def shown(self) -> str | None:
        """The level in the words the pages use: "all", "pattern" or None (nothing)."""
        return SHOWN_WORDS[self]


SHOWN_WORDS: tuple[str | None, ...] = (None, "pattern", "all")
"""Each level's word for the pages, most private first (index = level)."""


def level_shown(word: str | None) -> Level:
    """The level of a page word ("all", "pattern" or None)."""
    return Level(SHOWN_WORDS.index(word))


class Viewer(IntEnum):
    """What the person looking is to the relationship."""

    OTHER = 0  # neither works it nor supervises its unit: sees nothing
    SUPERVISOR = 1  # supervises the unit and works neither as keyworker nor deputy
    WORKER = 2  # the keyworker or the deputy (a supervisor among them included)


Levels = Sequence[Level | int | str | None] | NDArray[np.int8] | Level | int | str | None


def _levels(values: Levels, n: int) -> NDArray[np.int8]:
    """One level per row; a missing value (None) sets no limit. A single value stands for
    every row."""
    if values is None:
        return np.full(n, Level.SCORES, dtype=np.int8)
    if isinstance(values, str):
        values = Level.of(values)
    if isinstance(values, int):
        return np.full(n, values, dtype=np.int8)
    if isinstance(values, np.ndarray):
        out = values.astype(np.int8)
    else:
        out = np.array([Level.SCORES if v is None else Level.of(v) if isinstance(v, str)
                        else v for v in values], dtype=np.int8)
    if out.shape != (n,):
        raise ValueError(f"expected {n} levels, got shape {out.shape}")
    return out


def seen(viewer: Sequence[Viewer | int] | NDArray[np.int8], policy: Levels,
         choice: Levels = None, given: Levels = None,
         withheld: Sequence[bool] | NDArray[np.bool_] | bool | None = None
         ) -> NDArray[np.int8]:
    """How much each viewer sees (a ``Level`` per row).

    ``viewer``: a ``Viewer`` per row. ``policy``: the organisation's cap. ``choice``: the
    client's current choice (None: none made). ``given``: for one check-in, the choice given
    with it (None: none recorded; leave out for the relationship as a whole). ``withheld``:
    for the client's numbers in summaries, whether any client check-in of the relationship
    was given with less than everything (leave out otherwise).

    A worker sees the most private of the policy, the choice and the given choice, and
    no more than the pattern where something was withheld; a supervisor of the unit sees
    everything; anyone else nothing."""
    kinds = np.asarray(viewer, dtype=np.int8)
    if kinds.ndim != 1:
        raise ValueError("viewer must be one-dimensional")
    n = kinds.shape[0]
    limit = np.minimum(np.minimum(_levels(policy, n), _levels(choice, n)), _levels(given, n))
    if withheld is not None:
        held = np.broadcast_to(np.asarray(withheld, dtype=bool), (n,))
        limit = np.where(held, np.minimum(limit, Level.PATTERN), limit)
    out = np.where(kinds == Viewer.WORKER, limit,
                   np.where(kinds == Viewer.SUPERVISOR, Level.SCORES, Level.NOTHING))
    return out.astype(np.int8)


def seen_one(viewer: Viewer, policy: Level | str, choice: Level | str | None = None,
             given: Level | str | None = None, withheld: bool | None = None) -> Level:
    """``seen`` for a batch of one."""
    return Level(int(seen([viewer], policy, [choice], [given],
                          None if withheld is None else [withheld])[0]))
