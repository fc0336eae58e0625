"""The relationship pattern, the facts behind it, and per-organisation settings."""

from __future__ import annotations

import pytest

from keywork.domain import DomainError
from keywork.domain.signals import (
    AMBIVALENT_CONFLICTED,
    FRIENDLY_TRUSTFUL,
    NOT_ENOUGH_DATA,
    POLITE_NEUTRAL,
    CheckinRow,
    ContactRow,
    Reason,
    SignalConfig,
    explain,
    pattern_code,
)
from tests.domain.builders import AS_OF, REL, checkins, contacts, one

WARM_C, WARM_W = [82, 84, 80], [78, 80, 80]
FORMAL = "w" * 20  # every contact a planned session started by the worker


def reasons(result) -> set[str]:
    return {(r.name or "").lower() for r in Reason if int(result.reasons[0]) & r}


@pytest.mark.parametrize(("case", "kwargs", "pattern", "decided_by"), [
    ("warm, close, steady, reciprocal",
     {"client": WARM_C, "worker": WARM_W}, FRIENDLY_TRUSTFUL,
     {"both_warm", "gap_small", "stable", "reciprocal_contact"}),
    ("warm but the contact record is formal",
     {"client": WARM_C, "worker": WARM_W, "contact_rows": contacts(FORMAL)}, POLITE_NEUTRAL,
     {"formal_contact", "stable"}),
    ("middling and formal",
     {"client": [60, 62, 60], "worker": [60, 58, 60], "contact_rows": contacts(FORMAL)},
     POLITE_NEUTRAL, {"client_not_warm", "worker_not_warm", "formal_contact", "stable"}),
    ("warm with a moderate gap",
     {"client": [90, 90, 90], "worker": [76, 76, 76]}, POLITE_NEUTRAL,
     {"gap_moderate", "stable"}),
    ("the client rates low",
     {"client": [40, 42, 44], "worker": [55, 55, 55]}, AMBIVALENT_CONFLICTED,
     {"client_low"}),
    ("the worker rates low",
     {"client": [60, 60, 60], "worker": [44, 44, 44]}, AMBIVALENT_CONFLICTED,
     {"worker_low"}),
    ("the worker sees it far better than the client",
     {"client": [60, 60, 60], "worker": [84, 84, 84]}, AMBIVALENT_CONFLICTED,
     {"gap_large"}),
    ("the client swings",
     {"client": [90, 50, 90], "worker": [75, 75, 75]}, AMBIVALENT_CONFLICTED,
     {"client_unstable"}),
    ("many missed appointments",
     {"client": WARM_C, "worker": WARM_W, "contact_rows": contacts("wc" * 5, missed=4)},
     AMBIVALENT_CONFLICTED, {"dna_high"}),
    ("the client chases an absent worker",
     {"client": WARM_C, "worker": WARM_W, "contact_rows": contacts("w" + "c" * 9)},
     AMBIVALENT_CONFLICTED, {"client_chasing"}),
    ("one client check-in only",
     {"client": [80], "worker": WARM_W}, NOT_ENOUGH_DATA, {"too_few_client_checkins"}),
    ("no check-ins at all",
     {}, NOT_ENOUGH_DATA, {"too_few_client_checkins", "too_few_worker_checkins"}),
    ("warm, with too few contacts to judge the record",
     {"client": WARM_C, "worker": WARM_W, "contact_rows": contacts("ww")},
     FRIENDLY_TRUSTFUL, {"both_warm", "gap_small", "stable", "contact_too_thin"}),
])
def test_pattern_and_the_facts_that_decided_it(case, kwargs, pattern, decided_by):
    result = one(**kwargs)
    assert int(result.pattern[0]) == pattern, case
    assert reasons(result) == decided_by, case


@pytest.mark.parametrize(("client", "worker", "pattern"), [
    ([70, 70, 70], [70, 70, 70], FRIENDLY_TRUSTFUL),  # 70 is warm (at least 70)
    ([68, 68, 68], [70, 70, 70], POLITE_NEUTRAL),
    ([80, 80, 80], [70, 70, 70], FRIENDLY_TRUSTFUL),  # a gap of 10 is still small
    ([82, 82, 82], [70, 70, 70], POLITE_NEUTRAL),
    ([70, 70, 70], [90, 90, 90], AMBIVALENT_CONFLICTED),  # a gap of 20 is large
    ([72, 72, 72], [90, 90, 90], POLITE_NEUTRAL),
    ([50, 50, 50], [55, 55, 55], POLITE_NEUTRAL),  # 50 is not low (below 50)
    ([48, 48, 48], [55, 55, 55], AMBIVALENT_CONFLICTED),
])
def test_pattern_thresholds_at_their_boundaries(client, worker, pattern):
    assert int(one(client=client, worker=worker).pattern[0]) == pattern


def test_only_the_last_three_check_ins_of_each_side_count():
    recovered = one(client=[30, 30, 30, 80, 82, 80], worker=[40, 40, 80, 80, 78, 80])
    assert int(recovered.pattern[0]) == FRIENDLY_TRUSTFUL
    assert float(recovered.client_mean[0]) == pytest.approx(80.67, abs=0.01)


def test_rows_after_the_as_of_day_are_ignored():
    late_checkin = CheckinRow(REL, AS_OF + 3, "client", 20)
    late_contact = ContactRow(REL, AS_OF + 1, "client")
    result = one(client=WARM_C, worker=WARM_W, rows=[late_checkin],
                 contact_rows=[*contacts("wc" * 5, kind=None), late_contact])
    assert int(result.pattern[0]) == FRIENDLY_TRUSTFUL
    assert int(result.client_checkins[0]) == 3
    assert int(result.contacts_total[0]) == 10


def test_without_contact_kinds_reciprocity_rests_on_who_starts_contact():
    assert int(one(client=WARM_C, worker=WARM_W,
                   contact_rows=contacts("wc" * 10, kind=None)).pattern[0]) == FRIENDLY_TRUSTFUL
    result = one(client=WARM_C, worker=WARM_W, contact_rows=contacts("wc" * 10))
    assert int(result.pattern[0]) == POLITE_NEUTRAL  # all planned sessions
    assert float(result.everyday_share[0]) == 0.0


def test_explanation_gives_the_numbers_behind_the_pattern():
    result = one(client=[40, 42, 44], worker=[84, 84, 84], coerced=True)
    assert pattern_code(result, 0) == "ambivalent_conflicted"
    facts = explain(result, 0)
    decisive = {f.code: f.params for f in facts if f.decisive}
    assert decisive == {
        "client_low": {"mean": 42.0, "below": 50.0, "window": 3},
        "gap_large": {"gap": 42.0, "at_least": 20.0},
    }
    context = {f.code for f in facts if not f.decisive}
    assert "coerced" in context


def test_explanation_adds_the_workers_estimate_and_the_lowest_dimension():
    rows = [CheckinRow(REL, AS_OF - 8, "client", 70, dims=(70, 70, 70, 70, 70)),
            CheckinRow(REL, AS_OF - 1, "client", 64, dims=(80, 40, 60, 70, 70)),
            *checkins("keyworker", [80, 82], estimate=90)]
    facts = {f.code: f for f in explain(one(rows=rows), 0)}
    assert facts["estimate_vs_client"].params == {
        "estimate": 90.0, "client_latest": 64.0, "difference": 26.0}
    assert facts["client_lowest_dimension"].params == {"dimension": "presence",
                                                       "score": 40.0}
    assert not facts["estimate_vs_client"].decisive


def test_explanation_uses_the_organisations_thresholds():
    config = SignalConfig.from_dict({"low_below": 60})
    result = one(client=[55, 55, 55], worker=[58, 58, 58], config=config)
    assert int(result.pattern[0]) == AMBIVALENT_CONFLICTED
    facts = explain(result, 0, config)
    assert facts[0].code == "client_low"
    assert facts[0].params["below"] == 60


def test_organisation_settings_override_the_defaults():
    config = SignalConfig.from_dict({
        "warm_at_least": 85, "no_contact_days": 21, "everyday_kinds": ["everyday", 2],
        "disabled_alerts": ["client_ceiling"]})
    assert config.warm_at_least == 85
    assert config.everyday_kinds == (1, 2)
    assert config.disabled_alerts == frozenset({"client_ceiling"})
    assert int(one(client=WARM_C, worker=WARM_W, config=config).pattern[0]) == POLITE_NEUTRAL
    assert SignalConfig.from_dict(config.to_dict()) == config


def test_the_retired_reliability_settings_are_ignored_where_stored():
    """Each check-in's form brings its own reliability now; an organisation's old keys
    neither fail nor change anything."""
    stored = {"client_reliability": 0.9, "client_norm_sd": 12, "warm_at_least": 75}
    assert SignalConfig.from_dict(stored) == SignalConfig(warm_at_least=75)
    assert SignalConfig.from_stored(stored) == (SignalConfig(warm_at_least=75), {})


@pytest.mark.parametrize(("overrides", "message"), [
    ({"warm_at_leat": 80}, "unknown setting"),
    ({"recent_checkins": 2.5}, "whole number"),
    ({"recent_checkins": 1}, "from 2 to 20"),
    ({"no_contact_days": True}, "whole number"),
    ({"dna_rate_at_least": 30}, "share between 0 and 1"),
    ({"warm_at_least": "high"}, "must be a number"),
    ({"warm_at_least": 120}, "between 0 and 100"),
    ({"client_drop_points": -5}, "between 0 and 100"),
    ({"disabled_alerts": "client_low"}, "list of alert codes"),
    ({"small_gap_at_most": 30}, "cannot exceed large_gap_at_least"),
    ({"low_below": 80}, "cannot exceed warm_at_least"),
    ({"everyday_kinds": ["chat"]}, "contact kind 'chat'"),
    ({"everyday_kinds": "everyday"}, "list of contact kinds"),
    ({"disabled_alerts": ["no_such_alert"]}, "alert codes"),
])
def test_invalid_organisation_settings_are_refused(overrides, message):
    with pytest.raises(DomainError, match=message):
        SignalConfig.from_dict(overrides)
