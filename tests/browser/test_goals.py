"""A client proposes a goal on their phone; the keyworker sees it and takes it up."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from keywork.checkins import services as checkin_services
from keywork.goals.models import Goal, GoalStatus
from tests.browser.conftest import assert_accessible, sign_in
from tests.browser.test_foundation import bworld  # noqa: F401 - the fixture
from tests.world import PASSWORD

pytestmark = pytest.mark.browser


def test_client_proposes_a_goal_on_a_phone_and_the_keyworker_sees_it(
        page, phone_page, bworld):  # noqa: F811
    rel = bworld.relationships["own"]
    _link, token = checkin_services.checkin_link_create(
        membership=bworld.memberships["keyworker"], relationship=rel)

    phone_page.goto(f"/c/{token}/me/")
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
