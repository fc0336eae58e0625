"""The rules that decide whether a new alert opens again, and whether the keyworker is
shown it, over small hand-made columns."""

from __future__ import annotations

import numpy as np

from keywork.domain.signals.holding import held, withheld

NAN = np.nan


def _held(still_open, resolved_day, newer, lack_days=None, as_of=100):
    return held(still_open=np.array(still_open, dtype=bool),
                resolved_day=np.array(resolved_day, dtype=float),
                newer_evidence=np.array(newer, dtype=bool),
                lack_days=None if lack_days is None else np.array(lack_days, dtype=float),
                as_of=as_of).tolist()


def test_an_alert_still_open_is_held_whatever_else_holds():
    assert _held([True, True, True], [NAN, 90, 90], [False, True, False]) == [True] * 3


def test_an_alert_never_resolved_opens():
    assert _held([False], [NAN], [False]) == [False]


def test_a_resolved_alert_is_held_until_something_newer_is_recorded():
    assert _held([False, False], [90, 90], [False, True]) == [True, False]


def test_an_alert_about_a_lack_comes_back_after_its_own_days_since_the_resolution():
    # Resolved on day 90; as of day 100 that is 10 days: back at 10, held at 11 and 30.
    assert _held([False] * 3, [90, 90, 90], [False] * 3, lack_days=[10, 11, 30]) == [
        False, True, True]


def test_for_an_alert_about_a_lack_newer_evidence_and_never_resolved_still_open_it():
    assert _held([False, False, True], [NAN, 99, 50], [False, True, False],
                 lack_days=[14, 14, 14]) == [False, False, True]


def test_an_empty_column_gives_an_empty_answer():
    assert _held([], [], []) == []
    assert _held([], [], [], lack_days=[]) == []


def test_only_alerts_from_the_clients_ratings_are_withheld_and_only_after_a_private_checkin():
    out = withheld(from_client_ratings=np.array([True, True, False, False]),
                   kept_private_recently=np.array([True, False, True, False]))
    assert out.tolist() == [True, False, False, False]
