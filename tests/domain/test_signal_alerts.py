"""Each alert rule fires just past its threshold and stays quiet just before it."""

from __future__ import annotations

import pytest

from keywork.domain.instruments import shipped_instruments
from keywork.domain.signals import (
    ALERT_RULES,
    DEFAULT_CLIENT_RELIABLE_CHANGE,
    Alert,
    CheckinRow,
    ContactRow,
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


def test_client_drop_amount_defaults_to_the_short_form_or_an_override():
    assert round(DEFAULT_CLIENT_RELIABLE_CHANGE, 2) == 22.31
    strict = SignalConfig(client_drop_points=10)
    assert fired(one(client=[80, 68], worker=STEADY, config=strict), Alert.CLIENT_DROP)
    finding = alerts_for(one(client=[80, 56], worker=STEADY), 0)[0]
    assert finding.code == "client_drop"
    assert finding.params == {"previous": 80.0, "latest": 56.0, "drop": 24.0,
                              "reliable_change": 22.3}


SHORT = shipped_instruments()["checkin-client-short"].scoring.reliability.reliable_change
MONTHLY = shipped_instruments()["checkin-client-monthly"].scoring.reliability.reliable_change


def _drop(previous: tuple[float, float], latest: tuple[float, float],
          config: SignalConfig | None = None):
    """Two client check-ins, each (overall, its form's reliable change), a week apart."""
    rows = [CheckinRow(REL, AS_OF - 8, "client", previous[0], reliable_change=previous[1]),
            CheckinRow(REL, AS_OF - 1, "client", latest[0], reliable_change=latest[1])]
    return one(rows=rows, worker=STEADY, config=config)


def test_the_shipped_forms_have_their_own_reliable_change():
    assert round(SHORT, 2) == 22.31
    assert round(MONTHLY, 2) == 14.40


@pytest.mark.parametrize(("previous", "latest", "fires", "amount"), [
    # Two monthly check-ins: the monthly form's own 14.4 points.
    ((80, MONTHLY), (64, MONTHLY), True, 14.4),
    ((80, MONTHLY), (66, MONTHLY), False, 14.4),
    # Two short ones: 22.3.
    ((80, SHORT), (64, SHORT), False, 22.3),
    ((80, SHORT), (57, SHORT), True, 22.3),
    # A mixed pair, either way round: the larger amount.
    ((80, SHORT), (64, MONTHLY), False, 22.3),
    ((80, MONTHLY), (64, SHORT), False, 22.3),
    ((80, MONTHLY), (57, SHORT), True, 22.3),
    # A check-in without its form's amount: the other's.
    ((80, None), (64, MONTHLY), True, 14.4),
])
def test_client_drop_uses_the_reliable_change_of_the_check_ins_forms(previous, latest, fires,
                                                                    amount):
    result = _drop(previous, latest)
    assert fired(result, Alert.CLIENT_DROP) is fires
    assert float(result.client_reliable_change[0]) == pytest.approx(amount, abs=0.05)
    if fires:
        params = alerts_for(result, 0)[0].params
        assert params["reliable_change"] == amount


def test_a_fixed_drop_amount_replaces_the_forms_amounts():
    config = SignalConfig(client_drop_points=30)
    assert not fired(_drop((80, MONTHLY), (57, MONTHLY), config), Alert.CLIENT_DROP)
    assert fired(_drop((80, MONTHLY), (49, MONTHLY), config), Alert.CLIENT_DROP)


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


def _missed_since(attended_days_ago: int | None, missed: int, last_days_ago: int
                  ) -> list[ContactRow]:
    """`missed` appointments the client did not attend, every other day up to
    `last_days_ago`, after one attended session `attended_days_ago` days ago."""
    rows = [ContactRow(REL, AS_OF - last_days_ago - 2 * i, "worker", attended=False,
                       kind="session") for i in range(missed)]
    if attended_days_ago is not None:
        rows.append(ContactRow(REL, AS_OF - attended_days_ago, "worker", kind="session"))
    return rows


def test_missed_appointments_are_not_contact():
    result = one(client=STEADY, worker=STEADY,
                 contact_rows=_missed_since(50, missed=20, last_days_ago=3))
    assert int(result.days_since_contact[0]) == 50
    assert fired(result, Alert.NO_CONTACT)
    params = next(f for f in alerts_for(result, 0) if f.code == "no_contact").params
    assert params["days_since"] == 50
    assert params["never"] is False
    # The contact record still counts them: the missed share, and the contacts recorded.
    assert float(result.dna_rate[0]) == pytest.approx(20 / 20)
    assert int(result.contacts_total[0]) == 21
    assert int(result.contacts_in_window[0]) == 13  # days 3, 5, ..., 27


def test_an_attended_contact_after_missed_ones_counts_from_its_own_day():
    rows = [*_missed_since(40, missed=5, last_days_ago=10),
            ContactRow(REL, AS_OF - 2, "client", kind="everyday")]
    result = one(client=STEADY, worker=STEADY, contact_rows=rows)
    assert int(result.days_since_contact[0]) == 2
    assert not fired(result, Alert.NO_CONTACT)


def test_only_missed_appointments_count_from_the_start_as_never():
    result = one(client=STEADY, worker=STEADY, start_days_ago=30,
                 contact_rows=_missed_since(None, missed=4, last_days_ago=1))
    assert int(result.days_since_contact[0]) == 30
    params = next(f for f in alerts_for(result, 0) if f.code == "no_contact").params
    assert params["never"] is True


def test_missed_appointments_in_a_batch_stay_with_their_relationship():
    """The step back over missed contacts runs for every relationship at once: a long run
    of missed ones in one relationship leaves its neighbours' days as they are."""
    from keywork.domain.signals import RelationshipRow, batch_from_rows, evaluate

    rels = [RelationshipRow(1, AS_OF - 200), RelationshipRow(2, AS_OF - 200),
            RelationshipRow(3, AS_OF - 200)]
    contact_rows = [
        *[ContactRow(1, AS_OF - 40 + i, "worker", attended=i == 0) for i in range(35)],
        ContactRow(2, AS_OF - 9, "client"),
        ContactRow(2, AS_OF - 4, "worker", attended=False),
        *[ContactRow(3, AS_OF - 60 + i, "worker", attended=False) for i in range(3)],
    ]
    result = evaluate(batch_from_rows(rels, [], contact_rows, as_of_day=AS_OF))
    assert result.days_since_contact.tolist() == [40, 9, 200]
    assert result.attended_contact.tolist() == [True, True, False]
    assert result.contacts_total.tolist() == [35, 2, 3]


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
