"""Check-ins as people use them: a client on a phone, a worker handing over the tablet."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest

from keywork.checkins.models import CheckinResponse
from keywork.signals.models import RelationshipState
from tests.browser.conftest import assert_accessible, screenshot, sign_in
from tests.browser.test_foundation import bworld  # noqa: F401 - the fixture
from tests.world import PASSWORD

pytestmark = pytest.mark.browser


def _answer(page, value: str) -> None:
    """Tap the same number on every 0–10 question, as a thumb on a phone would."""
    for fieldset in page.locator("fieldset.rating").all():
        fieldset.locator("label.rating-option", has_text=re.compile(f"^{value}")).first.click()


def test_client_answers_on_a_phone_through_a_one_time_link(page, phone_page, bworld):  # noqa: F811
    rel = bworld.relationships["own"]
    sign_in(page, "keyworker", PASSWORD)
    page.wait_for_url(re.compile(r"/dashboards/caseload/"))
    page.goto(f"/checkins/relationship/{rel.pk}/link/")
    page.get_by_role("button", name="Make a link").click()
    url = page.locator("#checkin-url").input_value()
    assert_accessible(page, "checkin-link-created")
    path = urlparse(url).path

    phone_page.goto(path)
    assert_accessible(phone_page, "client-checkin-form-phone")
    assert "Anna Own" not in phone_page.content()  # never the full name
    _answer(phone_page, "8")
    phone_page.get_by_label("What helped you most since last time?").fill(
        "You came with me to the housing office.")
    phone_page.get_by_role("button", name="Send my answers").click()
    phone_page.wait_for_url(re.compile(r"/thanks/"))
    phone_page.get_by_text("You came with me to the housing office.").wait_for()
    assert_accessible(phone_page, "client-thanks-history-phone")

    stored = CheckinResponse.objects.get(relationship=rel, rater="client")
    assert stored.overall == pytest.approx(80.0)
    assert RelationshipState.objects.filter(relationship=rel).exists()
    # The link worked once.
    phone_page.goto(path)
    assert "Send my answers" not in phone_page.content()
    screenshot(phone_page, "client-link-used")


def test_handing_over_the_tablet_signs_the_worker_out_and_locks_afterwards(page, bworld):  # noqa: F811
    rel = bworld.relationships["own"]
    sign_in(page, "keyworker", PASSWORD)
    page.wait_for_url(re.compile(r"/dashboards/caseload/"))
    page.goto(f"/checkins/relationship/{rel.pk}/handover/")
    page.get_by_role("button", name="Sign me out and hand over").click()
    page.get_by_role("button", name="Send my answers").wait_for()
    screenshot(page, "tablet-checkin-form")
    _answer(page, "6")
    page.get_by_role("button", name="Send my answers").click()
    page.get_by_text("Thank you. Please hand the tablet back.").wait_for()
    assert_accessible(page, "tablet-locked")
    # Nothing of the worker's is reachable on the tablet now.
    page.goto(f"/clients/{rel.client_id}/")
    page.wait_for_url(re.compile(r"/accounts/login/"))
    assert CheckinResponse.objects.filter(relationship=rel, rater="client",
                                          mode="tablet").count() == 1


def test_supervisor_sees_both_sides_of_the_relationship(page, bworld):  # noqa: F811
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from keywork.signals.services import relationship_evaluate
    from tests.test_signals_evaluation import _checkin, _contacts

    rel = bworld.relationships["own"]
    for days, (client, worker) in zip((40, 26, 12), ((80, 78), (84, 80), (86, 82)),
                                      strict=True):
        _checkin(rel, "client", client, days)
        _checkin(rel, "keyworker", worker, days, estimate=82)
    _contacts(rel, 20)
    relationship_evaluate(relationship_ids=[rel.pk])
    device = TOTPDevice.objects.create(user=bworld.supervisor, name="phone", confirmed=True)
    sign_in(page, "supervisor", PASSWORD)
    page.get_by_label(re.compile("six-digit code", re.I)).fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name=re.compile("continue", re.I)).click()
    page.wait_for_url(re.compile(r"/dashboards/units/"))
    assert_accessible(page, "supervisor-units-with-patterns")
    page.goto(f"/signals/relationships/{rel.pk}/dyad/")
    page.get_by_text("Friendly and trustful").first.wait_for()
    assert page.locator("svg.linechart").count() == 6
    assert_accessible(page, "dyad-view")
