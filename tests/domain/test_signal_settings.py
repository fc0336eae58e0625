"""Stored signal settings that no longer pass: each invalid key keeps its default."""

from __future__ import annotations

import pytest

from keywork.domain.errors import DomainError
from keywork.domain.signals import SignalConfig

DEFAULTS = SignalConfig()


def test_an_invalid_key_falls_back_to_its_default_and_the_rest_stay():
    config, problems = SignalConfig.from_stored(
        {"warm_at_least": 120, "no_contact_days": 10, "recent_checkins": 2.5})
    assert config.warm_at_least == DEFAULTS.warm_at_least
    assert config.recent_checkins == DEFAULTS.recent_checkins
    assert config.no_contact_days == 10
    assert set(problems) == {"warm_at_least", "recent_checkins"}
    assert "between 0 and 100" in problems["warm_at_least"]
    assert "whole number" in problems["recent_checkins"]


def test_an_unknown_key_is_named_and_ignored():
    config, problems = SignalConfig.from_stored({"warm_at_leat": 80, "low_below": 45})
    assert config == SignalConfig(low_below=45)
    assert list(problems) == ["warm_at_leat"]
    assert "unknown setting" in problems["warm_at_leat"]


def test_an_unknown_alert_code_is_dropped_and_the_known_ones_stay_disabled():
    config, problems = SignalConfig.from_stored(
        {"disabled_alerts": ["client_ceiling", "no_such_alert"]})
    assert config.disabled_alerts == frozenset({"client_ceiling"})
    assert "no_such_alert" in problems["disabled_alerts"]


@pytest.mark.parametrize("value", ["everyday", ["chat"], [1, "chat"]])
def test_bad_contact_kinds_fall_back_to_the_default_kinds(value):
    config, problems = SignalConfig.from_stored({"everyday_kinds": value})
    assert config.everyday_kinds == DEFAULTS.everyday_kinds
    assert list(problems) == ["everyday_kinds"]


def test_both_keys_of_an_inconsistent_pair_fall_back_together():
    config, problems = SignalConfig.from_stored(
        {"small_gap_at_most": 30, "large_gap_at_least": 25, "warm_at_least": 80})
    assert (config.small_gap_at_most, config.large_gap_at_least) == (
        DEFAULTS.small_gap_at_most, DEFAULTS.large_gap_at_least)
    assert config.warm_at_least == 80
    assert set(problems) == {"small_gap_at_most", "large_gap_at_least"}


def test_one_key_against_a_default_falls_back_alone():
    config, problems = SignalConfig.from_stored({"low_below": 75})
    assert config == DEFAULTS
    assert list(problems) == ["low_below"]
    assert "cannot exceed warm_at_least" in problems["low_below"]


@pytest.mark.parametrize("stored", [["warm_at_least", 80], "warm_at_least=80", 7])
def test_overrides_that_are_not_a_mapping_give_the_defaults(stored):
    config, problems = SignalConfig.from_stored(stored)
    assert config == DEFAULTS
    assert list(problems) == [""]


@pytest.mark.parametrize("stored", [None, {}])
def test_no_overrides_are_no_problem(stored):
    assert SignalConfig.from_stored(stored) == (DEFAULTS, {})


def test_saving_still_refuses_every_problem_at_once():
    with pytest.raises(DomainError) as refused:
        SignalConfig.from_dict({"warm_at_least": 120, "warm_at_leat": 80})
    assert "between 0 and 100" in str(refused.value)
    assert "unknown setting" in str(refused.value)


def test_valid_stored_settings_give_what_saving_gives():
    stored = {"warm_at_least": 85, "everyday_kinds": ["everyday", 2],
              "disabled_alerts": ["client_ceiling"], "client_drop_points": 18}
    assert SignalConfig.from_stored(stored) == (SignalConfig.from_dict(stored), {})
