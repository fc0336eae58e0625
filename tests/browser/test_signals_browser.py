"""The signal engine as people meet it: a keyworker whose client shares only the pattern,
the keyworker's monthly form, and an administrator setting the thresholds in plain words."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from keywork.checkins.models import CheckinPolicy, CheckinResponse
from keywork.signals.models import SignalSettings
from keywork.signals.services import relationship_evaluate
from tests.browser.conftest import assert_accessible, sign_in
from tests.browser.test_foundation import bworld  # noqa: F401 - the fixture
from tests.test_signals_evaluation import _checkin, _contacts
from tests.world import PASSWORD

pytestmark = pytest.mark.browser


def test_keyworker_reads_the_pattern_without_the_clients_numbers_and_gives_the_monthly_form(
        page, bworld):  # noqa: F811
    call_command("load_instruments", stdout=io.StringIO())  # a flushed database has none
    rel = bworld.relationships["own"]
    CheckinPolicy.objects.create(organisation=bworld.org, keyworker_visibility="pattern")
    for days, (client, worker) in zip((40, 26, 12), ((31, 62), (33, 60), (29, 64)),
                                      strict=True):
        _checkin(rel, "client", client, days)
        _checkin(rel, "keyworker", worker, days, estimate=70)
    _contacts(rel, 20)
    relationship_evaluate(relationship_ids=[rel.pk])

    sign_in(page, "keyworker", PASSWORD)
    page.wait_for_url(re.compile(r"/dashboards/caseload/"))
    page.goto(f"/signals/relationships/{rel.pk}/dyad/")
    page.get_by_text("Ambivalent and conflicted").first.wait_for()
    page.get_by_text("The client's recent ratings are low.").first.wait_for()
    main = page.locator("main").inner_text()
    for number in ("31", "33", "29"):
        assert number not in main, number
    assert_accessible(page, "dyad-view-pattern-only")

    page.goto(f"/checkins/relationship/{rel.pk}/mine/")
    page.get_by_label(re.compile("The relationship this month")).check()
    page.get_by_role("button", name="Show this form").click()
    page.wait_for_url(re.compile(r"instrument=checkin-keyworker-monthly"))
    assert_accessible(page, "keyworker-monthly-form")
    for fieldset in page.locator("fieldset.rating").all():
        fieldset.locator("label.rating-option", has_text=re.compile("^6")).first.click()
    page.get_by_role("button", name="Save my check-in").click()
    page.get_by_text("Your check-in is saved.").wait_for()
    saved = CheckinResponse.objects.get(relationship=rel, rater="keyworker",
                                        instrument_version__instrument__code__endswith="monthly")
    assert saved.overall is not None  # scored by the monthly form (some items reversed)


def test_administrator_sets_thresholds_in_plain_words(page, bworld):  # noqa: F811
    device = TOTPDevice.objects.create(user=bworld.administrator, name="phone", confirmed=True)
    sign_in(page, "administrator", PASSWORD)
    page.get_by_label(re.compile("six-digit code", re.I)).fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name=re.compile("continue", re.I)).click()
    page.goto("/organisation/settings/check-ins/")
    assert "{" not in page.locator("main").inner_text()  # no JSON to write
    page.get_by_label("Days without contact", exact=True).fill("10")
    page.get_by_label("Missed contacts: at least").fill("40")
    ceiling = page.locator("fieldset", has_text="stuck at the top")
    ceiling.get_by_label("Use this alert").uncheck()
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("The check-in policy is saved.").wait_for()
    assert_accessible(page, "administrator-signal-settings")
    stored = SignalSettings.objects.get(organisation=bworld.org).overrides
    assert stored == {"no_contact_days": 10, "dna_rate_at_least": 0.4,
                      "disabled_alerts": ["client_ceiling"]}

    page.get_by_label("Low rating: an average below").fill("80")
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("A low rating cannot be above the warm rating").first.wait_for()
    assert SignalSettings.objects.get(organisation=bworld.org).overrides == stored
