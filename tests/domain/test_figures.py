"""Figures over a service: the small-cell limit, the quality bands, the caseload buckets."""

from __future__ import annotations

import math

import numpy as np
import pytest

from keywork.domain import figures
from keywork.domain.figures import HIGH, LOW, MIDDLING, UNRATED


@pytest.mark.parametrize(("part", "whole", "expected"), [
    (0, 0, None), (1, 1, None), (4, 4, None), (3, 5, 60), (5, 5, 100), (0, 5, 0),
    (4, 6, 67), (1, 8, 12),
])
def test_a_share_is_shown_only_from_the_small_cell_limit_on(part, whole, expected):
    assert figures.SMALL_CELL == 5
    assert figures.share(part, whole) == expected
    assert figures.too_small(whole) is (expected is None)


@pytest.mark.parametrize(("mean", "low", "high", "band"), [
    (None, 50, 70, UNRATED), (math.nan, 50, 70, UNRATED),
    (0.0, 50, 70, LOW), (49.9, 50, 70, LOW), (50.0, 50, 70, MIDDLING),
    (69.9, 50, 70, MIDDLING), (70.0, 50, 70, HIGH), (100.0, 50, 70, HIGH),
    (55.0, 60, 80, LOW), (75.0, 60, 80, MIDDLING), (80.0, 60, 80, HIGH),
    (52.4, 52.5, 72.5, LOW), (72.5, 52.5, 72.5, HIGH),
])
def test_each_mean_falls_in_one_band_by_the_thresholds_given(mean, low, high, band):
    assert figures.quality_band([mean], low_below=low, high_at_least=high).tolist() == [band]


def test_bands_are_counted_by_formal_power_with_the_completed_ones():
    bands = figures.quality_band([30.0, 60.0, 90.0, None, 95.0],
                                 low_below=50, high_at_least=70)
    counts = figures.band_counts(bands, [True, True, True, False, False],
                                 [False, True, True, False, True])
    assert counts == {
        (LOW, True): (1, 0), (LOW, False): (0, 0),
        (MIDDLING, True): (1, 1), (MIDDLING, False): (0, 0),
        (HIGH, True): (1, 1), (HIGH, False): (1, 1),
        (UNRATED, True): (0, 0), (UNRATED, False): (1, 0),
    }
    assert figures.QUALITY_BANDS == (LOW, MIDDLING, HIGH, UNRATED)
    assert figures.band_counts(np.array([], dtype=str), [], [])[(LOW, True)] == (0, 0)


def test_every_caseload_size_falls_in_one_bucket():
    sizes = [0, 0, 1, 5, 6, 10, 11, 15, 16, 20, 21, 40]
    assert figures.caseload_buckets(sizes) == [2, 2, 2, 2, 2, 2]
    assert [label for _l, _h, label in figures.CASELOAD_BUCKETS] == [
        "0", "1–5", "6–10", "11–15", "16–20", "21+"]
    assert figures.caseload_buckets([]) == [0] * 6
