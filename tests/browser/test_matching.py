"""A client asks for another keyworker on their phone; the supervisor approves the change."""

from __future__ import annotations

import re

import pytest

from keywork.checkins.services import checkin_link_create
from keywork.matching.models import ChangeRequest
from keywork.relationships.models import Relationship, StartReason, Status
from tests.browser.conftest import assert_accessible, sign_in
from tests.browser.test_foundation import bworld  # noqa: F401 - the fixture
from tests.world import PASSWORD

pytestmark = pytest.mark.browser

REASON = "We do not get on, and I find it hard to say so."


def test_client_asks_for_a_change_on_the_phone_and_the_supervisor_approves(
        page, phone_page, bworld):  # noqa: F811
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    rel = bworld.relationships["own"]
    _link, token = checkin_link_create(membership=bworld.memberships["keyworker"],
                                       relationship=rel)

    # The client, on their phone: their own page, then asking for another keyworker.
    phone_page.goto(f"/c/{token}/me/")
    phone_page.get_by_role("link", name=re.compile("Another keyworker")).click()
    phone_page.wait_for_url(re.compile(r"/keyworker/change/"))
    assert_accessible(phone_page, "client-asks-for-another-keyworker-phone")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375
    phone_page.get_by_label(re.compile("Why\\?")).fill(REASON)
    phone_page.get_by_role("button", name="Ask for another keyworker").click()
    phone_page.get_by_text("Your request is with the supervisor").wait_for()
    assert_accessible(phone_page, "client-request-sent-phone")
    change = ChangeRequest.objects.get()
    assert change.reason_private

    # The supervisor: the allocation page, the request, the decision.
    device = TOTPDevice.objects.create(user=bworld.supervisor, name="phone", confirmed=True)
    sign_in(page, "supervisor", PASSWORD)
    page.get_by_label(re.compile("six-digit code", re.I)).fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name=re.compile("continue", re.I)).click()
    page.wait_for_url(re.compile(r"/dashboards/units/"))
    page.get_by_role("link", name="Allocation").click()
    page.get_by_role("link", name="Anna Own").click()
    page.get_by_text(REASON).wait_for()
    assert_accessible(page, "supervisor-change-request")
    page.get_by_label("Change the keyworker").check()
    page.get_by_label("New keyworker").select_option(label="Colleague Test")
    page.get_by_label("Joint meeting on").fill("2030-01-15")
    page.get_by_label("Who takes part in the joint meeting").fill("Anna, both keyworkers")
    page.get_by_role("button", name="Decide").click()
    page.get_by_text("The keyworker is changed.").wait_for()
    assert_accessible(page, "new-relationship-after-change")

    change.refresh_from_db()
    old = Relationship.objects.get(pk=rel.pk)
    assert change.status == ChangeRequest.Status.APPROVED
    assert old.status == Status.ENDING
    assert old.end_reason == "client_asked_for_change"
    new = change.new_relationship
    assert new is not None
    assert new.keyworker_id == bworld.colleague.pk
    assert new.start_reason == StartReason.CLIENT_ASKED_FOR_CHANGE
