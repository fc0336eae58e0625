"""The period a figure covers: the presets a manager picks from and the rule for a period
typed by hand. Plain dates in, plain dates out."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

LAST_30_DAYS, LAST_QUARTER, THIS_YEAR, LAST_12_MONTHS = "30d", "quarter", "year", "12m"
PRESETS = (LAST_30_DAYS, LAST_QUARTER, THIS_YEAR, LAST_12_MONTHS)
DEFAULT = LAST_12_MONTHS

MAX_DAYS = 3 * 366
"""The longest period a page computes: three years."""

EARLIEST = dt.date(2000, 1, 1)

# What is wrong with a period typed by hand (``period_problem``).
REVERSED, FUTURE, TOO_LONG, TOO_EARLY = "reversed", "future", "too_long", "too_early"


@dataclass(frozen=True)
class Period:
    """From ``start`` to ``end``, both days included."""

    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def weeks(self) -> float:
        return self.days / 7


def month_start(day: dt.date, back: int = 0) -> dt.date:
    """The first day of the month ``back`` months before ``day``'s month."""
    index = day.year * 12 + day.month - 1 - back
    return dt.date(index // 12, index % 12 + 1, 1)


def preset_period(name: str, today: dt.date) -> Period:
    """The period a preset stands for, seen from ``today``.

    - last 30 days: the 30 days up to today;
    - last quarter: the last full calendar quarter;
    - this year: from 1 January to today;
    - last 12 months: from the first day of the month eleven months back to today (twelve
      calendar months, this one so far included)."""
    if name == LAST_30_DAYS:
        return Period(today - dt.timedelta(days=29), today)
    if name == LAST_QUARTER:
        this_quarter = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
        start = month_start(this_quarter, 3)
        return Period(start, this_quarter - dt.timedelta(days=1))
    if name == THIS_YEAR:
        return Period(dt.date(today.year, 1, 1), today)
    if name == LAST_12_MONTHS:
        return Period(month_start(today, 11), today)
    raise ValueError(name)


def period_problem(start: dt.date, end: dt.date, today: dt.date) -> str | None:
    """What is wrong with a period typed by hand, or None: it may not run backwards, end
    after today, start before ``EARLIEST`` or last longer than ``MAX_DAYS``."""
    if start > end:
        return REVERSED
    if end > today:
        return FUTURE
    if start < EARLIEST:
        return TOO_EARLY
    if (end - start).days + 1 > MAX_DAYS:
        return TOO_LONG
    return None


def months_of(period: Period) -> list[dt.date]:
    """The first day of every calendar month the period touches, in order."""
    out, month = [], month_start(period.start)
    while month <= period.end:
        out.append(month)
        month = month_start(month, -1)
    return out
