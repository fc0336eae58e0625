"""The period of the manager's figures, the formula guard of exports and the rule of a
target: pure rules, no database."""

from __future__ import annotations

import datetime as dt

import pytest

from keywork.domain import periods, targets
from keywork.domain.exports import safe_cell
from keywork.domain.periods import Period

D = dt.date


@pytest.mark.parametrize(("preset", "today", "start", "end"), [
    ("30d", D(2026, 12, 7), D(2026, 11, 8), D(2026, 12, 7)),
    ("quarter", D(2026, 12, 7), D(2026, 7, 1), D(2026, 9, 30)),
    ("quarter", D(2026, 2, 15), D(2025, 10, 1), D(2025, 12, 31)),
    ("quarter", D(2026, 4, 1), D(2026, 1, 1), D(2026, 3, 31)),
    ("year", D(2026, 12, 7), D(2026, 1, 1), D(2026, 12, 7)),
    ("12m", D(2026, 12, 7), D(2026, 1, 1), D(2026, 12, 7)),
    ("12m", D(2026, 3, 31), D(2025, 4, 1), D(2026, 3, 31)),
])
def test_each_preset_covers_the_days_it_names(preset, today, start, end):
    assert periods.preset_period(preset, today) == Period(start, end)


def test_an_unknown_preset_is_refused():
    with pytest.raises(ValueError, match="week"):
        periods.preset_period("week", D(2026, 1, 1))


@pytest.mark.parametrize(("start", "end", "problem"), [
    (D(2026, 5, 1), D(2026, 5, 1), None),
    (D(2026, 5, 2), D(2026, 5, 1), periods.REVERSED),
    (D(2026, 5, 1), D(2026, 12, 8), periods.FUTURE),
    (D(1999, 12, 31), D(2001, 1, 1), periods.TOO_EARLY),
    (D(2022, 1, 1), D(2025, 1, 1), None),
    (D(2022, 1, 1), D(2025, 1, 4), periods.TOO_LONG),
])
def test_a_period_typed_by_hand_runs_forwards_ends_by_today_and_is_not_too_long(
        start, end, problem):
    assert periods.period_problem(start, end, D(2026, 12, 7)) == problem


def test_the_months_of_a_period_include_the_month_it_starts_and_ends_in():
    assert periods.months_of(Period(D(2025, 11, 20), D(2026, 2, 1))) == [
        D(2025, 11, 1), D(2025, 12, 1), D(2026, 1, 1), D(2026, 2, 1)]
    assert Period(D(2026, 1, 1), D(2026, 1, 14)).weeks == 2


@pytest.mark.parametrize(("value", "written"), [
    ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
    ("+1+1", "'+1+1"),
    ("-2+3", "'-2+3"),
    ("@cmd", "'@cmd"),
    ("\tx", "'\tx"),
    ("\rx", "'\rx"),
    ("Unit A", "Unit A"),
    ("a=b", "a=b"),
    ("", ""),
    (-4, -4),
    (2.5, 2.5),
    (None, None),
])
def test_a_text_that_begins_like_a_formula_stays_text(value, written):
    assert safe_cell(value) == written


@pytest.mark.parametrize(("value", "direction", "target", "met"), [
    (5, targets.AT_LEAST, 5, True),
    (4.9, targets.AT_LEAST, 5, False),
    (5, targets.AT_MOST, 5, True),
    (5.1, targets.AT_MOST, 5, False),
    (None, targets.AT_LEAST, 5, None),
])
def test_a_figure_meets_its_target_in_the_figures_direction(value, direction, target, met):
    assert targets.met(value, direction=direction, target=target) is met


def test_every_figure_with_a_target_has_a_direction_and_a_range():
    for figure in targets.FIGURES:
        assert figure.direction in (targets.AT_LEAST, targets.AT_MOST)
        assert figure.lowest < figure.highest
