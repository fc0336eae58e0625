"""Figures over a whole service, on plain data: when a cell is too small to show, the bands
of the client's rating of the relationship, the buckets of caseload sizes.

Every page and export that counts people reads its small-cell limit from here, so that a
figure hidden on one page is not shown on another.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

SMALL_CELL = 5
"""A share is shown only when at least this many stand behind it: fewer say little, and a
small cell could point to a person."""


def too_small(n: int) -> bool:
    """Whether a cell of ``n`` is too small to show a share of it."""
    return n < SMALL_CELL


def share(part: int, whole: int) -> int | None:
    """``part`` of ``whole`` in whole per cent, or None when the cell is too small."""
    return None if too_small(whole) else round(100 * part / whole)


LOW, MIDDLING, HIGH, UNRATED = "low", "middling", "high", "none"
QUALITY_BANDS = (LOW, MIDDLING, HIGH, UNRATED)
"""The bands of the client's mean rating of the relationship, in the order pages show them.
Low: below the signal engine's ``low_below`` (more bad than good on a 0–100 scale); high:
at least its ``warm_at_least``; between the two, middling; no rating at all, unrated."""


def quality_band(means: Sequence[float | None] | NDArray[np.float64], *, low_below: float,
                 high_at_least: float) -> NDArray[np.str_]:
    """The band of each mean rating (None or NaN: no rating, ``UNRATED``)."""
    values = np.array([np.nan if m is None else m for m in means], dtype=np.float64)
    rated = ~np.isnan(values)
    filled = np.where(rated, values, 0.0)
    out = np.where(filled < low_below, LOW,
                   np.where(filled < high_at_least, MIDDLING, HIGH))
    return np.where(rated, out, UNRATED)


def band_counts(bands: NDArray[np.str_] | Sequence[str], coerced: Sequence[bool],
                completed: Sequence[bool]) -> dict[tuple[str, bool], tuple[int, int]]:
    """How many in each band × formal power (coerced or not), and how many of them
    completed: ``(band, coerced) → (n, completed)`` for every pair."""
    b = np.asarray(bands)
    c = np.asarray(coerced, dtype=bool)
    d = np.asarray(completed, dtype=bool)
    out = {}
    for band in QUALITY_BANDS:
        for flag in (True, False):
            cell = (b == band) & (c == flag)
            out[(band, flag)] = (int(cell.sum()), int((cell & d).sum()))
    return out


CASELOAD_BUCKETS: tuple[tuple[int, int | None, str], ...] = (
    (0, 0, "0"), (1, 5, "1–5"), (6, 10, "6–10"), (11, 15, "11–15"), (16, 20, "16–20"),
    (21, None, "21+"))
"""Caseload sizes as the manager's page counts them: (lowest, highest or None, label)."""


def caseload_buckets(sizes: Sequence[int]) -> list[int]:
    """How many caseloads fall in each of ``CASELOAD_BUCKETS``."""
    values = np.asarray(sizes, dtype=np.int64)
    counts = []
    for low, high, _label in CASELOAD_BUCKETS:
        inside = values >= low
        if high is not None:
            inside &= values <= high
        counts.append(int(inside.sum()))
    return counts
