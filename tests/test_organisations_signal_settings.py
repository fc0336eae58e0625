"""The signal settings on the check-in policy page: one field per setting of the engine,
shares in per cent, alerts switched on and off, only differences from the defaults stored,
a reset, and stored settings that no longer pass named at the top of the page."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import pytest
from django import forms
from django.test import Client as HttpClient
from django.urls import reverse

from keywork.audit.models import AuditEvent
from keywork.checkins.models import CheckinPolicy
from keywork.domain import signals as engine
from keywork.domain.errors import DomainError
from keywork.signals import settings as signal_settings
from keywork.signals.forms import (
    ALERT_SETTINGS,
    ORDER_ERRORS,
    PATTERN_GROUPS,
    SIGNAL_SETTINGS,
    CheckinPolicyForm,
)
from keywork.signals.models import SignalSettings
from keywork.signals.settings import config_for
from tests.helpers import login_as

URL = reverse("signals:settings")


@pytest.fixture(autouse=True)
def _fresh_settings_cache():
    """The engine's settings are cached per organisation and stored value: start afresh."""
    signal_settings.clear()
    yield
    signal_settings.clear()


@pytest.fixture
def admin_http(world):
    return login_as(HttpClient(), world.administrator)


def page_data(http: HttpClient) -> dict[str, Any]:
    """What a browser sends when the page is saved as it is shown."""
    form = http.get(URL).context["form"]
    data: dict[str, Any] = {}
    for field in form:
        value = field.value()
        if isinstance(field.field, forms.BooleanField):
            if value:
                data[field.name] = "on"
        elif value is not None:
            data[field.name] = value
    return data


def _stored(world) -> Any:
    row = SignalSettings.objects.filter(organisation=world.org).first()
    return row.overrides if row else {}


def _store(world, overrides: Any) -> None:
    # As a row saved earlier, unchecked (a limit may have been tightened since).
    SignalSettings.objects.update_or_create(organisation=world.org,
                                            defaults={"overrides": overrides})


# --- the form covers the engine (no database) ------------------------------------------------


def test_every_setting_of_the_engine_is_offered_once_and_grouped():
    settings = {f.name for f in dataclasses.fields(engine.SignalConfig)}
    assert set(SIGNAL_SETTINGS) == settings - {"disabled_alerts"}
    grouped = [n for _legend, names in PATTERN_GROUPS for n in names] + [
        n for names in ALERT_SETTINGS.values() for n in names]
    assert sorted(grouped) == sorted(SIGNAL_SETTINGS)
    assert set(ALERT_SETTINGS) == set(engine.ALERT_CODES)
    assert not set(SIGNAL_SETTINGS) & engine.RETIRED_SETTINGS
    assert set(ORDER_ERRORS) == set(engine.ORDERED_SETTINGS)


def _with_partner(name: str, value: Any) -> dict[str, Any]:
    """One setting, with its ordered partner moved out of the way."""
    out = {name: value}
    for low, high in engine.ORDERED_SETTINGS:
        if name == low:
            out[high] = engine.setting_limits(high).high
        elif name == high:
            out[low] = engine.setting_limits(low).low
    return out


@pytest.mark.parametrize("name", sorted(set(SIGNAL_SETTINGS) - {"everyday_kinds"}))
def test_setting_limits_are_the_limits_the_engine_checks(name):
    limits = engine.setting_limits(name)
    step = 1 if limits.kind == "whole" else 0.01
    for inside in (limits.low, limits.high):
        value = int(inside) if limits.kind == "whole" else float(inside)
        assert engine.SignalConfig.from_stored(_with_partner(name, value))[1] == {}, value
    for outside in (limits.low - step, limits.high + step):
        value = int(outside) if limits.kind == "whole" else float(outside)
        assert name in engine.SignalConfig.from_stored(_with_partner(name, value))[1], value
    if limits.optional:
        assert engine.SignalConfig.from_stored({name: None})[1] == {}


@pytest.mark.parametrize("name", ["everyday_kinds", "disabled_alerts", "client_reliability",
                                  "no_such_setting"])
def test_setting_limits_refuse_what_is_not_a_number(name):
    with pytest.raises(DomainError):
        engine.setting_limits(name)


def test_the_form_turns_per_cent_into_shares_and_keeps_only_differences():
    form = CheckinPolicyForm(initial={"keyworker_visibility": "pattern", "link_hours": 72})
    data = {f.name: f.value() for f in form if f.value() is not None}
    data.update({"dna_rate_at_least": "33.3", "use_no_checkin": False})
    data = {k: v for k, v in data.items() if v is not False}
    bound = CheckinPolicyForm(data)
    assert bound.is_valid(), bound.errors
    assert bound.signal_overrides() == {"dna_rate_at_least": 0.333,
                                        "disabled_alerts": ["no_checkin"]}


# --- the page --------------------------------------------------------------------------------


def test_the_page_offers_every_setting_in_words_with_its_default(admin_http):
    resp = admin_http.get(URL)
    assert resp.status_code == 200
    html = resp.content.decode()
    form = resp.context["form"]
    for name in SIGNAL_SETTINGS:
        assert name in form.fields, name
    text = re.sub(r"<[^>]*>", " ", html)  # what the reader reads
    assert "JSON" not in text
    for name in SIGNAL_SETTINGS:
        assert name not in text, name
    for title in ("When a pattern is named", "Alerts", "No contact for a while",
                  "Client&#x27;s ratings stuck at the top", "Use this alert",
                  "Phone call", "Planned session"):
        assert title in html, title
    assert html.count('type="checkbox" name="use_') == len(engine.ALERT_CODES)
    # Shares are shown in per cent, with their default and unit.
    assert form["dna_rate_at_least"].value() == 30
    assert "Per cent, 0–100. Default: 30." in html
    assert "Points on the 0–100 scale. Default: 50." in html
    assert "Default: Everyday contact on the unit, Phone call, Message." in html
    # Help texts are tied to their inputs.
    assert 'aria-describedby="id_low_below_helptext"' in html
    assert 'id="id_low_below_helptext"' in html
    assert "Every signal setting is at its default." in html


def test_saving_the_page_as_shown_stores_no_signal_setting(world, admin_http):
    resp = admin_http.post(URL, page_data(admin_http))
    assert resp.status_code == 302
    assert _stored(world) == {}


def test_administrator_changes_a_threshold_a_share_an_alert_and_the_everyday_kinds(
        world, admin_http):
    data = page_data(admin_http)
    data.update({"low_below": "45", "dna_rate_at_least": "25",
                 "everyday_kinds": ["everyday", "phone", "message", "group"]})
    del data["use_client_ceiling"]  # unchecked
    resp = admin_http.post(URL, data)
    assert resp.status_code == 302
    assert _stored(world) == {"low_below": 45.0, "dna_rate_at_least": 0.25,
                              "everyday_kinds": ["everyday", "phone", "message", "group"],
                              "disabled_alerts": ["client_ceiling"]}
    config = config_for(world.org.pk)
    assert (config.low_below, config.dna_rate_at_least) == (45.0, 0.25)
    assert config.everyday_kinds == (engine.KIND_EVERYDAY, engine.KIND_PHONE,
                                     engine.KIND_MESSAGE, engine.KIND_GROUP)
    assert config.disabled_alerts == {"client_ceiling"}
    # The page shows the values now in force, the share in per cent.
    form = admin_http.get(URL).context["form"]
    assert form["dna_rate_at_least"].value() == 25
    assert form["low_below"].value() == 45
    assert form["use_client_ceiling"].value() is False
    assert form["use_client_low"].value() is True
    event = AuditEvent.objects.order_by("-id").first()
    assert "signal_overrides" in event.detail
    assert "dna_rate_at_least" in event.detail


def test_only_differences_from_the_defaults_are_stored(world, admin_http):
    _store(world, {"no_contact_days": 10, "low_below": 45.0})
    data = page_data(admin_http)
    assert data["low_below"] == 45
    assert data["no_contact_days"] == 10
    data.update({"low_below": "50", "client_drop_points": ""})  # back to the default
    assert admin_http.post(URL, data).status_code == 302
    assert _stored(world) == {"no_contact_days": 10}


def test_an_optional_setting_is_stored_when_given(world, admin_http):
    data = page_data(admin_http)
    assert data.get("client_drop_points") in (None, "")
    data["client_drop_points"] = "12.5"
    assert admin_http.post(URL, data).status_code == 302
    assert _stored(world) == {"client_drop_points": 12.5}
    assert config_for(world.org.pk).client_drop_points == 12.5


def test_reset_puts_every_signal_setting_back_and_is_audited(world, admin_http):
    data = page_data(admin_http)
    data.update({"keyworker_visibility": "nothing", "link_hours": "48",
                 "no_contact_days": "10"})
    del data["use_no_checkin"]
    assert admin_http.post(URL, data).status_code == 302
    assert _stored(world) == {"no_contact_days": 10, "disabled_alerts": ["no_checkin"]}
    assert "Reset to the defaults" in admin_http.get(URL).content.decode()

    resp = admin_http.post(URL, {"action": "reset"})
    assert resp.status_code == 302
    policy = CheckinPolicy.objects.get(organisation=world.org)
    assert _stored(world) == {}
    assert (policy.keyworker_visibility, policy.link_hours) == ("nothing", 48)
    event = AuditEvent.objects.order_by("-id").first()
    assert event.action == "update"
    assert "reset to the defaults" in event.detail
    assert config_for(world.org.pk) == engine.SignalConfig()


@pytest.mark.parametrize(("name", "value", "message"), [
    ("recent_checkins", "1", "Give a whole number from 2 to 20."),
    ("no_contact_days", "0", "Give a whole number from 1 to 3650."),
    ("no_contact_days", "2.5", "Give a whole number from 1 to 3650."),
    ("dna_rate_at_least", "101", "Give a number from 0 to 100."),
    ("low_below", "-1", "Give a number from 0 to 100."),
    ("client_drop_points", "nan", "Give a number from 0 to 100."),
    ("warm_at_least", "", "This field is required."),
    ("everyday_kinds", ["everyday", "telepathy"], "Select a valid choice."),
])
def test_a_value_out_of_range_is_a_field_error_and_nothing_is_stored(
        world, admin_http, name, value, message):
    data = page_data(admin_http)
    data["low_below"] = "45"  # a valid change, not stored either
    data[name] = value
    resp = admin_http.post(URL, data)
    assert resp.status_code == 200
    errors = resp.context["form"].errors
    assert list(errors) == [name]
    assert any(message in e for e in errors[name]), errors
    html = resp.content.decode()
    assert f'id="id_{name}_error"' in html
    assert "Some values need a change:" in html  # a summary at the top links the field
    assert f'<a href="#id_{name}' in html
    assert _stored(world) == {}


@pytest.mark.parametrize(("low", "high", "values", "on_low", "on_high"), [
    ("small_gap_at_most", "large_gap_at_least", ("25", "20"),
     "A small gap cannot be larger than the large gap (20).",
     "The large gap cannot be smaller than the small gap (25)."),
    ("low_below", "warm_at_least", ("65", "60"),
     "A low rating cannot be above the warm rating (60).",
     "The warm rating cannot be below the low rating (65)."),
])
def test_crossed_pairs_are_errors_on_both_fields(world, admin_http, low, high, values,
                                                 on_low, on_high):
    data = page_data(admin_http)
    data.update({low: values[0], high: values[1], "no_contact_days": "9"})
    resp = admin_http.post(URL, data)
    assert resp.status_code == 200
    errors = resp.context["form"].errors
    assert errors[low] == [on_low]
    assert errors[high] == [on_high]
    assert set(errors) == {low, high}
    assert _stored(world) == {}
    # Equal values are allowed.
    data.update({low: values[1], high: values[1]})
    assert admin_http.post(URL, data).status_code == 302
    assert _stored(world)[low] == float(values[1])


def test_an_engine_refusal_that_slips_through_is_a_form_error(world, admin_http,
                                                            monkeypatch):
    monkeypatch.setattr(CheckinPolicyForm, "signal_overrides",
                        lambda self: {"recent_checkins": 1})
    resp = admin_http.post(URL, page_data(admin_http))
    assert resp.status_code == 200
    errors = resp.context["form"].errors
    assert "Keywork cannot use this value" in errors["recent_checkins"][0]
    assert _stored(world) == {}


def test_stored_settings_that_no_longer_pass_are_named_and_fall_back(world, admin_http):
    _store(world, {"low_below": 500, "no_contact_days": 10, "warm_at_leat": 80,
                   "client_reliability": 0.9, "disabled_alerts": ["no_contact", "gone"]})
    resp = admin_http.get(URL)
    html = resp.content.decode()
    problems = resp.context["stored_problems"]
    assert len(problems) == 3, problems
    assert "Some saved signal settings cannot be used" in html
    low = next(p for p in problems if "Low rating: an average below" in p)
    assert low.startswith("Ratings, ")
    assert "the default (50) applies until you save this page" in low
    assert any("“warm_at_leat” is no longer a setting" in p for p in problems)
    assert any(p.startswith("Alerts switched off") for p in problems)
    assert not any("client_reliability" in p for p in problems)  # retired: ignored
    form = resp.context["form"]
    assert form["low_below"].value() == 50  # the default is in force
    assert form["no_contact_days"].value() == 10  # the valid key still counts
    assert form["use_no_contact"].value() is False

    assert admin_http.post(URL, page_data(admin_http)).status_code == 302
    assert _stored(world) == {"no_contact_days": 10, "disabled_alerts": ["no_contact"]}
    assert admin_http.get(URL).context["stored_problems"] == []


def test_stored_settings_that_are_not_a_mapping_are_named(world, admin_http):
    _store(world, ["low_below", 45])
    problems = admin_http.get(URL).context["stored_problems"]
    assert problems == ["The saved signal settings cannot be read, so every default "
                        "applies until you save this page."]


@pytest.mark.parametrize("who", ["keyworker", "supervisor", "manager"])
def test_other_roles_cannot_open_or_change_the_signal_settings(world, who):
    _store(world, {"no_contact_days": 10})
    admin = login_as(HttpClient(), world.administrator)
    data = page_data(admin)
    data["low_below"] = "40"
    http = login_as(HttpClient(), getattr(world, who))
    assert http.get(URL).status_code == 403
    assert http.post(URL, data).status_code == 403
    assert http.post(URL, {"action": "reset"}).status_code == 403
    assert _stored(world) == {"no_contact_days": 10}
