"""Relationship patterns, alerts and check-in figures on the role dashboards."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from keywork.audit.models import AuditEvent
from keywork.checkins.models import CheckinPolicy, CheckinResponse, SharingChoice
from keywork.checkins.selectors import feedback_shown, relationship_feedback_shown
from keywork.clients import services as client_services
from keywork.clients.models import Episode
from keywork.relationships import services as rel_services
from keywork.relationships.models import Relationship
from keywork.signals import text
from keywork.signals.models import Alert, RelationshipState, SignalSettings
from keywork.signals.selectors import alert_shown, alert_visible, describe, describe_for
from keywork.signals.services import relationship_evaluate
from tests.helpers import login_as
from tests.test_signals_evaluation import _checkin, _contacts, conflicted
from tests.world import admit, allocate

# --- helpers --------------------------------------------------------------------------------


def _get(world, who: str, name: str, **params):
    http = login_as(HttpClient(), world.users[who])
    return http.get(reverse(name), params)


def _policy(world, visibility: str) -> None:
    CheckinPolicy.objects.update_or_create(organisation=world.org,
                                           defaults={"keyworker_visibility": visibility})


def _share(rel: Relationship, visibility: str | None) -> None:
    SharingChoice.objects.filter(relationship=rel).delete()
    if visibility is not None:
        SharingChoice.objects.create(organisation=rel.organisation, relationship=rel,
                                     visibility=visibility)


def _conflicted(rel: Relationship) -> None:
    """Ambivalent, with client_low (evaluated by each test when it needs to)."""
    conflicted(rel, evaluate=False)


def _warm(rel: Relationship) -> None:
    """Both sides warm, close and steady, contact both ways: friendly and trustful."""
    for days, score in ((40, 82), (26, 85), (12, 84)):
        _checkin(rel, "client", score, days)
        _checkin(rel, "keyworker", score - 3, days, estimate=score)
    _contacts(rel, 20)


def _evaluate(*rels: Relationship, **kw) -> None:
    relationship_evaluate(relationship_ids=[r.pk for r in rels], **kw)


def _alert(rel: Relationship, code: str, *, days_ago: int = 0, status: str = "open",
           params: dict | None = None, next_step: str = "") -> Alert:
    return Alert.objects.create(
        organisation=rel.organisation, relationship=rel, client=rel.client, code=code,
        status=status, raised_at=timezone.now() - dt.timedelta(days=days_ago),
        facts={"params": params or {}, "evidence": "", "next_step": next_step})


def _new_client(world, given: str, family: str, *, basis=None, days_ago: int = 60):
    return admit(world.memberships["supervisor"], world.unit_a, basis or world.legal_basis,
                 given, family, timezone.localdate() - dt.timedelta(days=days_ago))


def _allocate(world, client, worker: str = "keyworker") -> Relationship:
    return allocate(world.memberships["supervisor"], client, world.users[worker],
                    world.memberships[worker])


# --- keyworker: pattern, alerts and the next step ---------------------------------------


def test_keyworker_sees_pattern_alert_and_next_step_for_own_relationship(world):
    rel = world.relationships["own"]
    _conflicted(rel)
    _evaluate(rel)
    alert = Alert.objects.get(relationship=rel, code="client_low")
    resp = _get(world, "keyworker", "dashboards:keyworker")
    (row,) = resp.context["rows"]
    assert row.shown == "pattern"  # the default policy
    assert row.state.pattern == "ambivalent_conflicted"
    assert [a.alert.pk for a in row.alerts] == [alert.pk]
    assert (row.next_step.kind, row.next_step.text) == (
        "alert", "Ask the client, privately, what would make the work together better.")
    html = resp.content.decode()
    assert '<span class="badge pattern-ambivalent_conflicted">Ambivalent and conflicted' in html
    assert reverse("signals:alert", args=[alert.pk]) in html
    assert "Client&#x27;s rating is low" in html
    assert f'class="pattern-link" href="{reverse("signals:dyad", args=[rel.pk])}"' in html


def test_next_step_comes_from_the_most_important_open_alert(world):
    rel = world.relationships["own"]
    _alert(rel, "no_checkin", days_ago=20, next_step="offer_checkin")
    low = _alert(rel, "client_low", days_ago=1, params={"latest": 30, "below": 50},
                 next_step="talk_about_the_relationship")
    _alert(rel, "client_drop", days_ago=30, status="acknowledged", next_step="ask_what_changed")
    _alert(rel, "no_contact", days_ago=40, status="resolved", next_step="make_contact")
    (row,) = _get(world, "keyworker", "dashboards:keyworker").context["rows"]
    assert [a.alert.code for a in row.alerts] == ["client_low", "no_checkin", "client_drop"]
    assert row.next_step.alert.pk == low.pk
    assert row.next_step.text == str(text.NEXT_STEPS["talk_about_the_relationship"])


def test_keyworker_sees_private_marker_and_no_rating_alerts_when_client_shares_nothing(world):
    rel = world.relationships["own"]
    _conflicted(rel)
    _evaluate(rel)
    _policy(world, "scores")
    _share(rel, "nothing")
    low = Alert.objects.get(relationship=rel, code="client_low")
    quiet = _alert(rel, "no_contact", days_ago=1, params={"days_since": 20, "days": 14},
                   next_step="make_contact")
    resp = _get(world, "keyworker", "dashboards:keyworker")
    (row,) = resp.context["rows"]
    assert (row.shown, row.state) == (None, None)
    assert [a.alert.pk for a in row.alerts] == [quiet.pk]
    assert row.next_step.text == str(text.NEXT_STEPS["make_contact"])
    html = resp.content.decode()
    assert '<span class="badge pattern-private">private</span>' in html
    assert "Ambivalent" not in html
    assert reverse("signals:alert", args=[low.pk]) not in html
    # The supervisor still sees the client's ratings alert in the queue.
    queue = _get(world, "supervisor", "dashboards:supervisor").context["page"].queue
    assert low.pk in {r.alert.pk for r in queue}


def test_keyworker_is_shown_the_pattern_again_when_the_client_shares_it(world):
    rel = world.relationships["own"]
    _conflicted(rel)
    _evaluate(rel)
    _policy(world, "scores")
    _share(rel, "pattern")
    (row,) = _get(world, "keyworker", "dashboards:keyworker").context["rows"]
    assert row.shown == "pattern"
    assert row.state.pattern == "ambivalent_conflicted"


def test_next_step_without_alerts_follows_introduction_contact_and_checkins(world):
    own = world.relationships["own"]
    proposed = rel_services.relationship_propose(
        membership=world.memberships["supervisor"],
        episode=_new_client(world, "Frida", "Newcomer").episodes.get(),
        keyworker_id=world.keyworker.pk)
    resp = _get(world, "keyworker", "dashboards:keyworker")
    steps = {r.relationship.pk: (r.next_step.kind, r.next_step.text)
             for r in resp.context["rows"]}
    assert steps == {proposed.pk: ("introduction", "Record the introduction"),
                     own.pk: ("checkin", "Offer a check-in")}
    html = resp.content.decode()
    assert f'href="{reverse("checkins:relationship", args=[own.pk])}">Offer a check-in' in html

    _checkin(own, "client", 70, 2)
    (row,) = [r for r in _get(world, "keyworker", "dashboards:keyworker").context["rows"]
              if r.relationship.pk == own.pk]
    assert (row.next_step.kind, row.next_step.text) == ("contact", "Log a contact")

    world.org.no_contact_days = 5
    world.org.save()
    CheckinResponse.objects.filter(relationship=own).delete()
    own.contacts.update(occurred_at=timezone.now() - dt.timedelta(days=9))
    (row,) = [r for r in _get(world, "keyworker", "dashboards:keyworker").context["rows"]
              if r.relationship.pk == own.pk]
    assert row.overdue
    assert (row.next_step.kind, row.next_step.text) == ("contact", "Log a contact")


def test_bulk_visibility_agrees_with_the_per_relationship_rules(world):
    sup = world.memberships["supervisor"]
    supervised = allocate(sup, _new_client(world, "Gun", "Supervised"), world.supervisor, sup)
    rels = list(Relationship.objects.filter(pk__in=[
        world.relationships["own"].pk, world.relationships["same_unit"].pk,
        world.relationships["other_unit"].pk, supervised.pk])
        .select_related("episode", "organisation"))
    viewers = [world.memberships[w] for w in
               ("keyworker", "deputy", "colleague", "supervisor", "supervisor_b", "manager")]
    # One client check-in per relationship, given with a choice that varies below.
    for rel in rels:
        _checkin(rel, "client", 30, 2)
    given = CheckinResponse.objects.filter(relationship__in=rels, rater="client")
    responses = list(given.select_related("relationship"))
    seen, seen_figures = set(), set()
    for policy in (None, "nothing", "pattern", "scores"):
        if policy is None:
            CheckinPolicy.objects.filter(organisation=world.org).delete()
        else:
            _policy(world, policy)
        for choice in (None, "nothing", "pattern", "scores"):
            for rel in rels:
                if rel.pk != world.relationships["same_unit"].pk:
                    _share(rel, choice)
            for then in (None, "scores", "pattern", "nothing"):
                given.update(visibility=then)
                for response in responses:
                    response.visibility = then
                for membership in viewers:
                    case = (policy, choice, then, membership.role)
                    found = feedback_shown(membership, rels, figures=True)
                    bulk = {pk: s.checkins for pk, s in found.items()}
                    figures = {pk: s.figures for pk, s in found.items()}
                    for rel in rels:
                        one = relationship_feedback_shown(membership, rel, figures=True)
                        expected = one.checkins
                        assert bulk[rel.pk] == expected, (*case, rel.pk)
                        assert figures[rel.pk] == one.figures, (*case, rel.pk)
                        seen.add(expected)
                        seen_figures.add((expected, figures[rel.pk]))
                        for code in text.ALERT_TITLES:
                            alert = Alert(code=code, relationship=rel,
                                          facts={"params": {"latest": 30.0, "below": 50}})
                            worker = rel.keyworker_id == membership.user_id or (
                                rel.deputy_id == membership.user_id)
                            assert alert_shown(alert, bulk[rel.pk], worker=worker) == (
                                alert_visible(membership, alert, rel)), (*case, code)
                        # The caseload words an alert as the alert's own page does.
                        alert = Alert(code="client_low", relationship=rel,
                                      facts={"params": {"latest": 30.0, "below": 50}})
                        assert (describe(alert, figures[rel.pk]).reason
                                == describe_for(membership, alert).reason), case
                    for response in responses:
                        # The bulk answer, narrowed by the choice given with the check-in,
                        # is what the check-in's own accessor finds.
                        worker = membership.user_id in (response.relationship.keyworker_id,
                                                        response.relationship.deputy_id)
                        narrowed = (found[response.relationship_id].checkin(then)
                                    if worker else bulk[response.relationship_id])
                        assert narrowed == relationship_feedback_shown(
                            membership, response.relationship).checkin(
                                response.visibility), case
    assert seen == {None, "pattern", "all"}
    assert seen_figures == {(None, None), ("pattern", "pattern"), ("all", "all"),
                            ("all", "pattern")}


def test_caseload_queries_stay_the_same_for_two_and_eight_rated_relationships(world):
    def count() -> int:
        http = login_as(HttpClient(), world.keyworker)
        with CaptureQueriesContext(connection) as ctx:
            assert http.get(reverse("dashboards:keyworker")).status_code == 200
        return len(ctx.captured_queries)

    def add(i: int) -> Relationship:
        rel = _allocate(world, _new_client(world, f"Extra{i}", "Rated"))
        _checkin(rel, "client", 40 + i, 5)
        _checkin(rel, "keyworker", 70, 5)
        return rel

    later = timezone.localdate() + dt.timedelta(days=60)  # every relationship has alerts then
    rels = [world.relationships["own"], add(0)]
    _share(rels[1], "nothing")
    _evaluate(*rels, day=later)
    small = count()
    rels += [add(i) for i in range(1, 7)]
    _share(rels[3], "pattern")
    _share(rels[4], "nothing")
    _evaluate(*rels, day=later)
    rows = _get(world, "keyworker", "dashboards:keyworker").context["rows"]
    assert len(rows) == 8
    assert all(r.alerts for r in rows)
    assert RelationshipState.objects.filter(relationship__in=rels).count() == 8
    assert {r.shown for r in rows} == {None, "pattern"}
    assert count() == small


# --- supervisor: patterns by worker, the alert queue, changed patterns -------------------


def test_supervisor_sees_patterns_by_worker_in_their_units(world):
    own, same, other = (world.relationships[k] for k in ("own", "same_unit", "other_unit"))
    _conflicted(own)
    _warm(same)
    _warm(other)
    _evaluate(own, same, other)
    resp = _get(world, "supervisor", "dashboards:supervisor")
    patterns = resp.context["page"].patterns
    # columns: friendly, polite, ambivalent, not enough data
    assert {w.name: (w.cells, w.private) for w in patterns.rows} == {
        "Keyworker Test": ([0, 0, 1, 0], 0),
        "Colleague Test": ([1, 0, 0, 0], 0),
    }
    assert (patterns.totals, patterns.total) == ([1, 0, 1, 0], 2)
    html = resp.content.decode()
    assert '<table class="patterns-by-worker">' in html
    assert ('<rect class="seg-pattern-friendly_trustful" x="0.0" y="0" height="10" '
            'width="100.0">') in html
    assert "style=" not in html

    other_sup = _get(world, "supervisor_b", "dashboards:supervisor").context["page"].patterns
    assert {w.name: w.cells for w in other_sup.rows} == {"Colleague Test": [1, 0, 0, 0]}


def test_supervisor_own_relationship_keeps_the_clients_choice_in_the_pattern_counts(world):
    sup = world.memberships["supervisor"]
    rel = allocate(sup, _new_client(world, "Gun", "Supervised"), world.supervisor, sup)
    _conflicted(rel)
    _evaluate(rel)
    RelationshipState.objects.filter(relationship=rel).update(
        previous_pattern="friendly_trustful", pattern_since=timezone.now())
    _policy(world, "scores")
    _share(rel, "nothing")
    page = _get(world, "supervisor", "dashboards:supervisor").context["page"]
    (mine,) = [w for w in page.patterns.rows if w.name == "Supervisor Test"]
    assert (mine.cells, mine.private) == ([0, 0, 0, 0], 1)
    assert rel.pk not in {c.relationship.pk for c in page.changes}
    _share(rel, "pattern")
    page = _get(world, "supervisor", "dashboards:supervisor").context["page"]
    (mine,) = [w for w in page.patterns.rows if w.name == "Supervisor Test"]
    assert (mine.cells, mine.private) == ([0, 0, 1, 0], 0)
    assert rel.pk in {c.relationship.pk for c in page.changes}


def test_supervisor_sees_a_change_between_patterns_but_not_a_first_classification(world):
    own, same = world.relationships["own"], world.relationships["same_unit"]
    for rel, before in ((own, "polite_neutral"), (same, "not_enough_data")):
        RelationshipState.objects.create(
            organisation=world.org, relationship=rel, pattern="friendly_trustful",
            previous_pattern=before, pattern_since=timezone.now(),
            evaluated_at=timezone.now())
    page = _get(world, "supervisor", "dashboards:supervisor").context["page"]
    assert [c.relationship.pk for c in page.changes] == [own.pk]


@pytest.fixture
def queue(world):
    own, same = world.relationships["own"], world.relationships["same_unit"]
    return {
        "low": _alert(own, "client_low", days_ago=2, params={"latest": 30, "below": 50}),
        "quiet": _alert(same, "no_contact", days_ago=9, params={"days_since": 22, "days": 14}),
        "acked": _alert(own, "no_checkin", days_ago=20, status="acknowledged"),
        "resolved": _alert(own, "client_drop", days_ago=30, status="resolved"),
        "unit_b": _alert(world.relationships["other_unit"], "no_contact", days_ago=5),
    }


def test_supervisor_alert_queue_lists_open_alerts_first_and_oldest_first(world, queue):
    resp = _get(world, "supervisor", "dashboards:supervisor")
    rows = resp.context["page"].queue
    assert [r.alert.pk for r in rows] == [queue["quiet"].pk, queue["low"].pk, queue["acked"].pk]
    assert [(r.client, r.worker, r.age_days, r.alert.status) for r in rows] == [
        ("Bo Sameunit", "Colleague Test", 9, "open"),
        ("Anna Own", "Keyworker Test", 2, "open"),
        ("Anna Own", "Keyworker Test", 20, "acknowledged"),
    ]
    html = resp.content.decode()
    for key in ("low", "quiet", "acked"):
        assert reverse("signals:alert", args=[queue[key].pk]) in html
    assert "The client&#x27;s latest rating (30) is below 50." in html
    assert "9 days" in html
    assert reverse("signals:alert", args=[queue["unit_b"].pk]) not in html
    assert reverse("signals:alert", args=[queue["resolved"].pk]) not in html
    audit = AuditEvent.objects.order_by("-id").first()
    assert audit.action == "list"
    assert str(world.clients["own"].pk) in audit.detail.split(": ")[1].split(",")


def test_supervisor_of_another_unit_does_not_see_the_alerts(world, queue):
    resp = _get(world, "supervisor_b", "dashboards:supervisor")
    assert [r.alert.pk for r in resp.context["page"].queue] == [queue["unit_b"].pk]
    html = resp.content.decode()
    assert "Anna Own" not in html
    assert "Bo Sameunit" not in html


@pytest.mark.parametrize(("params", "expected"), [
    ({"status": "acknowledged"}, ["acked"]),
    ({"status": "open"}, ["quiet", "low"]),
    ({"code": "client_low"}, ["low"]),
    ({"status": "open", "code": "no_contact"}, ["quiet"]),
    ({"status": "acknowledged", "code": "no_contact"}, []),
])
def test_supervisor_alert_queue_filters_by_status_and_code(world, queue, params, expected):
    resp = _get(world, "supervisor", "dashboards:supervisor", **params)
    assert [r.alert.pk for r in resp.context["page"].queue] == [queue[k].pk for k in expected]
    assert not resp.context["alert_form"].errors


@pytest.mark.parametrize("params", [{"status": "resolved"}, {"status": "x"},
                                    {"code": "<b>nope</b>"}])
def test_supervisor_alert_queue_filters_are_validated(world, queue, params):
    resp = _get(world, "supervisor", "dashboards:supervisor", **params)
    assert resp.status_code == 200
    assert resp.context["alert_form"].errors
    assert len(resp.context["page"].queue) == 3  # the filter is ignored


def test_supervisor_alert_queue_returns_its_fragment_to_htmx(world, queue):
    http = login_as(HttpClient(), world.supervisor)
    resp = http.get(reverse("dashboards:supervisor"), {"status": "acknowledged"},
                    HTTP_HX_REQUEST="true", HTTP_HX_TARGET="alert-queue")
    html = resp.content.decode()
    assert html.lstrip().startswith('<div id="alert-queue">')
    assert "<html" not in html
    assert reverse("signals:alert", args=[queue["acked"].pk]) in html
    assert reverse("signals:alert", args=[queue["low"].pk]) not in html


def test_supervisor_sees_patterns_that_changed_in_the_last_30_days(world):
    own, same = world.relationships["own"], world.relationships["same_unit"]
    for days in (40, 26):
        _checkin(own, "client", 85, days)
        _checkin(own, "keyworker", 83, days)
    _contacts(own, 20)
    _evaluate(own)
    _checkin(own, "client", 20, 2)
    _evaluate(own)
    _warm(same)
    _evaluate(same)  # a first pattern is not a change
    older = _allocate(world, _new_client(world, "Greta", "Older"), worker="colleague")
    RelationshipState.objects.create(
        organisation=world.org, relationship=older, pattern="friendly_trustful",
        previous_pattern="polite_neutral", evaluated_at=timezone.now(),
        pattern_since=timezone.now() - dt.timedelta(days=31))
    resp = _get(world, "supervisor", "dashboards:supervisor")
    (change,) = resp.context["page"].changes
    assert change.relationship.pk == own.pk
    assert (change.previous, change.pattern) == ("friendly_trustful", "ambivalent_conflicted")
    assert change.worker == "Keyworker Test"
    html = resp.content.decode()
    assert reverse("signals:dyad", args=[own.pk]) in html
    assert reverse("signals:dyad", args=[same.pk]) not in html
    assert reverse("signals:dyad", args=[older.pk]) not in html
    assert "Friendly and trustful" in html
    assert _get(world, "supervisor_b", "dashboards:supervisor").context["page"].changes == []


# --- manager: figures only ----------------------------------------------------------------


def _assert_no_names(world, html: str) -> None:
    for client in world.clients.values():
        assert client.family_name not in html
        assert client.pseudonym not in html
    # Keyworkers are named beside their caseload and its limit only.
    start = html.index('<section class="card" id="caseload-limits"')
    rest = html[:start] + html[html.index("</section>", start):]
    for worker in ("Keyworker Test", "Colleague Test", "Deputy Test"):
        assert worker not in rest


def test_manager_sees_pattern_distribution_of_active_relationships(world):
    own, same = world.relationships["own"], world.relationships["same_unit"]
    _conflicted(own)
    _warm(same)
    _evaluate(own, same)
    # A closed relationship keeps its last state but is not counted.
    RelationshipState.objects.create(
        organisation=world.org, relationship=world.relationships["ended"],
        pattern="friendly_trustful", evaluated_at=timezone.now())
    resp = _get(world, "manager", "dashboards:manager")
    f = resp.context["f"]
    assert {p.code: (p.n, p.share) for p in f.patterns} == {
        "friendly_trustful": (1, 33), "polite_neutral": (0, 0),
        "ambivalent_conflicted": (1, 33), "not_enough_data": (1, 33),  # other_unit
    }
    assert f.active_relationships == 3
    html = resp.content.decode()
    assert '<table class="pattern-distribution">' in html
    _assert_no_names(world, html)


def test_manager_sees_checkin_completion_by_unit(world):
    own, same = world.relationships["own"], world.relationships["same_unit"]
    _checkin(own, "client", 70, 3)
    _checkin(own, "keyworker", 70, 3)
    _checkin(same, "keyworker", 60, 10)
    _checkin(same, "client", 60, 40)  # before the period
    _checkin(world.relationships["ended"], "client", 60, 1)  # closed before the period
    f = _get(world, "manager", "dashboards:manager", preset="30d").context["f"]
    by_unit = {c.unit: (c.relationships, c.client_share, c.worker_share) for c in f.completion}
    assert by_unit == {world.unit_a.name: (2, 50, 100), world.unit_b.name: (1, 0, 0)}
    total = f.completion_total
    assert (total.relationships, total.client_share, total.worker_share) == (3, 33, 67)


def test_manager_sees_monthly_mean_ratings_for_a_year(world):
    own, same = world.relationships["own"], world.relationships["same_unit"]
    _checkin(own, "client", 40, 0)
    _checkin(same, "client", 60, 0)
    _checkin(own, "keyworker", 70, 0)
    _checkin(own, "client", 10, 400)  # older than a year
    _checkin(same, "client", 99, 0)
    CheckinResponse.objects.filter(relationship=same, overall=99).update(overall=None)
    resp = _get(world, "manager", "dashboards:manager")
    trends = resp.context["f"].trends
    assert len(trends) == 12
    this_month = timezone.localdate().replace(day=1)
    assert trends[-1].month == this_month
    assert (trends[-1].client, trends[-1].client_n, trends[-1].worker, trends[-1].worker_n) == (
        50.0, 2, 70.0, 1)
    assert sum(m.client_n for m in trends) == 2
    html = resp.content.decode()
    assert '<svg class="linechart"' in html
    assert '<table class="rating-trends">' in html


def _ended_episode(world, n: int, *, coerced: bool, outcome: str, ratings=(),
                   second=(), days_ago: int = 30) -> Episode:
    """An episode that ended ``days_ago`` days ago, with the client's ratings in one
    relationship and, if ``second`` is given, in a second one after a change of keyworker."""
    sup = world.memberships["supervisor"]
    basis = world.legal_basis if coerced else world.voluntary
    client = _new_client(world, "Quality", f"Episode{n}", basis=basis, days_ago=days_ago + 200)
    rels = [_allocate(world, client)]
    if second:
        rel_services.relationship_start_ending(membership=sup, relationship=rels[0],
                                               end_reason="client_asked_for_change")
        rel_services.relationship_close(membership=sup, relationship=rels[0])
        rels.append(_allocate(world, client, worker="colleague"))
    for rel, values in zip(rels, (ratings, second), strict=False):
        for i, value in enumerate(values):
            _checkin(rel, "client", value, days_ago + 10 + i)
    last = rels[-1]
    rel_services.relationship_start_ending(membership=sup, relationship=last,
                                           end_reason="episode_ended")
    return client_services.episode_end(
        membership=sup, episode=client.episodes.get(),
        end_date=timezone.localdate() - dt.timedelta(days=days_ago), outcome=outcome)


def test_manager_sees_completion_by_relationship_quality_and_formal_power(world):
    def count() -> int:
        http = login_as(HttpClient(), world.manager)
        with CaptureQueriesContext(connection) as ctx:
            assert http.get(reverse("dashboards:manager")).status_code == 200
        return len(ctx.captured_queries)

    empty = count()
    n = iter(range(100))
    completed, dropped = "completed", "dropped_out"
    # Coerced, high (mean 70 or more): 4 of 6 completed; 70 itself is high.
    for outcome, ratings in ((completed, (80, 90)), (completed, (70,)), (completed, (75,)),
                             (completed, (88,)), (dropped, (72,)), (dropped, (95, 71))):
        _ended_episode(world, next(n), coerced=True, outcome=outcome, ratings=ratings)
    # Coerced, low: 1 of 5 completed. A keyworker's high rating does not count.
    for outcome in (completed, dropped, dropped, dropped, dropped):
        ep = _ended_episode(world, next(n), coerced=True, outcome=outcome, ratings=(30, 45))
    _checkin(ep.relationships.get(), "keyworker", 95, 40)
    # Coerced, middling over two relationships (90 and 40): one episode, too few to show.
    _ended_episode(world, next(n), coerced=True, outcome=completed, ratings=(90,),
                   second=(40,))
    # Voluntary: three high (too few), one at exactly 50 (middling), one unrated.
    for _ in range(3):
        _ended_episode(world, next(n), coerced=False, outcome=completed, ratings=(85,))
    _ended_episode(world, next(n), coerced=False, outcome=completed, ratings=(50,))
    unrated = _ended_episode(world, next(n), coerced=False, outcome=dropped, ratings=(99,))
    CheckinResponse.objects.filter(relationship__episode=unrated).update(overall=None)
    # Not counted: transferred, and ended more than a year ago.
    _ended_episode(world, next(n), coerced=True, outcome="transferred", ratings=(90,))
    _ended_episode(world, next(n), coerced=True, outcome=completed, ratings=(90,),
                   days_ago=400)

    resp = _get(world, "manager", "dashboards:manager")
    bands = {b.band: ((b.coerced.n, b.coerced.rate), (b.voluntary.n, b.voluntary.rate))
             for b in resp.context["f"].quality}
    assert bands == {
        "low": ((5, 20), (0, None)),
        "middling": ((1, None), (1, None)),
        "high": ((6, 67), (3, None)),
        "none": ((0, None), (1, None)),
    }
    html = resp.content.decode()
    assert '<table class="quality-completion">' in html
    assert "67 %" in html
    assert "20 %" in html
    assert html.count("<span class=\"muted\">too few to show</span>") == 4  # 1 + 3 cells
    assert 'class="bar-coerced-rate" x="0" y="0" height="4.5" width="67"' in html
    assert "style=" not in html
    assert "Episode1" not in html
    _assert_no_names(world, html)
    assert count() == empty


def test_the_quality_bands_follow_the_organisations_own_thresholds(world):
    def bands() -> tuple[dict[str, tuple[int, int]], dict[str, str]]:
        resp = _get(world, "manager", "dashboards:manager")
        quality = resp.context["f"].quality
        return ({b.band: (b.coerced.n, b.voluntary.n) for b in quality},
                {b.band: b.label for b in quality})

    for n, rating in enumerate((45, 55, 65, 75, 85)):
        _ended_episode(world, n, coerced=True, outcome="completed", ratings=(rating,))
    counts, labels = bands()
    assert counts == {"low": (1, 0), "middling": (2, 0), "high": (2, 0), "none": (0, 0)}
    assert labels == {"low": "Low (below 50)", "middling": "Middling (50 to 69)",
                      "high": "High (70 or more)", "none": "No client check-ins"}

    # Another service reads the relationship more strictly: 60 is low, warm from 80.
    SignalSettings.objects.update_or_create(
        organisation=world.org, defaults={"overrides": {"low_below": 60, "warm_at_least": 80}})
    counts, labels = bands()
    assert counts == {"low": (2, 0), "middling": (2, 0), "high": (1, 0), "none": (0, 0)}
    assert labels["low"] == "Low (below 60)"
    assert labels["middling"] == "Middling (60 to 79)"
    assert labels["high"] == "High (80 or more)"

    SignalSettings.objects.filter(organisation=world.org).update(
        overrides={"low_below": 52.5, "warm_at_least": 72.5})
    counts, labels = bands()
    assert counts == {"low": (1, 0), "middling": (2, 0), "high": (2, 0), "none": (0, 0)}
    assert labels["middling"] == "Middling (52.5 to below 72.5)"


def test_queue_hides_rating_alerts_of_a_client_the_supervisor_keyworks_privately(world):
    """The client's choice binds a supervisor who is their keyworker: the queue must not
    show alerts that reveal the client's ratings, while other alerts stay."""
    _policy(world, "scores")
    own = _allocate(world, _new_client(world, "Gun", "Private"), worker="supervisor")
    _share(own, "nothing")
    _alert(own, "client_low", params={"latest": 30, "below": 50})
    _alert(own, "no_contact", params={"days_since": 20, "days": 14})
    codes = {row.alert.code for row in
             _get(world, "supervisor", "dashboards:supervisor").context["page"].queue
             if row.alert.relationship_id == own.pk}
    assert codes == {"no_contact"}
    _share(own, "scores")
    codes = {row.alert.code for row in
             _get(world, "supervisor", "dashboards:supervisor").context["page"].queue
             if row.alert.relationship_id == own.pk}
    assert codes == {"client_low", "no_contact"}
