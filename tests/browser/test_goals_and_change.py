"""Issue 5's story in a real browser: a client proposes a goal on their phone and the
keyworker takes it up; the same client asks for another keyworker and the supervisor
approves the change."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from keywork.checkins import services as checkin_services
from keywork.goals.models import Goal, GoalStatus
from keywork.matching.models import ChangeRequest
from keywork.relationships.models import Relationship, StartReason, Status
from tests.browser.conftest import assert_accessible, sign_in
from tests.browser.test_foundation import bworld  # noqa: F401 - the fixture
from tests.world import PASSWORD

pytestmark = pytest.mark.browser

REASON = "We do not get on, and I find it hard to say so."


def _client_proposes_a_goal(phone_page) -> Goal:
    phone_page.get_by_role("link", name=re.compile("Your goals")).click()
    phone_page.wait_for_url(re.compile(r"/goals/$"))
    assert_accessible(phone_page, "client-goals-phone")
    phone_page.get_by_role("link", name="Suggest a goal").click()
    assert_accessible(phone_page, "client-goal-propose-phone")
    phone_page.get_by_label("What would you like to work on?").fill("Learn to cook for my kids")
    phone_page.get_by_role("button", name="Send my idea").click()
    phone_page.get_by_text("Your keyworker will see your idea").wait_for()
    # Nothing is wider than the phone's screen.
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375
    assert_accessible(phone_page, "client-goal-proposed-phone")
    goal = Goal.objects.get(title="Learn to cook for my kids")
    assert goal.status == GoalStatus.TO_DISCUSS
    return goal


def _keyworker_takes_up_the_goal(page, rel: Relationship, goal: Goal) -> None:
    sign_in(page, "keyworker", PASSWORD)
    page.wait_for_url(re.compile(r"/dashboards/caseload/"))
    page.goto(f"/relationships/{rel.pk}/")
    page.get_by_text("1 proposal from the client to discuss").wait_for()
    page.get_by_role("link", name="Learn to cook for my kids").click()
    assert_accessible(page, "keyworker-client-proposal")
    page.get_by_role("link", name="Talk it through and take it up").click()
    page.get_by_label("First step").fill("Find a cooking course near the unit")
    due = (timezone.localdate() + dt.timedelta(days=7)).isoformat()
    page.get_by_label("By when").fill(due)
    page.get_by_role("button", name="Save").click()
    page.get_by_text("is now a goal with its first step").wait_for()
    assert_accessible(page, "keyworker-goal-taken-up")
    goal.refresh_from_db()
    assert goal.status == GoalStatus.OPEN
    page.get_by_role("button", name="Sign out").click()


def _client_asks_for_another_keyworker(phone_page, token: str) -> ChangeRequest:
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
    return change


def _supervisor_approves_the_change(page, world) -> None:
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=world.supervisor, name="phone", confirmed=True)
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


def test_client_proposes_a_goal_and_the_supervisor_approves_the_change_they_asked_for(
        page, phone_page, bworld):  # noqa: F811
    rel = bworld.relationships["own"]
    _link, token = checkin_services.checkin_link_create(
        membership=bworld.memberships["keyworker"], relationship=rel)

    phone_page.goto(f"/c/{token}/me/")
    goal = _client_proposes_a_goal(phone_page)
    _keyworker_takes_up_the_goal(page, rel, goal)
    change = _client_asks_for_another_keyworker(phone_page, token)
    _supervisor_approves_the_change(page, bworld)

    change.refresh_from_db()
    old = Relationship.objects.get(pk=rel.pk)
    assert change.status == ChangeRequest.Status.APPROVED
    assert old.status == Status.ENDING
    assert old.end_reason == "client_asked_for_change"
    new = change.new_relationship
    assert new is not None
    assert new.keyworker_id == bworld.colleague.pk
    assert new.start_reason == StartReason.CLIENT_ASKED_FOR_CHANGE
    # The goal is the episode's, not the keyworker's: it stays with the client.
    goal.refresh_from_db()
    assert goal.episode_id == new.episode_id
    assert goal.status == GoalStatus.OPEN
