"""Today, in real headless Chromium: the keyworker's and the supervisor's inbox, and a
high-risk concern about a child from the keyworker's record to the supervisor's inbox and
on to the escalation once its time limit has passed (time moved on with time-machine)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from keywork.inbox.models import Notification, NotificationKind
from keywork.safeguarding.models import Concern
from tests.browser.conftest import assert_accessible, screenshot, sign_in
from tests.browser.test_foundation import bworld  # noqa: F401 - the fixture
from tests.world import PASSWORD

pytestmark = pytest.mark.browser

WIDE = {"width": 1366, "height": 768}
NARROW = {"width": 390, "height": 844}


@pytest.fixture
def open_page(browser: Any, live_server: Any) -> Iterator[Any]:
    contexts: list[Any] = []

    def make(viewport: dict[str, int]) -> Any:
        context = browser.new_context(base_url=live_server.url, bypass_csp=True,
                                      viewport=viewport, is_mobile=viewport is NARROW,
                                      has_touch=viewport is NARROW)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        return page

    yield make
    for context in contexts:
        context.close()


def _sign_in_with_factor(page: Any, world: Any, username: str) -> None:
    # A device of its own for each sign-in: a code is accepted once per device.
    n = TOTPDevice.objects.filter(user=world.users[username]).count()
    device = TOTPDevice.objects.create(user=world.users[username], name=f"phone {n}",
                                       confirmed=True)
    sign_in(page, username, PASSWORD)
    page.wait_for_url(re.compile(r"/accounts/second-factor/"))
    page.get_by_label(re.compile("six-digit code", re.I)).fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name=re.compile("continue", re.I)).click()
    page.wait_for_url(re.compile(r"/dashboards/"))


def _no_sideways_scroll(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_keyworker_inbox_at_both_widths(open_page, bworld):  # noqa: F811
    for viewport, name in ((WIDE, "1366"), (NARROW, "390")):
        page = open_page(viewport)
        sign_in(page, "keyworker", PASSWORD)
        page.wait_for_url(re.compile(r"/dashboards/caseload/"))
        page.get_by_role("navigation", name="Main").get_by_role(
            "link", name=re.compile("^Today")).click()
        page.wait_for_url(re.compile(r"/today/$"))
        page.get_by_role("heading", name="Today", level=1).wait_for()
        # The world's episodes began 60 days ago: the routine enquiries are overdue.
        page.get_by_role("heading", name=re.compile("Anna Own")).wait_for()
        page.get_by_text(re.compile("Routine enquiry overdue")).first.wait_for()
        assert page.get_by_text("Bo Sameunit").count() == 0
        if viewport is NARROW:
            screenshot(page, f"inbox-keyworker-{name}")
            _no_sideways_scroll(page)
        else:
            assert_accessible(page, f"inbox-keyworker-{name}")


def test_a_high_risk_concern_reaches_the_supervisor_first_and_escalates(
        open_page, bworld):  # noqa: F811
    client = bworld.clients["own"]
    keyworker = open_page(WIDE)
    sign_in(keyworker, "keyworker", PASSWORD)
    keyworker.wait_for_url(re.compile(r"/dashboards/caseload/"))
    keyworker.goto(f"/safeguarding/clients/{client.pk}/")
    keyworker.get_by_role("link", name="Record a concern").click()
    keyworker.get_by_text("A child's welfare or safety").click()
    keyworker.get_by_text("High", exact=True).click()
    keyworker.get_by_label("What happened or what was said").fill(
        "Her son (8) said he is often alone at home at night.")
    keyworker.get_by_role("button", name="Record the concern").click()
    keyworker.wait_for_url(re.compile(r"/safeguarding/concerns/\d+/$"))
    concern = Concern.objects.get(client=client)

    # Told plainly what to do now, for the organisation's jurisdiction (Sweden by default).
    now_steps = keyworker.get_by_role("region", name="What to do now")
    now_steps.get_by_text(re.compile("orosanmälan")).wait_for()
    keyworker.get_by_text("The decision is due by").wait_for()
    assert_accessible(keyworker, "concern-what-to-do-now-1366")

    # The supervisor: a badge on every page, the concern first in Today.
    supervisor = open_page(WIDE)
    _sign_in_with_factor(supervisor, bworld, "supervisor")
    nav = supervisor.get_by_role("navigation", name="Main")
    nav.get_by_text(re.compile("Unread notifications")).wait_for(state="attached")
    nav.get_by_role("link", name=re.compile("^Today")).click()
    supervisor.wait_for_url(re.compile(r"/today/$"))
    first_item = supervisor.locator(".inbox-item").first
    assert "Urgent safeguarding concern, no decision yet" in first_item.inner_text()
    assert "Urgent" in first_item.locator(".badge").inner_text()
    supervisor.get_by_role("heading", name=re.compile("Notifications")).wait_for()
    assert_accessible(supervisor, "inbox-supervisor-1366")
    phone = open_page(NARROW)
    _sign_in_with_factor(phone, bworld, "supervisor_b")  # unit B: not theirs
    phone.goto("/today/")
    assert phone.get_by_text(re.compile("Urgent safeguarding concern")).count() == 0
    phone.close()
    narrow = open_page(NARROW)
    _sign_in_with_factor(narrow, bworld, "supervisor")
    narrow.goto("/today/")
    narrow.locator(".inbox-item").first.wait_for()
    screenshot(narrow, "inbox-supervisor-390")
    _no_sideways_scroll(narrow)

    # Opening the notification marks it read and lands on the concern.
    supervisor.get_by_role("button", name="Open and mark as read").first.click()
    supervisor.wait_for_url(re.compile(rf"/safeguarding/concerns/{concern.pk}/$"))
    assert Notification.objects.get(recipient=bworld.supervisor).read_at is not None

    # No decision within the limit (4 hours for an urgent concern, by default).
    with time_machine.travel(concern.created_at + dt.timedelta(hours=3, minutes=50)):
        call_command("escalate_concerns")
    concern.refresh_from_db()
    assert concern.escalated_at is None
    later = concern.created_at + dt.timedelta(hours=4, minutes=5)
    with time_machine.travel(later):
        call_command("escalate_concerns")
        call_command("escalate_concerns")
        concern.refresh_from_db()
        assert concern.escalated_at is not None
        assert timezone.now() >= concern.escalated_at
        assert Notification.objects.filter(kind=NotificationKind.CONCERN_ESCALATED).count() == 2
        manager = open_page(WIDE)
        _sign_in_with_factor(manager, bworld, "manager")
        manager.goto("/today/")
        manager.get_by_text(re.compile("has had no decision within the time limit")).wait_for()
        assert "Anna" not in manager.locator("main").inner_text()
        assert_accessible(manager, "inbox-manager-escalated-1366")
        # Hours later the first session has lapsed: the supervisor signs in again.
        again = open_page(WIDE)
        _sign_in_with_factor(again, bworld, "supervisor")
        again.goto("/today/")
        again.get_by_text(re.compile("Escalated to every supervisor of the unit")).wait_for()
        again.goto(f"/safeguarding/concerns/{concern.pk}/")
        again.get_by_text(re.compile("has passed its time limit")).wait_for()
        screenshot(again, "concern-escalated-1366")
