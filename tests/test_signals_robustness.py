"""Stored signal settings that became invalid never stop an evaluation: each invalid key
falls back to its default, the problem is logged once, and the bulk command names it."""

from __future__ import annotations

import io
import logging
import uuid

import pytest
from django.core.management import call_command

from keywork.checkins import services as checkin_services
from keywork.checkins.models import CheckinPolicy
from keywork.core.errors import ApplicationError
from keywork.signals import services
from keywork.signals import settings as signal_settings
from keywork.signals.models import RelationshipState, SignalSettings

ANSWERS = {"match": 8, "presence": 6, "personal_professional": 9, "cooperation": 7,
           "flexible_support": 7, "role_clarity": 9, "confirmed_power": 5}
BROKEN = {"warm_at_least": 120, "no_contact_days": 3, "warm_at_leat": 80}


@pytest.fixture(autouse=True)
def _nothing_reported_yet():
    """Problems are logged once per process; each test starts afresh."""
    signal_settings.clear()
    yield
    signal_settings.clear()


def _store(org, overrides) -> None:
    # Saved before a key was renamed or a limit tightened: as a stored row, unchecked.
    SignalSettings.objects.update_or_create(organisation=org, defaults={"overrides": overrides})


def _warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records
            if r.name == "keywork.signals.settings" and r.levelno == logging.WARNING]


def test_an_invalid_stored_key_falls_back_to_its_default_and_is_logged_once(world, caplog):
    _store(world.org, BROKEN)
    caplog.set_level(logging.WARNING)
    config = signal_settings.config_for(world.org.pk)
    assert config.warm_at_least == 70.0  # the default
    assert config.no_contact_days == 3  # the valid key stays
    rel = world.relationships["own"]
    for _ in range(3):
        summary = services.relationship_evaluate(relationship_ids=[rel.pk])
        assert summary.relationships == 1
    assert RelationshipState.objects.filter(relationship=rel).exists()
    logged = _warnings(caplog)
    assert len(logged) == 2, logged  # one per invalid key, however often it is read
    assert any(f"Organisation {world.org.pk}" in m and "'warm_at_least'" in m for m in logged)
    assert any("'warm_at_leat'" in m for m in logged)
    assert signal_settings.settings_problems(world.org.pk).keys() == {"warm_at_least",
                                                               "warm_at_leat"}


def test_a_check_in_still_updates_the_pattern_with_invalid_stored_settings(world, caplog):
    _store(world.org, BROKEN)
    link, _token = checkin_services.checkin_link_create(
        membership=world.memberships["keyworker"], relationship=world.relationships["own"])
    _response, created = checkin_services.client_checkin_submit(
        link=link, answers=ANSWERS, idempotency_key=uuid.uuid4())
    assert created
    assert RelationshipState.objects.filter(relationship=link.relationship).exists()
    assert "after a check-in failed" not in caplog.text
    assert "Traceback" not in caplog.text


def test_the_bulk_command_names_the_organisation_and_key_and_finishes(world, caplog):
    _store(world.org, BROKEN)
    out, err = io.StringIO(), io.StringIO()
    call_command("evaluate_signals", "--no-progress", stdout=out, stderr=err)
    shown = out.getvalue()
    assert "Evaluated 4 relationships" in shown
    assert f"{world.org.name}: the signal setting 'warm_at_least' is not valid" in shown
    assert "'warm_at_leat'" in shown
    assert world.other_org.name not in shown
    assert "Traceback" not in shown + err.getvalue()
    assert RelationshipState.objects.filter(organisation=world.org).count() == 3


def test_overrides_that_are_not_a_mapping_give_the_defaults(world):
    _store(world.org, ["warm_at_least", 80])
    summary = services.signals_evaluate_all(organisation_id=world.org.pk)
    assert summary.relationships == 3
    assert list(summary.settings_problems[world.org.pk]) == [""]
    out = io.StringIO()
    call_command("evaluate_signals", "--no-progress", stdout=out)
    assert "the signal setting 'signal_overrides' is not valid" in out.getvalue()


def test_the_retired_reliability_keys_are_quietly_ignored(world, caplog):
    _store(world.org, {"client_reliability": 0.9, "client_norm_sd": 12})
    caplog.set_level(logging.WARNING)
    summary = services.signals_evaluate_all(organisation_id=world.org.pk)
    assert summary.settings_problems == {}
    assert _warnings(caplog) == []


def test_saving_invalid_settings_is_still_refused(world):
    from keywork.signals.settings import settings_save

    admin = world.memberships["administrator"]
    with pytest.raises(ApplicationError) as refused:
        settings_save(actor=admin, keyworker_visibility="pattern", link_hours=72,
                      signal_overrides=BROKEN)
    assert refused.value.field in BROKEN
    assert not CheckinPolicy.objects.filter(organisation=world.org).exists()
    settings_save(actor=admin, keyworker_visibility="pattern", link_hours=72,
                  signal_overrides={"client_reliability": 0.9})  # retired: ignored
