"""Supervision sessions: who may open them, the stored agenda, signed records, actions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from keywork.audit.models import AuditEvent
from keywork.checkins.services import policy_for
from keywork.core import matters
from keywork.core.errors import ApplicationError
from keywork.core.hooks import Hook
from keywork.core.matters import Matter as Item
from keywork.organisations.models import Role
from keywork.signals.models import Alert, Pattern, RelationshipState
from keywork.signals.services import alert_raise
from keywork.supervision import services
from keywork.supervision.models import Action, AgendaItem, Session, SignedRecordError
from keywork.supervision.selectors import alert_items, pattern_items
from tests.helpers import login_as
from tests.world import make_user


@pytest.fixture
def sources(monkeypatch):
    """Only this app's own sources, so each test decides what else is registered."""
    hook: Hook = Hook("matters.sources")
    hook.register("signals", alert_items)
    hook.register("signals_patterns", pattern_items)
    monkeypatch.setattr(matters, "SOURCES", hook)
    return matters.SOURCES


def _http(user):
    return login_as(HttpClient(), user)


def _session(world, **kw) -> Session:
    return services.session_create(membership=world.memberships["supervisor"],
                                   worker_id=world.keyworker.pk,
                                   held_on=kw.get("held_on", timezone.localdate()))


def _fake_source(items):
    def source(scope):
        return [i for i in items if scope.organisation_id and scope.worker_ids]
    return source


# --- the agenda -------------------------------------------------------------------------------


def test_agenda_shows_a_source_registered_by_another_app(world, sources):
    own = world.relationships["own"]
    matters.SOURCES.register("elsewhere", _fake_source([Item(
        source="elsewhere", kind="to_review", title="A matter raised elsewhere",
        detail="Two things to look at.", relationship_id=own.pk, client_id=own.client_id,
        ref="elsewhere:1")]))
    session = _session(world)
    stored = list(session.items.values_list("source", "title", "client_id"))
    assert ("elsewhere", "A matter raised elsewhere", own.client_id) in stored
    page = _http(world.supervisor).get(reverse("supervision:detail", args=[session.pk]))
    assert page.status_code == 200
    assert "A matter raised elsewhere" in page.content.decode()
    assert own.client.display_name in page.content.decode()


def test_agenda_is_a_snapshot_that_later_changes_do_not_touch(world, sources):
    own = world.relationships["own"]
    items = [Item(source="elsewhere", kind="x", title="First version", client_id=own.client_id,
                  relationship_id=own.pk, ref="elsewhere:1")]
    matters.SOURCES.register("elsewhere", _fake_source(items))
    session = _session(world)
    items[0] = Item(source="elsewhere", kind="x", title="Changed since",
                    client_id=own.client_id, relationship_id=own.pk, ref="elsewhere:1")
    alert_raise(relationship=own, code="no_contact", source="signals",
                params={"days_since": 30, "days": 21})
    assert list(session.items.values_list("title", flat=True)) == ["First version"]
    page = _http(world.supervisor).get(reverse("supervision:detail", args=[session.pk]))
    assert "First version" in page.content.decode()
    assert "Changed since" not in page.content.decode()


def test_bringing_the_agenda_up_to_date_adds_only_new_matters(world, sources):
    own = world.relationships["own"]
    session = _session(world)
    assert session.items.count() == 0
    alert = alert_raise(relationship=own, code="no_contact", source="signals",
                        params={"days_since": 30, "days": 21})
    resp = _http(world.supervisor).post(reverse("supervision:refresh", args=[session.pk]))
    assert resp.status_code == 302
    assert list(session.items.values_list("ref", flat=True)) == [f"alert:{alert.pk}"]
    services.session_refresh_agenda(membership=world.memberships["supervisor"],
                                    session=session)
    assert session.items.count() == 1


def test_agenda_leaves_out_clients_the_supervisor_may_not_open(world, sources):
    other = world.relationships["other_unit"]
    matters.SOURCES.register("elsewhere", _fake_source([Item(
        source="elsewhere", kind="x", title="About a client of unit B",
        client_id=other.client_id, relationship_id=other.pk, ref="elsewhere:b")]))
    session = _session(world)
    assert not session.items.filter(client_id=other.client_id).exists()


def test_a_failing_source_is_named_on_the_agenda_and_the_others_still_come(world, sources):
    def broken(scope):
        raise RuntimeError("not ready")
    own = world.relationships["own"]
    alert_raise(relationship=own, code="no_contact", source="signals",
                params={"days_since": 30, "days": 21})
    matters.SOURCES.register("broken", broken)
    session = _session(world)
    kinds = set(session.items.values_list("kind", flat=True))
    assert kinds == {"alert", "gathering_failed"}
    assert "broken" in session.items.get(kind="gathering_failed").detail


def test_worker_open_alerts_are_on_the_agenda_and_resolved_or_others_are_not(world, sources):
    own, colleague_rel = world.relationships["own"], world.relationships["same_unit"]
    open_alert = alert_raise(relationship=own, code="no_contact", source="signals",
                             params={"days_since": 30, "days": 21})
    resolved = alert_raise(relationship=own, code="no_checkin", source="signals",
                           params={"days": 30, "client_days": 31, "worker_days": 40})
    Alert.objects.filter(pk=resolved.pk).update(status=Alert.Status.RESOLVED)
    alert_raise(relationship=colleague_rel, code="no_contact", source="signals",
                params={"days_since": 30, "days": 21})
    session = _session(world)
    assert list(session.items.values_list("ref", flat=True)) == [f"alert:{open_alert.pk}"]
    item = session.items.get()
    assert item.url == reverse("signals:alert", args=[open_alert.pk])
    assert "30" in item.detail


def test_alert_from_client_ratings_is_for_the_supervisor_only_when_worker_sees_nothing(
        world, sources):
    policy = policy_for(world.org)
    policy.keyworker_visibility = "nothing"
    policy.save()
    own = world.relationships["own"]
    alert_raise(relationship=own, code="client_low", source="signals",
                params={"latest": 2.0, "below": 3.0})
    session = _session(world)
    item = session.items.get()
    assert item.supervisor_only
    title = escape(str(item.title))
    assert title in _http(world.supervisor).get(
        reverse("supervision:detail", args=[session.pk])).content.decode()
    worker_page = _http(world.keyworker).get(reverse("supervision:detail", args=[session.pk]))
    assert worker_page.status_code == 200
    assert title not in worker_page.content.decode()


def test_relationship_whose_pattern_changed_since_the_last_session_is_on_the_agenda(
        world, sources):
    own = world.relationships["own"]
    first = _session(world)
    assert first.items.count() == 0
    RelationshipState.objects.create(
        organisation=world.org, relationship=own, pattern=Pattern.AMBIVALENT,
        previous_pattern=Pattern.FRIENDLY, pattern_since=timezone.now() + dt.timedelta(
            seconds=1), evaluated_at=timezone.now())
    second = _session(world)
    item = second.items.get()
    assert item.kind == "pattern_changed"
    assert item.relationship_id == own.pk
    assert "Friendly and trustful" in item.detail
    assert "Ambivalent and conflicted" in item.detail
    # A change before the last session was already there to be taken up.
    RelationshipState.objects.filter(relationship=own).update(
        pattern_since=second.created_at - dt.timedelta(minutes=1))
    assert _session(world).items.count() == 0


@pytest.mark.parametrize(("before", "after"), [
    (Pattern.UNKNOWN, Pattern.FRIENDLY),   # a first classification
    (Pattern.POLITE, Pattern.UNKNOWN),     # a pattern lapsing for want of check-ins
])
def test_a_first_pattern_or_one_that_lapses_is_not_a_change_on_the_agenda(
        world, sources, before, after):
    own = world.relationships["own"]
    _session(world)
    RelationshipState.objects.create(
        organisation=world.org, relationship=own, pattern=after, previous_pattern=before,
        pattern_since=timezone.now() + dt.timedelta(seconds=1), evaluated_at=timezone.now())
    assert _session(world).items.count() == 0


# --- who may open what ------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["colleague", "supervisor_b", "manager", "administrator",
                                 "researcher", "outsider", "other_supervisor"])
def test_session_is_closed_to_everyone_but_the_worker_and_their_supervisors(world, sources,
                                                                           who):
    session = _session(world)
    http = _http(world.users[who])
    assert http.get(reverse("supervision:detail", args=[session.pk])).status_code == 404
    assert http.post(reverse("supervision:edit", args=[session.pk]), {
        "held_on": timezone.localdate().isoformat(), "kind": "group",
        "notes": "not mine"}).status_code == 404
    assert http.post(reverse("supervision:sign", args=[session.pk])).status_code == 404
    session.refresh_from_db()
    assert session.notes == ""
    assert not session.is_signed
    assert AuditEvent.objects.filter(action="denied", object_type="session",
                                     object_id=str(session.pk)).exists()


def test_worker_reads_own_session_and_adds_a_reflection_but_cannot_edit_or_sign(world,
                                                                              sources):
    session = _session(world)
    http = _http(world.keyworker)
    page = http.get(reverse("supervision:detail", args=[session.pk]))
    assert page.status_code == 200
    assert reverse("supervision:sign", args=[session.pk]) not in page.content.decode()
    assert http.post(reverse("supervision:reflect", args=[session.pk]),
                     {"text": "I say yes too quickly."}).status_code == 302
    assert http.post(reverse("supervision:edit", args=[session.pk]), {
        "held_on": timezone.localdate().isoformat(), "kind": "group",
        "notes": "mine"}).status_code == 404
    assert http.post(reverse("supervision:sign", args=[session.pk])).status_code == 404
    session.refresh_from_db()
    assert session.worker_reflection == "I say yes too quickly."
    assert session.notes == ""
    assert not session.is_signed
    assert AuditEvent.objects.filter(action="view", object_type="session",
                                     object_id=str(session.pk),
                                     actor_id=world.keyworker.pk).exists()


def test_supervisor_cannot_write_the_workers_reflection(world, sources):
    session = _session(world)
    resp = _http(world.supervisor).post(reverse("supervision:reflect", args=[session.pk]),
                                        {"text": "Words put in her mouth."})
    assert resp.status_code == 404
    with pytest.raises(ApplicationError):
        services.session_reflect(membership=world.memberships["supervisor"], session=session,
                                 text="no")


def test_manager_sees_counts_only(world, sources):
    session = _session(world)
    Session.objects.filter(pk=session.pk).update(notes="Private words about the work")
    page = _http(world.manager).get(reverse("supervision:index"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Sessions held" in body
    assert "Private words" not in body
    assert str(world.keyworker) not in body
    assert reverse("supervision:detail", args=[session.pk]) not in body


def test_supervisor_makes_a_session_only_with_a_keyworker_they_supervise(world, sources):
    unit_b_worker, _m = make_user("unit_b_worker", world.org, Role.KEYWORKER, [world.unit_b])
    http = _http(world.supervisor)
    page = http.get(reverse("supervision:new"))
    assert str(world.keyworker) in page.content.decode()
    assert "unit_b_worker" not in page.content.decode()
    resp = http.post(reverse("supervision:new"), {
        "worker": unit_b_worker.pk, "held_on": timezone.localdate().isoformat(),
        "kind": "individual"})
    assert resp.status_code == 200
    assert not Session.objects.filter(worker=unit_b_worker).exists()
    resp = http.post(reverse("supervision:new"), {
        "worker": world.keyworker.pk, "held_on": timezone.localdate().isoformat(),
        "kind": "group"})
    session = Session.objects.get(worker=world.keyworker)
    assert resp.status_code == 302
    assert resp["Location"] == reverse("supervision:detail",
                                                                   args=[session.pk])
    assert session.kind == "group"
    assert session.supervisor == world.supervisor
    assert _http(world.keyworker).post(reverse("supervision:new"), {
        "worker": world.colleague.pk, "held_on": timezone.localdate().isoformat(),
        "kind": "individual"}).status_code == 404


# --- notes, items, actions --------------------------------------------------------------------


def test_supervisor_adds_an_item_notes_decisions_and_an_action(world, sources):
    session = _session(world)
    http = _http(world.supervisor)
    assert http.post(reverse("supervision:item_add", args=[session.pk]),
                     {"title": "Workload in the autumn"}).status_code == 302
    item = session.items.get()
    assert item.added_by == world.supervisor
    assert http.post(reverse("supervision:item_edit", args=[item.pk]), {
        "notes": "Eleven clients, two coerced.", "decisions": "No new allocations"
    }).status_code == 302
    due = timezone.localdate() + dt.timedelta(days=14)
    assert http.post(reverse("supervision:action_add", args=[session.pk]), {
        "text": "Hand one client to the deputy", "owner": world.keyworker.pk,
        "due_on": due.isoformat(), "item": item.pk}).status_code == 302
    assert http.post(reverse("supervision:edit", args=[session.pk]), {
        "held_on": session.held_on.isoformat(), "kind": "individual",
        "notes": "A calm session.", "decisions": "Meet again in four weeks."
    }).status_code == 302
    item.refresh_from_db()
    session.refresh_from_db()
    action = Action.objects.get()
    assert (item.notes, item.decisions) == ("Eleven clients, two coerced.",
                                            "No new allocations")
    assert (action.item, action.owner, action.due_on) == (item, world.keyworker, due)
    assert session.decisions == "Meet again in four weeks."
    assert session.history.count() >= 2


def test_action_with_a_missing_owner_or_an_early_date_is_refused_with_a_message(world,
                                                                               sources):
    session = _session(world)
    http = _http(world.supervisor)
    resp = http.post(reverse("supervision:action_add", args=[session.pk]), {
        "text": "Something", "owner": world.outsider.pk,
        "due_on": timezone.localdate().isoformat()})
    assert resp.status_code == 200
    assert not Action.objects.exists()
    resp = http.post(reverse("supervision:action_add", args=[session.pk]), {
        "text": "Something", "owner": world.keyworker.pk,
        "due_on": (session.held_on - dt.timedelta(days=3)).isoformat()})
    assert resp.status_code == 200
    assert not Action.objects.exists()
    assert "cannot be before the session" in resp.content.decode()


def test_actions_are_listed_for_their_owner_and_the_owner_marks_them_done(world, sources):
    session = _session(world)
    action = services.action_add(membership=world.memberships["supervisor"], session=session,
                                 text="Read the guidance on gifts", owner_id=world.keyworker.pk,
                                 due_on=timezone.localdate() + dt.timedelta(days=7))
    mine = _http(world.keyworker).get(reverse("supervision:index"))
    assert "Read the guidance on gifts" in mine.content.decode()
    theirs = _http(world.colleague).get(reverse("supervision:index"))
    assert "Read the guidance on gifts" not in theirs.content.decode()
    assert _http(world.colleague).post(
        reverse("supervision:action_done", args=[action.pk])).status_code == 404
    action.refresh_from_db()
    assert not action.is_done
    resp = _http(world.keyworker).post(reverse("supervision:action_done", args=[action.pk]),
                                       {"next": "index"})
    assert resp.status_code == 302
    action.refresh_from_db()
    assert action.is_done
    assert action.done_by == world.keyworker
    assert "Read the guidance on gifts" not in _http(world.keyworker).get(
        reverse("supervision:index")).content.decode()


def test_my_actions_on_the_index_take_the_same_queries_for_one_action_or_many(
        world, sources, django_assert_max_num_queries):
    session = _session(world)
    http = _http(world.keyworker)

    def add(n):
        for i in range(n):
            services.action_add(membership=world.memberships["supervisor"], session=session,
                                text=f"Action {i}", owner_id=world.keyworker.pk,
                                due_on=timezone.localdate() + dt.timedelta(days=7))

    add(1)
    with CaptureQueriesContext(connection) as one:
        assert http.get(reverse("supervision:index")).status_code == 200
    add(6)
    with django_assert_max_num_queries(len(one)):
        page = http.get(reverse("supervision:index"))
    assert page.content.decode().count("Action ") >= 7


def test_the_page_of_one_agenda_item_audits_the_client_it_shows(world, sources):
    own = world.relationships["own"]
    matters.SOURCES.register("elsewhere", _fake_source([Item(
        source="elsewhere", kind="to_review", title="A matter raised elsewhere",
        relationship_id=own.pk, client_id=own.client_id, ref="elsewhere:1")]))
    session = _session(world)
    item = session.items.get(client_id=own.client_id)
    page = _http(world.supervisor).get(reverse("supervision:item_edit", args=[item.pk]))
    assert page.status_code == 200
    assert own.client.display_name in page.content.decode()
    assert AuditEvent.objects.filter(actor_id=world.supervisor.pk, action="view",
                                     client_id=own.client_id, object_type="agendaitem",
                                     object_id=str(item.pk)).exists()


# --- a signed record is read-only, at three levels --------------------------------------------


def _signed(world) -> tuple[Session, AgendaItem, Action]:
    session = _session(world)
    sup = world.memberships["supervisor"]
    item = services.agenda_item_add(membership=sup, session=session, title="Gifts")
    action = services.action_add(membership=sup, session=session, item=item,
                                 text="Declare the flowers", owner_id=world.keyworker.pk,
                                 due_on=timezone.localdate() + dt.timedelta(days=3))
    services.session_update(membership=sup, session=session, held_on=session.held_on,
                            kind="individual", notes="As agreed.", decisions="")
    services.session_sign(membership=sup, session=session)
    session.refresh_from_db()
    return session, item, action


def test_signed_session_refuses_changes_in_the_model(world, sources):
    session, item, action = _signed(world)
    session.notes = "Rewritten later"
    with pytest.raises(SignedRecordError):
        session.save()
    item.notes = "Rewritten later"
    with pytest.raises(SignedRecordError):
        item.save()
    with pytest.raises(SignedRecordError):
        AgendaItem.objects.create(organisation=world.org, session=session, source="x",
                                  kind="x", title="Slipped in")
    action.text = "Something else"
    with pytest.raises(SignedRecordError):
        action.save()
    with pytest.raises(SignedRecordError):
        Session.objects.get(pk=session.pk).delete()
    fresh = Action.objects.get(pk=action.pk)
    fresh.done_at = timezone.now()
    fresh.save()  # whether it is done may still change
    assert Session.objects.get(pk=session.pk).notes == "As agreed."


def test_signed_session_refuses_changes_in_the_services(world, sources):
    session, item, _action = _signed(world)
    sup = world.memberships["supervisor"]
    for call in (
        lambda: services.session_update(membership=sup, session=session,
                                        held_on=session.held_on, kind="group", notes="x",
                                        decisions=""),
        lambda: services.agenda_item_add(membership=sup, session=session, title="Late"),
        lambda: services.agenda_item_update(membership=sup, item=item, notes="x",
                                            decisions=""),
        lambda: services.action_add(membership=sup, session=session, text="Late",
                                    owner_id=world.keyworker.pk,
                                    due_on=timezone.localdate()),
        lambda: services.session_reflect(membership=world.memberships["keyworker"],
                                         session=session, text="late"),
        lambda: services.session_refresh_agenda(membership=sup, session=session),
        lambda: services.session_sign(membership=sup, session=session),
    ):
        with pytest.raises(ApplicationError):
            call()
    session.refresh_from_db()
    assert session.notes == "As agreed."
    assert session.kind == "individual"


def test_signed_session_offers_no_changes_in_the_pages_and_refuses_posts(world, sources):
    session, item, _action = _signed(world)
    http = _http(world.supervisor)
    page = http.get(reverse("supervision:detail", args=[session.pk])).content.decode()
    assert reverse("supervision:edit", args=[session.pk]) not in page
    assert reverse("supervision:sign", args=[session.pk]) not in page
    assert reverse("supervision:item_edit", args=[item.pk]) not in page
    assert reverse("supervision:addendum", args=[session.pk]) in page
    resp = http.post(reverse("supervision:edit", args=[session.pk]), {
        "held_on": session.held_on.isoformat(), "kind": "group", "notes": "Rewritten",
        "decisions": ""})
    assert resp.status_code == 200
    assert "can no longer be changed" in resp.content.decode()
    assert http.post(reverse("supervision:item_edit", args=[item.pk]),
                     {"notes": "Rewritten"}).status_code == 200
    assert http.post(reverse("supervision:item_add", args=[session.pk]),
                     {"title": "Late"}).status_code == 200
    worker = _http(world.keyworker)
    assert worker.post(reverse("supervision:reflect", args=[session.pk]),
                       {"text": "late"}).status_code == 200
    session.refresh_from_db()
    item.refresh_from_db()
    assert session.notes == "As agreed."
    assert item.notes == ""
    assert session.items.count() == 1
    assert session.worker_reflection == ""


def test_addendum_only_after_signing_by_the_worker_or_supervisor(world, sources):
    session = _session(world)
    http = _http(world.keyworker)
    resp = http.post(reverse("supervision:addendum", args=[session.pk]), {"text": "Early"})
    assert resp.status_code == 200
    assert not session.addenda.exists()
    services.session_sign(membership=world.memberships["supervisor"], session=session)
    assert http.post(reverse("supervision:addendum", args=[session.pk]),
                     {"text": "I spoke to the client as agreed."}).status_code == 302
    assert _http(world.colleague).post(reverse("supervision:addendum", args=[session.pk]),
                                       {"text": "Not mine"}).status_code == 404
    assert list(session.addenda.values_list("text", flat=True)) == [
        "I spoke to the client as agreed."]
    page = _http(world.supervisor).get(reverse("supervision:detail", args=[session.pk]))
    assert "I spoke to the client as agreed." in page.content.decode()


def test_a_future_session_cannot_be_signed_yet(world, sources):
    session = _session(world, held_on=timezone.localdate() + dt.timedelta(days=7))
    resp = _http(world.supervisor).post(reverse("supervision:sign", args=[session.pk]),
                                        follow=True)
    assert "on or after the day it is held" in resp.content.decode()
    session.refresh_from_db()
    assert not session.is_signed


def test_another_supervisor_of_the_unit_sees_matters_outside_their_units_as_placeholders(
        world, sources):
    """A supervisor of both units makes the session; one of unit A alone reads it."""
    _both, both_m = make_user("both_units", world.org, Role.SUPERVISOR,
                             [world.unit_a, world.unit_b])
    world.memberships["keyworker"].units.add(world.unit_b)
    other = world.relationships["other_unit"]
    matters.SOURCES.register("elsewhere", _fake_source([Item(
        source="elsewhere", kind="x", title="Unit B matter", client_id=other.client_id,
        relationship_id=other.pk, ref="elsewhere:b")]))
    session = services.session_create(membership=both_m, worker_id=world.keyworker.pk,
                                      held_on=timezone.localdate())
    assert session.items.filter(client_id=other.client_id).exists()
    page = _http(world.supervisor).get(reverse("supervision:detail", args=[session.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Unit B matter" not in body
    assert other.client.display_name not in body
    assert "not open to you" in body


def test_demo_has_a_signed_past_session_and_an_upcoming_one_for_sam_with_kim(db):
    from keywork.demo.services import demo_seed

    as_of = dt.date(2025, 6, 30)
    demo_seed(clients=30, seed=7, as_of=as_of, progress=False)
    sessions = list(Session.objects.filter(supervisor__username="sam", worker__username="kim")
                    .order_by("held_on"))
    assert [s.is_signed for s in sessions] == [True, False]
    assert sessions[0].held_on < as_of < sessions[1].held_on
    assert sessions[0].items.count() >= 1
    assert sessions[0].actions.count() >= 1
