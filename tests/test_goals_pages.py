"""Goals: negotiated with the client, dissent kept, first steps soon, reviews from both
sides, and the client's own goal pages."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from keywork.audit.models import AuditEvent
from keywork.checkins import services as checkin_services
from keywork.core.errors import ApplicationError
from keywork.goals import services
from keywork.goals.models import Comment, Goal, GoalPolicy, GoalStatus, StanceIsFinal
from tests.helpers import login_as


def _in(days: int) -> str:
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


def _goal(world, **kw) -> Goal:
    fields = {"title": "Keep my flat", "proposed_by": "client", "agreement": "agrees",
              "client_words": "I want to stay where I live.", "step_text": "Call the landlord",
              "step_who": "client", "step_due_on": timezone.localdate() + dt.timedelta(days=3)}
    fields.update(kw)
    return services.goal_create(membership=world.memberships["keyworker"],
                                relationship=world.relationships["own"], **fields)


def _token(world, rel_name: str = "own") -> str:
    _link, token = checkin_services.checkin_link_create(
        membership=world.memberships["keyworker"], relationship=world.relationships[rel_name])
    return token


def test_keyworker_adds_a_goal_with_a_first_step_and_the_clients_words(world):
    http = login_as(HttpClient(), world.keyworker)
    rel = world.relationships["own"]
    resp = http.post(reverse("goals:create", args=[rel.pk]), {
        "title": "See my children every week", "proposed_by": "client",
        "agreement": "agrees", "client_words": "They are why I am here.",
        "worker_view": "A strong reason.", "supports": ["emotional", "advocacy"],
        "step_text": "Ask social services for a meeting", "step_who": "worker",
        "step_due_on": _in(5)})
    goal = Goal.objects.get(title="See my children every week")
    assert resp.status_code == 302
    assert goal.episode_id == rel.episode_id
    assert goal.status == GoalStatus.OPEN
    assert goal.support_emotional
    assert goal.support_advocacy
    assert not goal.support_practical
    assert goal.stances.get().client_words == "They are why I am here."
    page = http.get(reverse("goals:detail", args=[goal.pk])).content.decode()
    assert "They are why I am here." in page
    assert "Ask social services for a meeting" in page


def test_first_step_months_away_is_refused_with_a_clear_message_and_nothing_is_lost(world):
    http = login_as(HttpClient(), world.keyworker)
    rel = world.relationships["own"]
    resp = http.post(reverse("goals:create", args=[rel.pk]), {
        "title": "Find work", "proposed_by": "keyworker", "agreement": "not_asked",
        "step_text": "Write a CV", "step_who": "client", "step_due_on": _in(60)})
    html = resp.content.decode()
    assert resp.status_code == 200
    assert "within 14 days" in html
    assert 'value="Find work"' in html
    assert not Goal.objects.filter(title="Find work").exists()


def test_the_number_of_days_for_a_first_step_is_set_per_organisation(world):
    GoalPolicy.objects.create(organisation=world.org, first_step_days=5)
    with pytest.raises(ApplicationError, match="within 5 days"):
        _goal(world, step_due_on=timezone.localdate() + dt.timedelta(days=6))
    assert _goal(world, step_due_on=timezone.localdate() + dt.timedelta(days=5)).pk


def test_dissent_is_kept_when_the_client_changes_their_mind(world):
    goal = _goal(world, proposed_by="court", agreement="disagrees",
                 client_words="The court decided this, not me.")
    http = login_as(HttpClient(), world.keyworker)
    http.post(reverse("goals:stance", args=[goal.pk]), {
        "agreement": "agrees", "client_words": "Now I see why it helps."})
    stances = list(goal.stances.order_by("created_at", "id"))
    assert [s.agreement for s in stances] == ["disagrees", "agrees"]
    assert stances[0].client_words == "The court decided this, not me."
    stances[0].client_words = "changed"
    with pytest.raises(StanceIsFinal):
        stances[0].save()
    page = http.get(reverse("goals:detail", args=[goal.pk])).content.decode()
    assert "The court decided this, not me." in page
    assert "Now I see why it helps." in page


def test_a_court_goal_the_client_disagrees_with_is_shown_as_such(world):
    goal = _goal(world, proposed_by="court", agreement="disagrees", client_words="Not mine.")
    http = login_as(HttpClient(), world.keyworker)
    page = http.get(reverse("goals:list", args=[world.relationships["own"].pk])).content.decode()
    assert "the client disagrees" in page
    agreed = _goal(world, title="Agreed one", proposed_by="court", agreement="agrees")
    detail = http.get(reverse("goals:detail", args=[agreed.pk])).content.decode()
    assert "the client disagrees" not in detail
    assert goal.pk != agreed.pk


def test_steps_the_client_takes_over_are_shown_as_achievements(world):
    goal = _goal(world, step_who="worker", step_text="Phone the housing office")
    step = goal.steps.get()
    http = login_as(HttpClient(), world.keyworker)
    http.post(reverse("goals:step_done", args=[goal.pk, step.pk]), {"taken_over": "on"})
    step.refresh_from_db()
    assert step.done_on == timezone.localdate()
    assert step.taken_over
    assert step.is_achievement
    page = http.get(reverse("goals:list", args=[world.relationships["own"].pk])).content.decode()
    assert "What the client did themselves" in page
    assert "Phone the housing office" in page


def test_a_worker_step_done_by_the_worker_is_not_an_achievement(world):
    goal = _goal(world, step_who="worker", step_text="Book the meeting")
    step = services.step_done(membership=world.memberships["keyworker"],
                              step=goal.steps.get())
    assert not step.is_achievement


def test_reviews_from_both_sides_make_a_chart_with_a_table(world):
    goal = _goal(world)
    http = login_as(HttpClient(), world.keyworker)
    with time_machine.travel(timezone.now() - dt.timedelta(days=14)):
        services.review_add(membership=world.memberships["keyworker"], goal=goal,
                            client_rating=3, worker_rating=5, client_comment="Slow start.")
    resp = http.post(reverse("goals:review", args=[goal.pk]),
                     {"client_rating": "7", "worker_rating": "6", "client_comment": "Better."})
    assert resp.status_code == 302
    page = http.get(reverse("goals:detail", args=[goal.pk])).content.decode()
    assert '<svg class="linechart"' in page
    assert "<polyline" in page
    assert "Slow start." in page
    assert "Better." in page
    assert "<caption>" in page
    assert "http://" not in page.split('<svg class="linechart"')[1].split("</svg>")[0].replace(
        "http://www.w3.org", "")


def test_a_review_needs_a_rating_and_refuses_numbers_beyond_ten(world):
    goal = _goal(world)
    http = login_as(HttpClient(), world.keyworker)
    resp = http.post(reverse("goals:review", args=[goal.pk]), {"client_comment": "Hm."})
    assert resp.status_code == 200
    assert "at least one rating" in resp.content.decode()
    resp = http.post(reverse("goals:review", args=[goal.pk]), {"worker_rating": "11"})
    assert resp.status_code == 200
    assert not goal.reviews.exists()


def test_keyworker_cannot_open_other_units_goals(world):
    other = services.goal_create(
        membership=world.memberships["colleague"], relationship=world.relationships["other_unit"],
        title="Other unit goal", proposed_by="client", agreement="agrees",
        step_text="A step", step_who="client",
        step_due_on=timezone.localdate() + dt.timedelta(days=2))
    http = login_as(HttpClient(), world.keyworker)
    assert http.get(reverse("goals:detail", args=[other.pk])).status_code == 404
    assert http.post(reverse("goals:stance", args=[other.pk]),
                     {"agreement": "agrees", "client_words": "x"}).status_code == 404
    assert AuditEvent.objects.filter(action="denied", object_type="goal",
                                     object_id=str(other.pk)).exists()


def test_manager_reads_goals_but_cannot_change_them(world):
    goal = _goal(world)
    http = login_as(HttpClient(), world.manager)
    assert http.get(reverse("goals:detail", args=[goal.pk])).status_code == 200
    assert http.post(reverse("goals:review", args=[goal.pk]),
                     {"worker_rating": "5"}).status_code == 404


def test_supervisor_of_the_unit_can_record_a_review(world):
    goal = _goal(world)
    http = login_as(HttpClient(), world.supervisor)
    resp = http.post(reverse("goals:review", args=[goal.pk]), {"worker_rating": "4"})
    assert resp.status_code == 302
    other = login_as(HttpClient(), world.supervisor_b)
    assert other.get(reverse("goals:detail", args=[goal.pk])).status_code == 404


# --- the client's own pages ------------------------------------------------------------------


def test_client_proposes_a_goal_and_it_waits_for_the_keyworker_to_discuss(world):
    token = _token(world)
    client = HttpClient()
    page = client.get(reverse("portal:goals_propose", args=[token]))
    assert page.status_code == 200
    resp = client.post(reverse("portal:goals_propose", args=[token]),
                       {"title": "Learn to cook", "description": "For my kids."})
    assert resp.status_code == 302
    goal = Goal.objects.get(title="Learn to cook")
    assert goal.status == GoalStatus.TO_DISCUSS
    assert goal.proposed_by == "client"
    assert goal.created_by is None
    http = login_as(HttpClient(), world.keyworker)
    rel_page = http.get(world.relationships["own"].get_absolute_url()).content.decode()
    assert "Learn to cook" in rel_page
    assert "proposal from the client to discuss" in rel_page
    resp = http.post(reverse("goals:take_up", args=[goal.pk]), {
        "worker_view": "Good idea.", "step_text": "Find a cooking course",
        "step_who": "client", "step_due_on": _in(7)})
    goal.refresh_from_db()
    assert resp.status_code == 302
    assert goal.status == GoalStatus.OPEN


def test_client_sees_their_goals_in_plain_words_and_the_read_is_audited(world):
    _goal(world, title="Keep my flat")
    token = _token(world)
    before = AuditEvent.objects.filter(actor_id__isnull=True, action="view").count()
    resp = HttpClient().get(reverse("portal:goals_list", args=[token]))
    html = resp.content.decode()
    assert resp.status_code == 200
    assert "Keep my flat" in html
    assert "Anna Own" not in html
    assert AuditEvent.objects.filter(actor_id__isnull=True, action="view").count() > before
    space = HttpClient().get(reverse("portal:space", args=[token])).content.decode()
    assert reverse("portal:goals_list", args=[token]) in space


def test_client_comments_on_a_goal(world):
    goal = _goal(world)
    token = _token(world)
    client = HttpClient()
    resp = client.post(reverse("portal:goals_comment", args=[token, goal.pk]),
                       {"text": "The landlord did not answer."})
    assert resp.status_code == 302
    assert Comment.objects.get(goal=goal).text == "The landlord did not answer."
    empty = client.post(reverse("portal:goals_comment", args=[token, goal.pk]), {"text": " "})
    assert empty.status_code == 200
    assert Comment.objects.filter(goal=goal).count() == 1
    http = login_as(HttpClient(), world.keyworker)
    assert "The landlord did not answer." in http.get(
        reverse("goals:detail", args=[goal.pk])).content.decode()


def test_client_link_cannot_reach_another_clients_goal(world):
    theirs = services.goal_create(
        membership=world.memberships["colleague"], relationship=world.relationships["same_unit"],
        title="Someone else's goal", proposed_by="client", agreement="agrees",
        step_text="A step", step_who="client",
        step_due_on=timezone.localdate() + dt.timedelta(days=2))
    token = _token(world)
    client = HttpClient()
    assert client.get(reverse("portal:goals_detail", args=[token, theirs.pk])).status_code == 404
    assert client.post(reverse("portal:goals_comment", args=[token, theirs.pk]),
                       {"text": "x"}).status_code == 404
    assert not Comment.objects.exists()
    assert "Someone else" not in client.get(
        reverse("portal:goals_list", args=[token])).content.decode()


def test_an_expired_link_opens_no_goals(world):
    token = _token(world)
    with time_machine.travel(timezone.now() + dt.timedelta(days=60)):
        resp = HttpClient().get(reverse("portal:goals_list", args=[token]))
    assert resp.status_code == 410
    assert HttpClient().get(reverse("portal:goals_list", args=["nonsense"])).status_code == 404


def test_administrator_sets_the_first_step_days_and_the_rule_follows(world):
    http = login_as(HttpClient(), world.users["administrator"])
    url = reverse("goals:settings")
    assert 'value="14"' in http.get(url).content.decode()
    resp = http.post(url, {"first_step_days": "120"})
    assert resp.status_code == 200
    assert "90" in resp.content.decode()
    assert not GoalPolicy.objects.filter(organisation=world.org).exists()
    assert http.post(url, {"first_step_days": "7"}).status_code == 302
    assert GoalPolicy.objects.get(organisation=world.org).first_step_days == 7
    assert AuditEvent.objects.filter(detail__contains="first step within 7 days").exists()
    with pytest.raises(ApplicationError, match="within 7 days"):
        _goal(world, step_due_on=timezone.localdate() + dt.timedelta(days=8))


@pytest.mark.parametrize("role", ["keyworker", "supervisor", "manager", "researcher"])
def test_only_an_administrator_opens_the_goal_settings(world, role):
    http = login_as(HttpClient(), world.users[role])
    assert http.get(reverse("goals:settings")).status_code == 404
    assert http.post(reverse("goals:settings"), {"first_step_days": "3"}).status_code == 404
    assert not GoalPolicy.objects.filter(organisation=world.org).exists()
