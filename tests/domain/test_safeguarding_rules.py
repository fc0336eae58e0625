"""The safeguarding rules on plain data: due dates of routine enquiries, and decisions."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from keywork.domain.safeguarding import Decision, days_overdue, decision_problems, enquiry_due

START = dt.date(2024, 3, 1)


@pytest.mark.parametrize(("last", "first", "every", "due"), [
    (None, 14, 90, dt.date(2024, 3, 15)),
    (None, 0, 90, START),
    (dt.date(2024, 3, 10), 14, 90, dt.date(2024, 6, 8)),
    (dt.date(2024, 2, 20), 14, 90, dt.date(2024, 3, 15)),  # asked in an earlier episode
    (START, 14, 30, dt.date(2024, 3, 31)),
])
def test_enquiry_falls_due_after_the_start_then_at_intervals(last, first, every, due):
    assert enquiry_due(episode_start=START, last_asked=last, first_within_days=first,
                       interval_days=every) == due


def test_an_interval_of_zero_days_is_refused():
    with pytest.raises(ValueError, match="intervals"):
        enquiry_due(episode_start=START, last_asked=None, first_within_days=1, interval_days=0)


@pytest.mark.parametrize(("today", "days"), [
    (dt.date(2024, 3, 14), 0), (dt.date(2024, 3, 15), 0), (dt.date(2024, 3, 16), 1),
    (dt.date(2024, 4, 15), 31)])
def test_days_overdue_start_the_day_after_the_due_date(today, days):
    assert days_overdue(dt.date(2024, 3, 15), today) == days


@given(st.dates(min_value=START, max_value=dt.date(2030, 1, 1)),
       st.integers(min_value=1, max_value=730))
def test_asking_always_moves_the_due_date_past_the_day_asked(asked, every):
    due = enquiry_due(episode_start=START, last_asked=asked, first_within_days=14,
                      interval_days=every)
    assert due > asked
    assert days_overdue(due, asked) == 0


TODAY = dt.date(2024, 5, 1)
COMPLETE = Decision(notify_authority=True, authority="Social services",
                    notified_on=TODAY, reason="A child at risk.", client_told=False,
                    client_told_on=None, client_not_told_reason="It would put the child at "
                                                               "risk.")


@pytest.mark.parametrize(("changes", "expected"), [
    ({}, []),
    ({"notify_authority": None}, [("notify_authority", "missing")]),
    ({"authority": " "}, [("authority", "missing")]),
    ({"notified_on": None}, [("notified_on", "missing")]),
    ({"notified_on": TODAY + dt.timedelta(days=1)}, [("notified_on", "future")]),
    ({"reason": ""}, [("reason", "missing")]),
    ({"client_told": None}, [("client_told", "missing")]),
    ({"client_not_told_reason": ""}, [("client_not_told_reason", "missing")]),
    ({"client_told": True, "client_told_on": None}, [("client_told_on", "missing")]),
    ({"client_told": True, "client_told_on": TODAY, "client_not_told_reason": ""}, []),
    ({"notify_authority": False, "authority": "", "notified_on": None}, []),
])
def test_a_decision_names_what_it_still_lacks(changes, expected):
    fields = {**COMPLETE.__dict__, **changes}
    assert decision_problems(Decision(**fields), today=TODAY) == expected
