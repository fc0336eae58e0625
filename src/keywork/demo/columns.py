"""Tables as columns: ids, days, times and words for the demo generator.

Days are whole numbers counted from 1970-01-01; times are seconds since the epoch (UTC),
computed from local times of day in the service's time zone. Ids in a ``Frame`` are local
(1, 2, 3 ... per table); each frame names the tables its foreign-key columns point to, and
the loader shifts every id by the table's current maximum when it writes.
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import numpy as np
import polars as pl
from django.db import models

EPOCH = dt.date(1970, 1, 1)
DAY = 86_400
HOUR = 3_600


def rng_for(seed: int, name: str) -> np.random.Generator:
    """An independent generator per part of the service: changing one part leaves the
    others as they were."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(
        [seed, zlib.crc32(name.encode())])))


@dataclass
class Frame:
    """Rows for one model. ``id`` and the columns in ``refs`` hold local ids."""

    model: type[models.Model]
    df: pl.DataFrame
    refs: dict[str, type[models.Model]] = field(default_factory=dict)

    @property
    def table(self) -> str:
        return str(self.model._meta.db_table)


class Clock:
    """Local days and times of day turned into UTC seconds, daylight saving included."""

    def __init__(self, as_of: dt.date, tz: str):
        self.as_day = (as_of - EPOCH).days
        self.first = self.as_day - 4000
        zone = ZoneInfo(tz)
        offsets = []
        for day in range(self.first, self.as_day + 800):
            noon = dt.datetime.combine(EPOCH + dt.timedelta(days=day), dt.time(12), zone)
            offset = noon.utcoffset()
            offsets.append(int(offset.total_seconds()) if offset else 0)
        self.offsets = np.array(offsets, dtype=np.int64)

    def at(self, days: np.ndarray, seconds: np.ndarray | int) -> np.ndarray:
        days = np.asarray(days, dtype=np.int64)
        index = np.clip(days - self.first, 0, len(self.offsets) - 1)
        return days * DAY + np.asarray(seconds, dtype=np.int64) - self.offsets[index]

    @property
    def now(self) -> int:
        """The moment the demo is seen from: the last second before ``as_of`` begins."""
        return int(self.at(np.array([self.as_day]), 0)[0]) - 1


def _nulls(series: pl.Series, null: np.ndarray | None) -> pl.Series:
    if null is None or not null.any():
        return series
    empty = pl.repeat(None, len(series), dtype=series.dtype, eager=True)
    return series.zip_with(pl.Series(~null), empty).alias(series.name)


def col_int(name: str, values: np.ndarray, null: np.ndarray | None = None) -> pl.Series:
    return _nulls(pl.Series(name, np.asarray(values, dtype=np.int64)), null)


def col_bool(name: str, values: np.ndarray) -> pl.Series:
    return pl.Series(name, np.asarray(values, dtype=bool))


def col_date(name: str, days: np.ndarray, null: np.ndarray | None = None) -> pl.Series:
    safe = np.where(null, 0, days) if null is not None else days
    series = pl.Series(name, np.asarray(safe, dtype=np.int32)).cast(pl.Date)
    return _nulls(series, null)


def col_time(name: str, seconds: np.ndarray, null: np.ndarray | None = None) -> pl.Series:
    safe = np.where(null, 0, seconds) if null is not None else seconds
    series = pl.Series(name, np.asarray(safe, dtype=np.int64) * 1_000_000).cast(
        pl.Datetime("us"))
    return _nulls(series, null)


def col_pick(name: str, words: Sequence[str], index: np.ndarray) -> pl.Series:
    return pl.Series(name, list(words), dtype=pl.String).gather(
        np.asarray(index, dtype=np.int64))


def col_str(name: str, values: Sequence[str]) -> pl.Series:
    return pl.Series(name, list(values), dtype=pl.String)


def offsets(groups: Sequence[Sequence[str]]) -> tuple[list[str], list[int]]:
    """Several word lists as one, with where each list starts."""
    words: list[str] = []
    starts = []
    for group in groups:
        starts.append(len(words))
        words.extend(group)
    return words, starts


def within(counts: np.ndarray) -> np.ndarray:
    """0, 1, ... counts[i]-1 for each group i, concatenated."""
    total = int(counts.sum())
    starts = np.repeat(np.cumsum(counts) - counts, counts)
    return np.arange(total) - starts


def allocate(total: int, shares: Sequence[float]) -> np.ndarray:
    """Split ``total`` by ``shares`` (largest remainder), at least one each when possible."""
    raw = np.asarray(shares) * total / sum(shares)
    counts = np.floor(raw).astype(np.int64)
    rest = np.argsort(-(raw - counts), kind="stable")[: total - counts.sum()]
    counts[rest] += 1
    while total >= len(shares) and (counts == 0).any():
        counts[np.argmax(counts)] -= 1
        counts[np.argmin(counts)] += 1
    return counts
