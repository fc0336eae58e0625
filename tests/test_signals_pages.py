"""The alert page and the dyad view, as each role sees them."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from keywork.audit.models import AuditEvent
from keywork.checkins.models import CheckinPolicy, SharingChoice
from keywork.signals.models import Alert
from tests.helpers import login_as
from tests.test_signals_evaluation import conflicted


@pytest.fixture
def rated(world):
    rel = world.relationships["own"]
    conflicted(rel, helped="You rang the housing office with me.")
    return rel


def _policy(world, visibility: str) -> None:
    CheckinPolicy.objects.update_or_create(organisation=world.org,
                                           defaults={"keyworker_visibility": visibility})


def test_supervisor_sees_both_sides_the_pattern_and_the_clients_words(world, rated):
    http = login_as(HttpClient(), world.supervisor)
    page = http.get(reverse("signals:dyad", args=[rated.pk])).content.decode()
    assert "Ambivalent and conflicted" in page
    assert "You rang the housing office with me." in page
    assert page.count("<tr>") >= 7  # header + 3 client + 3 worker rows
    assert "<svg" in page


def test_keyworker_sees_only_own_ratings_when_the_client_keeps_checkins_private(world, rated):
    _policy(world, "scores")
    SharingChoice.objects.create(organisation=world.org, relationship=rated,
                                 visibility="nothing")
    http = login_as(HttpClient(), world.keyworker)
    page = http.get(reverse("signals:dyad", args=[rated.pk])).content.decode()
    assert "keeps their check-ins private" in page
    assert "You rang the housing office" not in page
    assert "Ambivalent" not in page


def test_keyworker_sees_pattern_but_no_answers_under_pattern_policy(world, rated):
    _policy(world, "pattern")
    http = login_as(HttpClient(), world.keyworker)
    page = http.get(reverse("signals:dyad", args=[rated.pk])).content.decode()
    assert "Ambivalent and conflicted" in page
    assert "You rang the housing office" not in page


def test_alerts_from_client_ratings_are_hidden_from_keyworker_when_client_shares_nothing(
        world, rated):
    _policy(world, "scores")
    SharingChoice.objects.create(organisation=world.org, relationship=rated,
                                 visibility="nothing")
    alert = Alert.objects.get(relationship=rated, code="client_low")
    assert login_as(HttpClient(), world.keyworker).get(
        reverse("signals:alert", args=[alert.pk])).status_code == 404
    assert login_as(HttpClient(), world.supervisor).get(
        reverse("signals:alert", args=[alert.pk])).status_code == 200


def test_alert_page_gives_reason_evidence_and_next_step(world, rated):
    alert = Alert.objects.get(relationship=rated, code="client_low")
    http = login_as(HttpClient(), world.supervisor)
    page = http.get(reverse("signals:alert", args=[alert.pk])).content.decode()
    assert "below 50" in page
    assert "staying in treatment" in page
    assert "what would make the work together better" in page


def test_resolving_without_a_note_keeps_the_alert_open_and_says_why(world, rated):
    alert = Alert.objects.get(relationship=rated, code="client_low")
    http = login_as(HttpClient(), world.supervisor)
    resp = http.post(reverse("signals:alert_update", args=[alert.pk]),
                     {"action": "resolve", "note": ""})
    assert resp.status_code == 200
    assert "Write what was done" in resp.content.decode()
    alert.refresh_from_db()
    assert alert.status == "open"
    resp = http.post(reverse("signals:alert_update", args=[alert.pk]),
                     {"action": "resolve", "note": "Met with the client."})
    assert resp.status_code == 302
    alert.refresh_from_db()
    assert alert.status == "resolved"
    assert alert.resolved_at <= timezone.now()


def test_an_alert_shown_again_after_a_refused_update_records_the_read(world, rated):
    alert = Alert.objects.get(relationship=rated, code="client_low")
    http = login_as(HttpClient(), world.supervisor)
    before = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    resp = http.post(reverse("signals:alert_update", args=[alert.pk]),
                     {"action": "resolve", "note": ""})
    assert resp.status_code == 200
    assert rated.client.display_name in resp.content.decode()
    assert AuditEvent.objects.filter(id__gt=before, action="view", client_id=rated.client_id,
                                     actor_id=world.supervisor.pk).exists()


def test_worker_of_another_unit_cannot_open_the_dyad(world, rated):
    http = login_as(HttpClient(), world.colleague)
    assert http.get(reverse("signals:dyad", args=[rated.pk])).status_code == 404


@pytest.mark.parametrize(("before", "shown"), [
    ("polite_neutral", True), ("not_enough_data", False), ("", False)])
def test_the_dyad_says_the_pattern_changed_only_from_another_pattern(world, rated, before,
                                                                      shown):
    from keywork.signals.models import RelationshipState

    RelationshipState.objects.filter(relationship=rated).update(previous_pattern=before)
    http = login_as(HttpClient(), world.supervisor)
    page = http.get(reverse("signals:dyad", args=[rated.pk])).content.decode()
    assert ("Changed on" in page) is shown
