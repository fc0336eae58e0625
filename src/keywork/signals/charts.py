"""Tiny server-side SVG geometry for line charts (no JavaScript, no CDN). Month names
follow the active language."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import dateformat

WIDTH, HEIGHT, PAD_L, PAD_R, PAD_T, PAD_B = 320, 150, 34, 10, 10, 24


@dataclass(frozen=True)
class Line:
    points: str
    dots: list[tuple[float, float, str, float, float]]  # x, y, label, x-3, y-3 (squares)


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    client: Line
    worker: Line
    y_ticks: list[tuple[float, int]]
    x_ticks: list[tuple[float, str]]


def _scale(days: list[dt.date]) -> tuple[dt.date, float]:
    first, last = min(days), max(days)
    span = max((last - first).days, 1)
    return first, (WIDTH - PAD_L - PAD_R) / span


def _line(points: list[tuple[dt.date, float | None]], first: dt.date, per_day: float) -> Line:
    coords = []
    for day, value in points:
        if value is None:
            continue
        x = PAD_L + (day - first).days * per_day
        y = PAD_T + (100 - value) * (HEIGHT - PAD_T - PAD_B) / 100
        coords.append((round(x, 1), round(y, 1), f"{day:%Y-%m-%d}: {value:.0f}",
                       round(x - 3, 1), round(y - 3, 1)))
    return Line(points=" ".join(f"{c[0]},{c[1]}" for c in coords), dots=coords)


def line_chart(client: list[tuple[dt.date, float | None]],
               worker: list[tuple[dt.date, float | None]]) -> Chart | None:
    days = [d for d, v in client + worker if v is not None]
    if not days:
        return None
    first, per_day = _scale(days)
    y_ticks = [(PAD_T + (100 - v) * (HEIGHT - PAD_T - PAD_B) / 100, v) for v in (0, 50, 100)]
    last = max(days)
    # Day and month in the active language; the template anchors the first label at its
    # start and the last at its end, so neither runs off the drawing.
    x_ticks: list[tuple[float, str]] = [(float(PAD_L), dateformat.format(first, "j M"))]
    if last != first:
        x_ticks.append((PAD_L + (last - first).days * per_day,
                        dateformat.format(last, "j M")))
    return Chart(WIDTH, HEIGHT, _line(client, first, per_day), _line(worker, first, per_day),
                 y_ticks, x_ticks)
