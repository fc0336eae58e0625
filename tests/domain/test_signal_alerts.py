"""Each alert rule fires just past its threshold and stays quiet just before it."""

from __future__ import annotations

import pytest

from keywork.domain.signals import (
    ALERT_RULES,
    Alert,
    CheckinRow,
    SignalConfig,
    alerts_for,
)
from tests.domain.builders import AS_OF, REL, checkins, contacts, one

STEADY = [80, 80, 80]


def fired(result, alert: Alert) -> bool:
    return bool(int(result.alerts[0]) & alert)


@pytest.mark.parametrize(("latest", "fires"), [(48, True), (49.9, True), (50, False)])
def test_client_low_fires_below_the_cut_off(latest, fires):
    assert fired(one(client=[60, latest], worker=STEADY), Alert.CLIENT_LOW) is fires


@pytest.mark.parametrize(("previous", "latest", "fires"), [
    (80, 56, True),  # dropped 24 > 22.3 (the short form's reliable change)
    (80, 58, False),  # dropped 22: within measurement noise
    (58, 80, False),  # a rise is not a drop
])
def test_client_drop_fires_beyond_the_reliable_change(previous, latest, fires):
    assert fired(one(client=[previous, latest], worker=STEADY), Alert.CLIENT_DROP) is fires


def test_client_drop_amount_comes_from_reliability_or_an_override():
    assert SignalConfig().client_reliable_change == pytest.approx(22.31, abs=0.01)
    looser = SignalConfig(client_reliability=0.5, client_norm_sd=18)
    assert looser.client_reliable_change == pytest.approx(35.28, abs=0.01)
    strict = SignalConfig(client_drop_points=10)
    assert fired(one(client=[80, 68], worker=STEADY, config=strict), Alert.CLIENT_DROP)
    finding = alerts_for(one(client=[80, 56], worker=STEADY), 0)[0]
    assert finding.code == "client_drop"
    assert finding.params == {"previous": 80.0, "latest": 56.0, "drop": 24.0,
                              "reliable_change": 22.3}


@pytest.mark.parametrize(("client", "worker", "fires"), [
    # Gap 0 earlier, +16 now: widened by 16 (> 15) and the worker is 16 above (> 10).
    ([80, 80, 80, 70, 70, 70], [80, 80, 80, 86, 86, 86], True),
    # Widened by 14 only.
    ([80, 80, 80, 70, 70, 70], [80, 80, 80, 84, 84, 84], False),
    # The gap changed by 20, but towards the client rating higher: not this rule.
    ([90, 90, 90, 80, 80, 80], [60, 60, 60, 70, 70, 70], False),
    # A large, steady gap is a pattern fact, not a widening.
    ([60, 60, 60, 60, 60, 60], [85, 85, 85, 85, 85, 85], False),
    # No earlier check-ins on the client's side: no change to measure.
    ([70, 70, 70], [80, 80, 80, 86, 86, 86], False),
])
def test_gap_widening_watches_the_change_in_the_gap(client, worker, fires):
    assert fired(one(client=client, worker=worker), Alert.GAP_WIDENING) is fires


@pytest.mark.parametrize(("start_days_ago", "worker", "fires"), [
    (30, [58], True),  # first weeks, below 60
    (30, [60], False),  # at the cut-off
    (300, [58], True),  # the worker's first check-in counts as early whenever it comes
    (300, [70, 58], True),  # ... and so does the second
    (300, [70, 70, 58], False),  # the third, months in, is not early
    (40, [70, 70, 58], True),  # within the first 42 days
])
def test_worker_low_early_looks_at_early_worker_ratings(start_days_ago, worker, fires):
    result = one(client=STEADY, worker=worker, start_days_ago=start_days_ago)
    assert fired(result, Alert.WORKER_LOW_EARLY) is fires


@pytest.mark.parametrize(("flags", "fires"), [
    ([False, True, True, True], True),
    ([True, True, False, True], False),
    ([True, True], False),  # only two check-ins so far
])
def test_client_ceiling_needs_the_last_three_at_the_top(flags, fires):
    rows = checkins("client", [100 if f else 90 for f in flags], at_max=flags)
    assert fired(one(rows=rows, worker=STEADY), Alert.CLIENT_CEILING) is fires


@pytest.mark.parametrize(("client_days_ago", "worker_days_ago", "fires"), [
    (27, 1, False), (28, 1, True), (1, 28, True), (1, 27, False),
])
def test_no_checkin_fires_when_either_side_is_silent_for_four_weeks(
        client_days_ago, worker_days_ago, fires):
    rows = [*checkins("client", STEADY, last_days_ago=client_days_ago),
            *checkins("keyworker", STEADY, last_days_ago=worker_days_ago)]
    assert fired(one(rows=rows), Alert.NO_CHECKIN) is fires


@pytest.mark.parametrize(("start_days_ago", "fires"), [(27, False), (28, True)])
def test_no_checkin_counts_from_the_start_when_there_has_been_none(start_days_ago, fires):
    result = one(start_days_ago=start_days_ago)
    assert fired(result, Alert.NO_CHECKIN) is fires
    if fires:
        params = alerts_for(result, 0)[0].params
        assert params["client_never"] is True
        assert params["client_days"] == start_days_ago


def test_an_unscorable_check_in_still_counts_as_a_check_in():
    rows = [*checkins("client", STEADY, last_days_ago=40),
            CheckinRow(REL, AS_OF - 2, "client", None)]
    result = one(rows=rows, worker=STEADY)
    assert not fired(result, Alert.NO_CHECKIN)
    assert int(result.client_checkins[0]) == 3


@pytest.mark.parametrize(("last_days_ago", "coerced", "fires"), [
    (13, False, False), (14, False, True), (6, True, False), (7, True, True),
])
def test_no_contact_fires_sooner_for_coerced_clients(last_days_ago, coerced, fires):
    result = one(client=STEADY, worker=STEADY, coerced=coerced,
                 contact_rows=contacts("wc" * 5, last_days_ago=last_days_ago))
    assert fired(result, Alert.NO_CONTACT) is fires


def test_no_contact_counts_from_the_start_when_there_has_been_none():
    assert fired(one(client=STEADY, worker=STEADY, contact_rows=[], start_days_ago=14),
                 Alert.NO_CONTACT)
    assert not fired(one(client=STEADY, worker=STEADY, contact_rows=[], start_days_ago=13),
                     Alert.NO_CONTACT)


@pytest.mark.parametrize(("initiators", "fires"), [
    ("w" * 4 + "c" * 16, True),  # 80% of the last 20
    ("w" * 5 + "c" * 15, False),  # 75%
    ("w" * 30 + "c" * 16 + "w" * 4, True),  # only the last 20 count
    ("c" * 4, False),  # too few contacts to say
    ("c" * 5, True),
    ("o" * 15 + "c" * 5, True),  # contact started by others is left out of the share
    ("o" * 16 + "c" * 4, False),
])
def test_client_initiated_only_reads_the_last_contacts(initiators, fires):
    result = one(client=STEADY, worker=STEADY, contact_rows=contacts(initiators))
    assert fired(result, Alert.CLIENT_INITIATED_ONLY) is fires


def test_every_alert_carries_evidence_and_a_next_step():
    result = one(client=[80, 40], worker=[58], start_days_ago=20,
                 contact_rows=contacts("c" * 10, last_days_ago=15))
    findings = alerts_for(result, 0)
    assert {f.code for f in findings} == {
        "client_low", "client_drop", "worker_low_early", "no_contact",
        "client_initiated_only"}
    for f in findings:
        rule = ALERT_RULES[f.code]
        assert (f.evidence, f.next_step) == (rule.evidence, rule.next_step)
        assert rule.evidence_text
        assert rule.next_step_text
    early = next(f for f in findings if f.code == "worker_low_early")
    assert early.evidence == "early_worker_rating_predicts_dropout"
    assert "dropout" in ALERT_RULES["worker_low_early"].evidence_text


def test_an_organisation_can_switch_an_alert_off():
    config = SignalConfig.from_dict({"disabled_alerts": ["client_low"]})
    assert not fired(one(client=[40], worker=STEADY, config=config), Alert.CLIENT_LOW)
    assert fired(one(client=[40], worker=STEADY), Alert.CLIENT_LOW)
