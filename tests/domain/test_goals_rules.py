"""The rules of goals and mandates on plain data, without a database."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from keywork.domain.goals import (
    StepFact,
    achievements,
    first_step_late_by,
    imposed_and_disputed,
    overdue,
    valid_rating,
)
from keywork.domain.mandates import balance, covers, mandate_state

D = dt.date(2026, 3, 1)


@pytest.mark.parametrize(("due", "days", "late"), [
    (D, 14, 0), (D + dt.timedelta(days=14), 14, 0), (D + dt.timedelta(days=15), 14, 1),
    (D + dt.timedelta(days=90), 14, 76), (None, 14, 15), (D + dt.timedelta(days=6), 5, 1),
])
def test_first_step_late_by(due, days, late):
    assert first_step_late_by(set_on=D, due_on=due, max_days=days) == late


@pytest.mark.parametrize(("by", "agreement", "disputed"), [
    ("court", "disagrees", True), ("authority", "disagrees", True),
    ("court", "agrees", False), ("client", "disagrees", False),
    ("keyworker", "disagrees", False), ("court", "could_not_answer", False),
])
def test_imposed_and_disputed(by, agreement, disputed):
    assert imposed_and_disputed(by, agreement) is disputed


def test_achievements_count_the_clients_own_steps_and_steps_taken_over():
    steps = [StepFact("client", D, D, False), StepFact("worker", D, D, True),
             StepFact("worker", D, D, False), StepFact("client", D, None, False),
             StepFact("other", D, D, True)]
    assert achievements(steps) == 3
    assert overdue(steps, D + dt.timedelta(days=1)) == 1


@pytest.mark.parametrize(("value", "ok"), [(None, True), (0, True), (10, True), (11, False),
                                           (-1, False)])
def test_valid_rating(value, ok):
    assert valid_rating(value) is ok


@pytest.mark.parametrize(("until", "withdrawn", "today", "state"), [
    (None, None, D, "active"), (None, None, D - dt.timedelta(days=1), "not_yet"),
    (D + dt.timedelta(days=3), None, D + dt.timedelta(days=4), "expired"),
    (D + dt.timedelta(days=3), None, D + dt.timedelta(days=3), "active"),
    (None, D + dt.timedelta(days=2), D + dt.timedelta(days=2), "withdrawn"),
    (None, D + dt.timedelta(days=2), D + dt.timedelta(days=1), "active"),
    (D, D, D + dt.timedelta(days=9), "withdrawn"),
])
def test_mandate_state(until, withdrawn, today, state):
    assert mandate_state(valid_from=D, valid_until=until, withdrawn_on=withdrawn,
                         today=today) == state
    assert covers(valid_from=D, valid_until=until, withdrawn_on=withdrawn,
                  day=today) is (state == "active")


@given(st.lists(st.sampled_from(["mandate", "formal", ""]), max_size=60))
def test_balance_counts_every_contact_and_percentages_add_to_100(bases):
    found = balance(bases)
    assert found.total == len(bases)
    assert found.mandate == bases.count("mandate")
    assert found.formal == bases.count("formal")
    assert sum(found.percents()) == (100 if bases else 0)
    for part, pct in zip((found.mandate, found.formal, found.unrecorded), found.percents(),
                         strict=True):
        if bases:
            assert abs(pct - part * 100 / len(bases)) < 1
