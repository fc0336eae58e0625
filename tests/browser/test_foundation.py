"""The foundation as people use it, in real headless Chromium, with axe-core checks."""

from __future__ import annotations

import re

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from keywork.contacts.models import Contact
from tests.browser.conftest import assert_accessible, screenshot, sign_in
from tests.world import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def bworld(committed_world):
    """A world the live server can see."""
    return committed_world


def _second_factor(page, device) -> None:
    page.get_by_label(re.compile("six-digit code", re.I)).fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name=re.compile("continue", re.I)).click()


def test_keyworker_logs_a_contact_signs_it_and_then_cannot_edit_it(page, bworld):
    sign_in(page, "keyworker", PASSWORD)
    page.wait_for_url(re.compile(r"/dashboards/caseload/"))
    assert_accessible(page, "keyworker-caseload")

    page.get_by_role("link", name="Anna Own").first.click()
    page.wait_for_url(re.compile(r"/clients/\d+/"))
    assert_accessible(page, "client-page")

    form = page.locator("#quick-contact")
    form.get_by_text("Everyday contact on the unit").click()
    form.get_by_label("Note").fill("Coffee in the kitchen; talked about her daughter's visit.")
    form.get_by_role("button", name="Save and sign").click()

    timeline = page.locator("#timeline")
    item = timeline.locator("article", has_text="talked about her daughter's visit")
    item.get_by_text(re.compile("Signed by")).wait_for()
    screenshot(page, "client-page-after-signing")
    contact = Contact.objects.get(note__startswith="Coffee in the kitchen")
    assert contact.is_signed
    assert contact.kind == "everyday"
    # The signed note offers no way to change it, only an addendum.
    assert item.get_by_role("link", name=re.compile("^Change")).count() == 0

    page.goto(f"/contacts/{contact.pk}/edit/")
    page.get_by_text("A signed note cannot be changed. Add an addendum instead.").wait_for()
    assert page.locator("textarea[name=note]").count() == 0
    screenshot(page, "signed-note-refuses-edit")

    page.goto(f"/contacts/{contact.pk}/addendum/")
    page.get_by_label("Addendum").fill("It was her son's visit, not her daughter's.")
    page.get_by_role("button", name=re.compile("add", re.I)).click()
    page.get_by_text("It was her son's visit, not her daughter's.").wait_for()
    contact.refresh_from_db()
    assert contact.note.startswith("Coffee in the kitchen; talked about her daughter's")
    assert contact.addenda.count() == 1


@pytest.mark.parametrize(("username", "start", "second_factor"), [
    ("supervisor", r"/dashboards/units/", True),
    ("manager", r"/dashboards/service/", True),
    ("administrator", r"/organisation/", True),
    ("researcher", r"/dashboards/research/", False),
])
def test_each_roles_start_page_has_no_serious_accessibility_violations(
        page, bworld, username, start, second_factor):
    device = TOTPDevice.objects.create(user=bworld.users[username], name="phone",
                                       confirmed=True)
    sign_in(page, username, PASSWORD)
    if second_factor:
        page.wait_for_url(re.compile(r"/accounts/second-factor/"))
        assert_accessible(page, f"{username}-second-factor")
        _second_factor(page, device)
    page.wait_for_url(re.compile(start))
    assert_accessible(page, f"{username}-start")


def test_sign_in_page_and_swedish_interface_are_accessible(page, bworld):
    page.goto("/accounts/login/")
    assert_accessible(page, "sign-in")
    page.locator("#lang-select").select_option("sv")
    page.get_by_role("button", name=re.compile("change|byt", re.I)).click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "sv"
    assert_accessible(page, "sign-in-swedish")
