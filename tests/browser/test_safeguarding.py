"""A safeguarding concern cannot be closed without a decision, in real Chromium."""

from __future__ import annotations

import re

import pytest

from keywork.safeguarding.models import Concern, ConcernStatus
from tests.browser.conftest import assert_accessible, sign_in
from tests.browser.test_foundation import bworld  # noqa: F401 - the fixture
from tests.world import PASSWORD

pytestmark = pytest.mark.browser


def test_a_concern_cannot_be_closed_until_the_decision_is_recorded(page, bworld):  # noqa: F811
    client = bworld.clients["own"]
    sign_in(page, "keyworker", PASSWORD)
    page.wait_for_url(re.compile(r"/dashboards/caseload/"))
    page.goto(f"/clients/{client.pk}/")
    page.get_by_role("link", name=re.compile("Open safeguarding")).click()
    page.wait_for_url(re.compile(r"/safeguarding/clients/\d+/"))
    assert_accessible(page, "safeguarding-client")

    page.get_by_role("link", name="Record a concern").click()
    page.get_by_text("A child's welfare or safety").click()
    page.get_by_text("High", exact=True).click()
    page.get_by_label("What happened or what was said").fill(
        "Her son (8) said he is often alone at home at night.")
    assert_accessible(page, "safeguarding-concern-new")
    page.get_by_role("button", name="Record the concern").click()
    page.wait_for_url(re.compile(r"/safeguarding/concerns/\d+/$"))
    concern = Concern.objects.get(client=client)

    # Try to close it first: refused, with the reason, and nothing lost.
    page.get_by_role("link", name="Close the concern").click()
    page.get_by_label("Note").fill("He is fine now.")
    page.get_by_role("button", name="Close the concern").click()
    page.get_by_text("A concern cannot be closed without a decision.").wait_for()
    assert page.get_by_label("Note").input_value() == "He is fine now."
    assert_accessible(page, "safeguarding-close-refused")
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.OPEN

    # Record the decision.
    page.get_by_role("link", name="Record the decision").click()
    page.locator("input[name=notify_authority][value=yes]").check()
    page.get_by_label("Which authority").fill("Social services, North municipality")
    page.get_by_label("Notified on").fill("2020-01-01")
    page.locator("#id_decision_reason").fill("A young child left alone at night.")
    page.locator("input[name=client_told][value=yes]").check()
    page.get_by_label("The client was told on").fill("2020-01-01")
    assert_accessible(page, "safeguarding-decision")
    page.get_by_role("button", name="Save the decision").click()
    page.get_by_text("The decision is recorded.").wait_for()

    # Now it closes.
    page.get_by_role("link", name="Close the concern").click()
    page.get_by_label("Note").fill("Social services have taken it on.")
    page.get_by_role("button", name="Close the concern").click()
    page.get_by_text("The concern is closed.").wait_for()
    assert_accessible(page, "safeguarding-concern-closed")
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.CLOSED
    assert concern.notify_authority is True
    assert concern.decided_by == bworld.keyworker
