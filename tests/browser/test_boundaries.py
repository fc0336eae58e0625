"""The boundary register as people use it: a worker declares a gift, the supervisor reviews
it, and a third minor event in the relationship raises the drift alert."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from keywork.boundaries import services
from keywork.boundaries.models import BoundaryEvent
from keywork.signals.models import Alert
from tests.browser.conftest import assert_accessible, sign_in
from tests.browser.test_foundation import bworld  # noqa: F401 - the fixture
from tests.world import PASSWORD

pytestmark = pytest.mark.browser


def test_gift_declared_reviewed_and_a_third_minor_event_raises_drift(page, bworld):  # noqa: F811
    rel = bworld.relationships["own"]
    services.event_record(
        membership=bworld.memberships["keyworker"], client=rel.client, relationship=rel,
        worker_id=bworld.keyworker.pk, kind="personal_details",
        occurred_on=timezone.localdate() - dt.timedelta(days=30),
        context="Told her where I grew up when she asked.")

    # The keyworker declares a gift from the relationship page.
    sign_in(page, "keyworker", PASSWORD)
    page.wait_for_url(re.compile(r"/dashboards/caseload/"))
    page.goto(f"/relationships/{rel.pk}/")
    page.get_by_role("link", name="Declare or record a boundary event").click()
    page.wait_for_url(re.compile(r"/boundaries/relationship/\d+/new/"))
    assert_accessible(page, "boundaries-declare-form")
    page.get_by_text("A gift or money offered", exact=True).click()
    page.get_by_label("What happened, in context").fill(
        "She offered a cinema voucher after her court hearing; I thanked her and said no.")
    page.get_by_text("Declined", exact=True).click()
    page.get_by_label("Value of the gift (approximate)").fill("200")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/boundaries/event/\d+/$"))
    page.get_by_text("Waiting for review").first.wait_for()
    assert_accessible(page, "boundaries-event-declared")
    gift = BoundaryEvent.objects.get(kind="gift")
    assert (gift.source, gift.accepted, gift.severity) == ("declared", False, "minor")
    assert not Alert.objects.filter(code="boundary_drift").exists()
    page.get_by_role("button", name="Sign out").click()

    # The supervisor finds it waiting for review and reviews it.
    device = TOTPDevice.objects.create(user=bworld.supervisor, name="phone", confirmed=True)
    sign_in(page, "supervisor", PASSWORD)
    page.get_by_label(re.compile("six-digit code", re.I)).fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name=re.compile("continue", re.I)).click()
    page.wait_for_url(re.compile(r"/dashboards/units/"))
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Boundaries").click()
    page.wait_for_url(re.compile(r"/boundaries/$"))
    assert_accessible(page, "boundaries-supervisor-queue")
    page.get_by_role("link", name="A gift or money offered").first.click()
    page.get_by_role("link", name="Review", exact=True).click()
    page.wait_for_url(re.compile(r"/boundaries/event/\d+/review/"))
    page.get_by_text("Discussed; no further action").click()
    page.get_by_label("What was discussed and decided").fill(
        "Declined kindly; she was not hurt. Nothing more to do.")
    assert_accessible(page, "boundaries-review-form")
    page.get_by_role("button", name="Save the review").click()
    page.wait_for_url(re.compile(r"/boundaries/event/\d+/$"))
    page.get_by_text("Declined kindly; she was not hurt.").first.wait_for()
    gift.refresh_from_db()
    assert (gift.outcome, gift.reviewed_on, gift.reviewed_by) == (
        "noted", timezone.localdate(), bworld.supervisor)

    # The supervisor records a third minor event about the keyworker: the drift alert.
    page.goto(f"/boundaries/relationship/{rel.pk}/new/")
    page.get_by_label("Whom the event is about").select_option(str(bworld.keyworker.pk))
    page.get_by_text("Messages beyond brief practical matters", exact=True).click()
    page.get_by_label("What happened, in context").fill(
        "Saw a long evening text exchange about her weekend on the worker's phone.")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/boundaries/event/\d+/$"))
    alert = Alert.objects.get(code="boundary_drift", relationship=rel)
    assert alert.facts["params"]["count"] == 3
    page.goto(f"/boundaries/relationship/{rel.pk}/")
    page.get_by_role("link", name="See the timeline").click()
    page.wait_for_url(re.compile(r"/boundaries/relationship/\d+/drift/"))
    assert page.get_by_text("part of the drift").count() == 3
    assert_accessible(page, "boundaries-drift-timeline")
    page.goto(f"/signals/alerts/{alert.pk}/")
    page.get_by_text("Boundary drift: several minor events").first.wait_for()
    assert_accessible(page, "boundaries-drift-alert")
