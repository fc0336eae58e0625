"""The boundary rules on plain data: drift, contact agreements, the post-closure period."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from keywork.domain import boundaries as rules
from keywork.domain.boundaries import Agreement, ContactFact, EventFact, find_drift

DAY0 = dt.date(2026, 1, 5)  # a Monday


def _events(spec: list[tuple[int, str]]) -> list[EventFact]:
    return [EventFact(ref=i + 1, on=DAY0 + dt.timedelta(days=d), kind="gift", severity=s)
            for i, (d, s) in enumerate(spec)]


M, S, X = rules.MINOR, rules.SIGNIFICANT, rules.SERIOUS


@pytest.mark.parametrize(("spec", "count", "window", "expected_refs"), [
    # no events, too few, exactly enough
    ([], 3, 90, None),
    ([(0, M), (10, M)], 3, 90, None),
    ([(0, M), (10, M), (20, M)], 3, 90, (1, 2, 3)),
    # the window counts calendar days with both ends: day 0 and day 89 fit in 90 days
    ([(0, M), (45, M), (89, M)], 3, 90, (1, 2, 3)),
    ([(0, M), (45, M), (90, M)], 3, 90, None),
    # only minor events count
    ([(0, M), (5, S), (10, M)], 3, 90, None),
    ([(0, M), (5, X), (10, M), (11, M)], 3, 90, (1, 3, 4)),
    # the most recent run is returned, with every minor event in its window
    ([(0, M), (1, M), (2, M), (200, M), (201, M), (202, M), (203, M)], 3, 90,
     (4, 5, 6, 7)),
    # an old run far from the newest events still counts as a run
    ([(0, M), (1, M), (2, M), (300, M)], 3, 90, (1, 2, 3)),
    # organisation settings: 2 in 7 days
    ([(0, M), (6, M)], 2, 7, (1, 2)),
    ([(0, M), (7, M)], 2, 7, None),
    # events given out of order
    ([(20, M), (0, M), (10, M)], 3, 30, (2, 3, 1)),
])
def test_drift_rule_table(spec, count, window, expected_refs):
    drift = find_drift(_events(spec), count=count, window_days=window)
    if expected_refs is None:
        assert drift is None
    else:
        assert drift is not None
        assert tuple(e.ref for e in drift.events) == expected_refs
        assert drift.count == len(expected_refs)
        assert drift.first <= drift.last
        assert (drift.last - drift.first).days < window


def test_drift_rule_refuses_a_meaningless_setting():
    with pytest.raises(ValueError, match="at least 1"):
        find_drift([], count=0, window_days=90)


@given(st.lists(st.tuples(st.integers(0, 400), st.sampled_from([M, S, X])), max_size=30),
       st.integers(2, 6), st.integers(1, 120))
def test_drift_found_exactly_when_some_window_holds_enough_minor_events(spec, count, window):
    events = _events(spec)
    minor_days = sorted(e.on for e in events if e.severity == M)
    brute = any(sum(1 for d in minor_days if 0 <= (d - start).days < window) >= count
                for start in minor_days)
    drift = find_drift(events, count=count, window_days=window)
    assert (drift is not None) == brute
    if drift is not None:
        assert all(e.severity == M for e in drift.events)
        assert (drift.last - drift.first).days < window


def test_severity_defaults_and_the_organisations_choice():
    assert rules.severity_for("gift") == M
    assert rules.severity_for("conflict_of_interest") == S
    assert rules.severity_for("gift", {"gift": "serious"}) == X
    assert rules.severity_for("gift", {"gift": "nonsense"}) == M
    assert set(rules.KINDS) >= {"gift", "contact_after_ending", "conflict_of_interest",
                                "other"}


def _contact(day: int, hour: int, channel: str = "in_person", by: str = "client",
             ref: int = 0) -> ContactFact:
    return ContactFact(ref=ref, at=dt.datetime.combine(
        DAY0 + dt.timedelta(days=day), dt.time(hour, 0)), channel=channel, initiated_by=by)


@pytest.mark.parametrize(("agreement", "contact", "expected"), [
    (Agreement(), _contact(0, 23), ()),
    (Agreement(hours_from=dt.time(9), hours_to=dt.time(17)), _contact(0, 10), ()),
    (Agreement(hours_from=dt.time(9), hours_to=dt.time(17)), _contact(0, 17), ()),
    (Agreement(hours_from=dt.time(9), hours_to=dt.time(17)), _contact(0, 18),
     (rules.OUTSIDE_HOURS,)),
    (Agreement(hours_from=dt.time(22), hours_to=dt.time(2)), _contact(0, 23), ()),
    (Agreement(hours_from=dt.time(22), hours_to=dt.time(2)), _contact(0, 12),
     (rules.OUTSIDE_HOURS,)),
    (Agreement(channels=frozenset({"in_person"})), _contact(0, 10, "org_phone"),
     (rules.OUTSIDE_CHANNEL,)),
    (Agreement(weekdays=frozenset({0, 2})), _contact(1, 10), (rules.OUTSIDE_DAYS,)),
    (Agreement(weekdays=frozenset({0}), channels=frozenset({"in_person"}),
               hours_from=dt.time(9), hours_to=dt.time(10)),
     _contact(1, 20, "personal_device"),
     (rules.OUTSIDE_CHANNEL, rules.OUTSIDE_DAYS, rules.OUTSIDE_HOURS)),
])
def test_contact_outside_agreement_table(agreement, contact, expected):
    assert rules.outside_agreement(contact, agreement) == expected


def test_weekly_trend_counts_contacts_beyond_the_agreed_number_and_outside_hours():
    agreement = Agreement(per_week=2, hours_from=dt.time(9), hours_to=dt.time(17))
    contacts = [_contact(0, 10, ref=1), _contact(1, 11, ref=2), _contact(2, 12, ref=3),
                _contact(3, 20, ref=4, by="worker"),         # week 1: 4 contacts
                _contact(7, 10, ref=5)]                       # week 2: 1 contact
    rows = rules.weekly_trend(contacts, agreement, until=DAY0 + dt.timedelta(days=8),
                              weeks=3)
    assert [r.week for r in rows] == [DAY0 - dt.timedelta(days=7), DAY0,
                                      DAY0 + dt.timedelta(days=7)]
    assert [r.contacts for r in rows] == [0, 4, 1]
    assert [r.by_client for r in rows] == [0, 3, 1]
    assert [r.outside for r in rows] == [0, 2, 0]
    assert [r.over_frequency for r in rows] == [False, True, False]
    assert rules.weekly_trend(contacts, None, until=DAY0, weeks=1)[0].outside == 0


@pytest.mark.parametrize(("outside", "expected"), [
    ([0, 0, 0, 0, 1, 1, 1, 1], "rising"),
    ([2, 2, 2, 2, 0, 0, 1, 0], "falling"),
    ([1, 0, 1, 0, 0, 1, 0, 1], "steady"),
    ([3], "steady"),
])
def test_trend_direction_table(outside, expected):
    rows = [rules.WeekCount(week=DAY0, contacts=o, by_client=0, outside=o,
                            over_frequency=False) for o in outside]
    assert rules.trend_direction(rows) == expected


@pytest.mark.parametrize(("closed", "day", "expected"), [
    (None, 5, False),
    (0, 0, False),     # the closing day belongs to the relationship
    (0, 1, True),
    (0, 30, True),
    (0, 31, False),
])
def test_post_closure_period_table(closed, day, expected):
    closed_on = None if closed is None else DAY0 + dt.timedelta(days=closed)
    assert rules.in_post_closure(closed_on, 30, DAY0 + dt.timedelta(days=day)) is expected
