"""What a keyworker sees of the client's check-ins, in every place that shows them: the
numbers in facts and alerts under "only the pattern and the trend", the choice kept with
each check-in, and how the numbers in facts and alerts are written."""

from __future__ import annotations

import datetime as dt
import importlib
import re
import uuid
from urllib.parse import urlencode

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from keywork.checkins import services
from keywork.checkins.models import (
    VISIBILITY_ORDER,
    CheckinPolicy,
    CheckinResponse,
    SharingChoice,
    Visibility,
)
from keywork.checkins.selectors import relationship_feedback_shown
from keywork.core import matters
from keywork.core.hooks import Hook
from keywork.domain.visibility import Level
from keywork.signals import text
from keywork.signals.models import Alert, RelationshipState
from keywork.signals.services import alert_raise
from keywork.supervision import services as supervision_services
from keywork.supervision.selectors import alert_items
from tests.helpers import login_as
from tests.test_checkins_submission_path import MOST_QUERIES
from tests.test_signals_evaluation import _checkin, conflicted
from tests.world import admit, allocate

SECRET = "SECRET-WORDS"
OPEN = "OPEN-WORDS"
ANSWERS = {"match": 8, "presence": 6, "personal_professional": 9, "cooperation": 7,
           "flexible_support": 7, "role_clarity": 9, "confirmed_power": 5}

# --- helpers --------------------------------------------------------------------------------


def _policy(world, visibility: str) -> None:
    CheckinPolicy.objects.update_or_create(organisation=world.org,
                                           defaults={"keyworker_visibility": visibility})


def _share(rel, visibility: str) -> None:
    SharingChoice.objects.update_or_create(
        relationship=rel, defaults={"organisation": rel.organisation, "visibility": visibility})


def _page(user, name: str, pk: int):
    return login_as(HttpClient(), user).get(reverse(name, args=[pk]))


def _html(user, name: str, pk: int) -> str:
    resp = _page(user, name, pk)
    assert resp.status_code == 200
    return resp.content.decode()


def _conflicted(rel) -> None:
    conflicted(rel, helped="You rang the housing office with me.")


@pytest.fixture
def rated(world):
    rel = world.relationships["own"]
    _conflicted(rel)
    return rel


# The facts whose numbers come from the client's ratings.
CLIENT_FACTS = {"client_low", "gap_large", "client_unstable", "both_warm", "gap_small",
                "stable", "client_not_warm", "gap_moderate", "estimate_vs_client",
                "gap_change", "client_lowest_dimension"}


def _from_client_facts(rel) -> list[dict]:
    state = RelationshipState.objects.get(relationship=rel)
    facts = [f for f in state.facts if f["code"] in CLIENT_FACTS]
    assert {"client_low", "client_lowest_dimension"} <= {f["code"] for f in facts}
    return facts


def _give(world, answers: dict, visibility: str | None, *, rel=None) -> CheckinResponse:
    rel = rel or world.relationships["own"]
    link, _token = services.checkin_link_create(membership=world.memberships["keyworker"],
                                                relationship=rel)
    response, created = services.client_checkin_submit(
        link=link, answers=answers, idempotency_key=uuid.uuid4(), visibility=visibility)
    assert created
    return response


# --- 1. Under "only the pattern and the trend", no client numbers anywhere -----------------


@pytest.mark.parametrize("who", ["keyworker", "deputy"])
def test_worker_reads_the_facts_without_the_clients_numbers_under_pattern_policy(
        world, rated, who):
    _policy(world, "pattern")
    page = _html(world.users[who], "signals:dyad", rated.pk)
    assert "Ambivalent and conflicted" in page
    for fact in _from_client_facts(rated):
        full = text.fact_text(fact["code"], fact["params"])
        assert escape(full) not in page, fact["code"]
    assert escape("The client's recent ratings are low.") in page
    assert "average 45" not in page  # the client's own mean
    assert "(30)" not in page  # the client's lowest dimension
    assert "rated 30" not in page  # the client's latest rating beside the worker's guess
    assert "You rang the housing office" not in page


@pytest.mark.parametrize(("who", "policy"), [("supervisor", "pattern"),
                                             ("keyworker", "scores")])
def test_facts_carry_the_clients_numbers_for_the_supervisor_and_a_keyworker_shown_scores(
        world, rated, who, policy):
    _policy(world, policy)
    page = _html(world.users[who], "signals:dyad", rated.pk)
    for fact in _from_client_facts(rated):
        assert escape(text.fact_text(fact["code"], fact["params"])) in page, fact["code"]


def test_keyworker_reads_the_alert_without_the_clients_numbers_under_pattern_policy(
        world, rated):
    _policy(world, "pattern")
    alert = Alert.objects.get(relationship=rated, code="client_low")
    page = _html(world.keyworker, "signals:alert", alert.pk)
    assert escape("Client's rating is low") in page  # the title stays
    assert escape("The client's latest rating is low.") in page
    assert "(30)" not in page
    assert "below 50" not in page
    supervisor = _html(world.supervisor, "signals:alert", alert.pk)
    assert "The client&#x27;s latest rating (30) is below 50." in supervisor


def test_caseload_alerts_carry_no_client_numbers_under_pattern_policy(world, rated):
    _policy(world, "pattern")
    resp = login_as(HttpClient(), world.keyworker).get(reverse("dashboards:keyworker"))
    (row,) = [r for r in resp.context["rows"] if r.relationship.pk == rated.pk]
    reasons = {a.alert.code: a.reason for a in row.alerts}
    assert reasons["client_low"] == "The client's latest rating is low."
    for code, reason in reasons.items():
        if code in text.FROM_CLIENT_RATINGS:
            assert not re.search(r"\d", reason), (code, reason)


def test_supervision_agenda_words_rating_alerts_for_the_worker_under_pattern_policy(
        world, monkeypatch):
    only_alerts: Hook = Hook("matters.sources")
    only_alerts.register("signals", alert_items)
    monkeypatch.setattr(matters, "SOURCES", only_alerts)
    _policy(world, "pattern")
    own = world.relationships["own"]
    alert_raise(relationship=own, code="client_low", source="signals",
                params={"latest": 30.0, "below": 50})
    session = supervision_services.session_create(
        membership=world.memberships["supervisor"], worker_id=world.keyworker.pk,
        held_on=timezone.localdate())
    item = session.items.get()
    assert not item.supervisor_only
    assert item.detail == "The client's latest rating is low."
    worker_page = _html(world.keyworker, "supervision:detail", session.pk)
    assert escape("The client's latest rating is low.") in worker_page
    assert "(30)" not in worker_page


def test_a_supervisor_who_keyworks_reads_the_queue_as_a_keyworker(world):
    _policy(world, "pattern")
    sup = world.memberships["supervisor"]
    client = admit(sup, world.unit_a, world.legal_basis, "Gun", "Supervised",
                   timezone.localdate() - dt.timedelta(days=30))
    own_work = allocate(sup, client, world.supervisor, sup)
    for rel in (own_work, world.relationships["own"]):
        alert_raise(relationship=rel, code="client_low", source="signals",
                    params={"latest": 30.0, "below": 50})
    resp = login_as(HttpClient(), world.supervisor).get(reverse("dashboards:supervisor"))
    reasons = {row.alert.relationship_id: row.view.reason for row in resp.context["page"].queue}
    assert reasons[own_work.pk] == "The client's latest rating is low."
    assert reasons[world.relationships["own"].pk] == ("The client's latest rating (30) is "
                                                      "below 50.")


def test_rating_alerts_and_facts_stay_hidden_when_nothing_is_shared(world, rated):
    _policy(world, "nothing")
    page = _html(world.keyworker, "signals:dyad", rated.pk)
    assert "The client&#x27;s recent ratings" not in page
    assert "Ambivalent" not in page
    alert = Alert.objects.get(relationship=rated, code="client_low")
    assert _page(world.keyworker, "signals:alert", alert.pk).status_code == 404


# --- 2. The choice given with each check-in -------------------------------------------------


def test_a_wider_choice_later_does_not_open_words_given_with_nothing(world):
    _policy(world, "scores")
    own = world.relationships["own"]
    private = _give(world, {**ANSWERS, "helped": SECRET}, "nothing")
    shared = _give(world, {**ANSWERS, "helped": OPEN}, "scores")
    kw = world.keyworker
    for name in ("checkins:relationship", "signals:dyad"):
        page = _html(kw, name, own.pk)
        assert OPEN in page, name
        assert SECRET not in page, name
    assert _page(kw, "checkins:response", private.pk).status_code == 404
    assert _page(kw, "checkins:fhir_response", private.pk).status_code == 404
    assert OPEN in _html(kw, "checkins:response", shared.pk)
    for name in ("checkins:relationship", "signals:dyad"):
        page = _html(world.supervisor, name, own.pk)
        assert SECRET in page, name
        assert OPEN in page, name
    assert SECRET in _html(world.supervisor, "checkins:response", private.pk)


def test_the_keyworker_is_told_how_many_checkins_the_client_kept_more_private(world):
    _policy(world, "scores")
    own = world.relationships["own"]
    _give(world, {**ANSWERS, "helped": SECRET}, "nothing")
    _give(world, {**ANSWERS, "helped": SECRET}, "pattern")
    _give(world, {**ANSWERS, "helped": OPEN}, "scores")
    page = _page(world.keyworker, "checkins:relationship", own.pk)
    assert page.context["page"].withheld == 2
    assert "The client gave 2 check-ins with a more private choice" in page.content.decode()
    sup = _page(world.supervisor, "checkins:relationship", own.pk)
    assert sup.context["page"].withheld == 0


def test_a_keyworker_whose_client_kept_every_checkin_private_is_not_told_there_are_none(world):
    _policy(world, "scores")
    own = world.relationships["own"]
    _give(world, {**ANSWERS, "helped": SECRET}, "nothing")
    _share(own, "scores")
    html = _html(world.keyworker, "checkins:relationship", own.pk)
    assert "No check-ins from the client yet." not in html
    assert "The client gave 1 check-in with a more private choice" in html


def test_an_alert_drawing_on_a_checkin_given_with_nothing_is_not_shown_to_the_keyworker(
        world):
    """Scores 90, then 90 kept entirely private, then 20 shared: the drop from the private
    check-in would tell the keyworker something of it. The supervisor sees the alert."""
    _policy(world, "scores")
    own = world.relationships["own"]
    high = dict.fromkeys(ANSWERS, 9)
    _give(world, high, "scores")
    _give(world, high, "nothing")
    _give(world, dict.fromkeys(ANSWERS, 2), "scores")
    drop = Alert.objects.get(relationship=own, code="client_drop")
    assert drop.facts.get("withheld") is True
    title = str(text.alert_title("client_drop"))
    for name in ("dashboards:keyworker", "signals:dyad"):
        args = [] if name == "dashboards:keyworker" else [own.pk]
        page = login_as(HttpClient(), world.keyworker).get(reverse(name, args=args))
        assert escape(title) not in page.content.decode(), name
    assert _page(world.keyworker, "signals:alert", drop.pk).status_code == 404
    assert escape(title) in _html(world.supervisor, "signals:dyad", own.pk)
    assert _page(world.supervisor, "signals:alert", drop.pk).status_code == 200


def test_rating_alerts_are_shown_to_the_keyworker_when_every_checkin_shared_something(world):
    _policy(world, "scores")
    own = world.relationships["own"]
    high = dict.fromkeys(ANSWERS, 9)
    _give(world, high, "scores")
    _give(world, high, "pattern")
    _give(world, dict.fromkeys(ANSWERS, 2), "scores")
    drop = Alert.objects.get(relationship=own, code="client_drop")
    assert not drop.facts.get("withheld")
    assert _page(world.keyworker, "signals:alert", drop.pk).status_code == 200


def test_a_checkin_given_with_the_pattern_only_shows_the_pattern_even_after_scores(world):
    _policy(world, "scores")
    earlier = _give(world, {**ANSWERS, "helped": SECRET}, "pattern")
    _give(world, {**ANSWERS, "helped": OPEN}, "scores")
    resp = _page(world.keyworker, "checkins:response", earlier.pk)
    assert resp.status_code == 200
    assert not resp.context["full"]
    assert SECRET not in resp.content.decode()


def test_a_narrower_choice_later_withdraws_the_earlier_checkins(world):
    _policy(world, "scores")
    earlier = _give(world, {**ANSWERS, "helped": OPEN}, "scores")
    _give(world, {**ANSWERS, "helped": SECRET}, "nothing")
    assert OPEN not in _html(world.keyworker, "signals:dyad", world.relationships["own"].pk)
    assert _page(world.keyworker, "checkins:response", earlier.pk).status_code == 404


def test_the_choice_is_stored_with_the_checkin_on_the_insert_without_a_round_trip(world):
    _policy(world, "scores")
    own = world.relationships["own"]
    SharingChoice.objects.create(organisation=world.org, relationship=own, visibility="scores")
    _link, token = services.checkin_link_create(membership=world.memberships["keyworker"],
                                                relationship=own)
    data = {**ANSWERS, "idempotency_key": str(uuid.uuid4()), "visibility": "scores",
            "private_comment": ""}
    with CaptureQueriesContext(connection) as captured:
        resp = HttpClient().post(f"/c/{token}/", urlencode(data),
                                 content_type="application/x-www-form-urlencoded")
    assert resp.status_code == 302
    assert len(captured.captured_queries) <= MOST_QUERIES
    touching = [q["sql"] for q in captured.captured_queries
                if '"checkins_checkinresponse"' in q["sql"]
                and not q["sql"].lstrip().upper().startswith("SELECT")]
    assert len(touching) == 1, touching
    # One insert (on PostgreSQL inside the statement that also uses up the link), never an
    # update of the check-in afterwards.
    assert 'INSERT INTO "checkins_checkinresponse"' in touching[0], touching
    assert 'UPDATE "checkins_checkinresponse"' not in touching[0], touching
    assert CheckinResponse.objects.get(relationship=own).visibility == "scores"


@pytest.mark.parametrize(("policy", "earlier", "given", "stored"), [
    ("scores", None, "pattern", "pattern"),
    ("scores", "nothing", None, "nothing"),  # no choice sent: the one in force
    ("pattern", None, None, "pattern"),  # no choice ever: the policy
    ("scores", None, None, "scores"),
])
def test_each_client_checkin_keeps_the_choice_it_was_given_with(world, policy, earlier, given,
                                                                stored):
    _policy(world, policy)
    if earlier is not None:
        _share(world.relationships["own"], earlier)
    assert _give(world, dict(ANSWERS), given).visibility == stored


def test_a_keyworkers_own_checkin_stores_no_choice(world):
    own = world.relationships["own"]
    from tests.matrix.checkins import form_version

    response, _ = services.checkin_submit(
        relationship=own, instrument_version=form_version("checkin-keyworker-short"),
        rater="keyworker", answers={"match": 7}, mode="staff",
        idempotency_key=uuid.uuid4(), submitted_by=world.keyworker)
    assert response.visibility is None


def test_facts_and_alerts_lose_the_numbers_once_a_checkin_was_not_shared_in_full(world):
    _policy(world, "scores")
    own = world.relationships["own"]
    _conflicted(own)
    alert = Alert.objects.get(relationship=own, code="client_low")
    numbers = "The client&#x27;s latest rating (30) is below 50."
    assert numbers in _html(world.keyworker, "signals:alert", alert.pk)
    # One check-in given with the pattern only: the summaries may carry its numbers.
    CheckinResponse.objects.filter(pk=CheckinResponse.objects.filter(
        relationship=own, rater="client").order_by("submitted_at").first().pk).update(
        visibility="pattern")
    assert relationship_feedback_shown(world.memberships["keyworker"], own,
                                       figures=True).figures == "pattern"
    page = _html(world.keyworker, "signals:alert", alert.pk)
    assert numbers not in page
    assert escape("The client's latest rating is low.") in page
    dyad = _html(world.keyworker, "signals:dyad", own.pk)
    assert "(30)" not in dyad
    assert "average 45" not in dyad
    assert "not shared with you in full" in dyad
    assert numbers in _html(world.supervisor, "signals:alert", alert.pk)


def test_existing_checkins_keep_the_choice_in_force_when_the_field_was_added(world):
    sup = world.memberships["supervisor"]
    own, same_unit = world.relationships["own"], world.relationships["same_unit"]
    other_unit = world.relationships["other_unit"]
    extra = allocate(sup, admit(sup, world.unit_a, world.legal_basis, "Gun", "Narrow",
                                timezone.localdate() - dt.timedelta(days=30)),
                     world.colleague, world.memberships["colleague"])
    _policy(world, "scores")
    _share(own, "nothing")
    _share(same_unit, "pattern")
    _share(extra, "scores")
    for rel in (own, same_unit, other_unit, extra):
        _checkin(rel, "client", 50, 3)
        _checkin(rel, "keyworker", 60, 3)
    migration = importlib.import_module(
        "keywork.checkins.migrations.0002_response_visibility")
    migration.fill_from_the_choice_in_force(django_apps, None)
    stored = {(r.relationship_id, r.rater): r.visibility
              for r in CheckinResponse.objects.all()}
    assert stored[(own.pk, "client")] == "nothing"
    assert stored[(same_unit.pk, "client")] == "pattern"
    assert stored[(extra.pk, "client")] == "scores"
    assert stored[(other_unit.pk, "client")] == "scores"  # no choice: the policy
    assert all(stored[(rel.pk, "keyworker")] is None
               for rel in (own, same_unit, other_unit, extra))
    # A narrower policy in force caps a wider choice; no policy is the default, "pattern".
    CheckinResponse.objects.update(visibility=None)
    _policy(world, "pattern")
    migration.fill_from_the_choice_in_force(django_apps, None)
    assert CheckinResponse.objects.get(relationship=extra, rater="client").visibility == (
        "pattern")
    CheckinResponse.objects.update(visibility=None)
    CheckinPolicy.objects.filter(organisation=world.org).delete()
    migration.fill_from_the_choice_in_force(django_apps, None)
    assert CheckinResponse.objects.get(relationship=other_unit,
                                       rater="client").visibility == "pattern"


# --- 3. Numbers written by their kind, in the active language -------------------------------


@pytest.mark.parametrize(("language", "code", "params", "expected"), [
    ("en", "client_chasing", {"share": 1.0, "contacts": 20},
     "The client started 100% of the last 20 contacts: the worker may be hard to reach."),
    ("en", "client_chasing", {"share": 0.05, "contacts": 20},
     "The client started 5% of the last 20 contacts: the worker may be hard to reach."),
    ("en", "gap_small", {"gap": 0.7}, "The two views are close (0.7 points apart)."),
    ("en", "gap_small", {"gap": 1.0}, "The two views are close (1 points apart)."),
    ("en", "gap_small", {"gap": -0.04}, "The two views are close (0 points apart)."),
    ("en", "client_low", {"mean": 45.0, "below": 50},
     "The client's recent ratings average 45, below 50."),
    ("en", "client_unstable", {"sd": 12.345, "range": 30.0},
     "The client's ratings swing: spread 12.3, range 30."),
    ("en", "dna_high", {"rate": 0.5, "contacts": 12}, "50% of the last 12 contacts were missed."),
    ("en", "reciprocal_contact", {"client_share": 0.4, "everyday_share": 1.0},
     "Contact goes both ways: the client started 40% of recent contacts, and 100% were "
     "everyday contact."),
    ("en", "client_lowest_dimension", {"dimension": "presence", "score": 30.5},
     "The client's lowest dimension now: presence (30.5)."),
    ("en", "contact_too_thin", {"contacts": 1}, "Only 1 recent contacts: the ratings decide "
                                                "on their own."),
    ("sv", "gap_small", {"gap": 0.7}, "De två bilderna ligger nära varandra (skillnad 0,7 "
                                      "poäng)."),
    ("sv", "client_unstable", {"sd": 12.345, "range": 30.0},
     "Klientens bedömningar svänger: spridning 12,3, variationsvidd 30."),
    ("sv", "client_chasing", {"share": 1.0, "contacts": 20},
     "Klienten tog initiativ till 100% av de senaste 20 kontakterna: kontaktpersonen kan "
     "vara svår att nå."),
])
def test_fact_numbers_are_written_by_their_kind(language, code, params, expected):
    with translation.override(language):
        assert text.fact_text(code, params) == expected


@pytest.mark.parametrize(("language", "code", "params", "expected"), [
    ("en", "client_initiated_only", {"share": 1.0, "at_least": 0.8, "contacts": 20},
     "The client started 100% of the last 20 contacts."),
    ("en", "client_drop", {"previous": 62.5, "latest": 40.0, "reliable_change": 15.0},
     "The client's rating fell from 62.5 to 40, more than the reliable-change amount of 15 "
     "points."),
    ("en", "no_contact", {"days_since": 21, "days": 14},
     "No contact that took place for 21 days (limit 14); missed appointments do not count."),
    ("sv", "client_drop", {"previous": 62.5, "latest": 40.0, "reliable_change": 15.0},
     "Klientens bedömning föll från 62,5 till 40, mer än gränsen för tillförlitlig "
     "förändring på 15 poäng."),
])
def test_alert_numbers_are_written_by_their_kind(language, code, params, expected):
    with translation.override(language):
        assert text.alert_text(code, params) == expected


@pytest.mark.parametrize(("value", "kind", "en", "sv"), [
    (0.7, text.Kind.POINTS, "0.7", "0,7"),
    (45.0, text.Kind.POINTS, "45", "45"),
    (33.333, text.Kind.POINTS, "33.3", "33,3"),
    (-12.5, text.Kind.POINTS, "-12.5", "-12,5"),
    (1.0, text.Kind.SHARE, "100%", "100%"),
    (0.333, text.Kind.SHARE, "33%", "33%"),
    (0, text.Kind.SHARE, "0%", "0%"),
    (3, text.Kind.COUNT, "3", "3"),
    (1.0, text.Kind.COUNT, "1", "1"),
    (28, text.Kind.DAYS, "28", "28"),
    (None, text.Kind.POINTS, "–", "–"),
    ("match", text.Kind.DIMENSION, "match", "matchning"),
    ("2025-01-02", text.Kind.TEXT, "2025-01-02", "2025-01-02"),
])
def test_format_param_by_kind_and_language(value, kind, en, sv):
    for language, expected in (("en", en), ("sv", sv)):
        with translation.override(language):
            assert text.format_param(value, kind) == expected


def _placeholders(template) -> set[str]:
    return set(re.findall(r"%\((\w+)\)s", str(template)))


@pytest.mark.parametrize("table", ["FACTS", "ALERTS"])
def test_every_number_in_the_engines_words_declares_its_kind(table):
    engine = getattr(text, table)
    for code, words in engine.items():
        if table == "ALERTS" and code not in text.ALERT_TITLES:
            continue
        if code.startswith(("boundary_", "enquiry_", "emergency_", "matching_")):
            continue
        assert _placeholders(words.text) <= set(words.kinds), code


@pytest.mark.parametrize("table", ["FACTS", "ALERTS"])
def test_words_without_the_clients_numbers_have_none(table):
    engine = getattr(text, table)
    sample = {name: 42.5 for words in engine.values() for name in words.kinds}
    for code, words in engine.items():
        if not words.from_client:
            continue
        said = (text.fact_text(code, sample, figures=False) if table == "FACTS"
                else text.alert_text(code, sample, figures=False))
        if said is None:
            assert table == "FACTS", code
            assert words.plain is None, code
            continue
        assert not _placeholders(words.plain), code
        assert not re.search(r"\d", said), (code, said)
    assert {"client_low", "client_drop", "client_ceiling",
            "gap_widening"} <= text.FROM_CLIENT_RATINGS
    if table == "FACTS":
        assert {code for code, words in engine.items() if words.from_client} == CLIENT_FACTS


def test_an_alert_registered_from_the_clients_ratings_without_plain_words_says_so(
        monkeypatch):
    monkeypatch.setattr(text, "ALERT_TITLES", dict(text.ALERT_TITLES))
    monkeypatch.setattr(text, "ALERTS", dict(text.ALERTS))
    monkeypatch.setattr(text, "FROM_CLIENT_RATINGS", set(text.FROM_CLIENT_RATINGS))
    text.register_alert_words(titles={"elsewhere_low": "Low elsewhere"},
                              reasons={"elsewhere_low": "Rated %(latest)s."},
                              kinds={"elsewhere_low": {"latest": text.Kind.POINTS}},
                              from_client_ratings=True)
    assert text.alert_text("elsewhere_low", {"latest": 12.25}) == "Rated 12.2."
    assert text.alert_text("elsewhere_low", {"latest": 12.25}, figures=False) == str(
        text.WITHOUT_FIGURES)
    assert "elsewhere_low" in text.FROM_CLIENT_RATINGS


def test_the_rules_levels_are_the_stored_visibilities_most_private_first():
    assert [level.code for level in Level] == [v.value for v in VISIBILITY_ORDER]
    assert {level.code for level in Level} == set(Visibility.values)
