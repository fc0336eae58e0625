"""The boundary register, drift, contact agreements, after closure and the gifts register,
driven through the pages as keyworkers, supervisors, managers and clients use them."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from keywork.audit.models import AuditEvent
from keywork.boundaries import services
from keywork.boundaries.models import BoundaryEvent, ContactAgreement
from keywork.boundaries.selectors import agenda_items
from keywork.checkins import services as checkin_services
from keywork.contacts.models import Contact
from keywork.core.matters import Scope, matters_for
from keywork.signals.models import Alert
from keywork.signals.text import alert_text, alert_title
from tests.helpers import login_as

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _as(world, name: str) -> HttpClient:
    return login_as(HttpClient(), world.users[name])


def _gift(world, **extra) -> dict[str, str]:
    data = {"worker": str(world.keyworker.pk), "kind": "gift",
            "occurred_on": TODAY().isoformat(), "accepted": "no", "value": "50",
            "context": "She offered a scarf she had knitted; I thanked her and said no."}
    data.update(extra)
    return data


def _declare(world, who: str = "keyworker", days_ago: int = 0, kind: str = "gift",
             rel: str = "own") -> BoundaryEvent:
    relationship = world.relationships[rel]
    return services.event_record(
        membership=world.memberships[who], client=relationship.client,
        relationship=relationship, worker_id=world.users[who].pk, kind=kind,
        occurred_on=TODAY() - dt.timedelta(days=days_ago), accepted=False,
        context=f"{kind} {days_ago} days ago")


# --- declaring and recording ----------------------------------------------------------------

def test_keyworker_declares_a_gift_and_it_is_audited_with_history(world):
    rel = world.relationships["own"]
    resp = _as(world, "keyworker").post(reverse("boundaries:record", args=[rel.pk]),
                                        _gift(world))
    event = BoundaryEvent.objects.get()
    assert resp.status_code == 302
    assert resp["Location"] == reverse("boundaries:event", args=[event.pk])
    assert (event.worker, event.client, event.relationship) == (
        world.keyworker, rel.client, rel)
    assert (event.source, event.severity, event.accepted, event.value) == (
        "declared", "minor", False, 50)
    assert AuditEvent.objects.filter(object_type="boundaryevent", action="create",
                                     object_id=str(event.pk)).exists()
    assert event.history.count() == 1
    page = _as(world, "keyworker").get(resp["Location"])
    assert b"scarf she had knitted" in page.content
    assert AuditEvent.objects.filter(object_type="boundaryevent", action="view",
                                     object_id=str(event.pk)).exists()


def test_gift_without_accepted_or_declined_is_refused_and_nothing_is_lost(world):
    rel = world.relationships["own"]
    resp = _as(world, "keyworker").post(reverse("boundaries:record", args=[rel.pk]),
                                        _gift(world, accepted=""))
    assert resp.status_code == 200
    assert b"accepted or declined" in resp.content
    assert b"scarf she had knitted" in resp.content
    assert not BoundaryEvent.objects.exists()


def test_accepted_invitation_must_be_for_that_event_only(world):
    rel = world.relationships["own"]
    http = _as(world, "keyworker")
    data = _gift(world, kind="invitation", accepted="yes", value="")
    resp = http.post(reverse("boundaries:record", args=[rel.pk]), data)
    assert resp.status_code == 200
    assert not BoundaryEvent.objects.exists()
    data["that_event_only"] = "on"
    resp = http.post(reverse("boundaries:record", args=[rel.pk]), data)
    assert resp.status_code == 302
    assert BoundaryEvent.objects.get().that_event_only is True


def test_default_severity_follows_the_organisations_choice(world):
    services.settings_save(membership=world.memberships["administrator"], drift_count=3,
                           drift_window_days=90, post_closure_days=365,
                           severity_defaults={"gift": "significant"})
    rel = world.relationships["own"]
    _as(world, "keyworker").post(reverse("boundaries:record", args=[rel.pk]), _gift(world))
    assert BoundaryEvent.objects.get().severity == "significant"


def test_keyworker_cannot_record_in_another_workers_relationship(world):
    http = _as(world, "keyworker")
    for name in ("same_unit", "other_unit", "other_org_client", "ended"):
        rel = world.relationships[name]
        resp = http.post(reverse("boundaries:record", args=[rel.pk]), _gift(world))
        assert resp.status_code == 404, name
    assert not BoundaryEvent.objects.exists()


def test_deputy_records_an_event_about_the_keyworker(world):
    rel = world.relationships["own"]
    resp = _as(world, "deputy").post(reverse("boundaries:record", args=[rel.pk]),
                                     _gift(world, kind="social_media", accepted=""))
    assert resp.status_code == 302
    event = BoundaryEvent.objects.get()
    assert (event.worker, event.created_by, event.source) == (
        world.keyworker, world.deputy, "recorded")
    assert event.accepted is None
    assert event.value is None


def test_an_event_cannot_be_about_someone_outside_the_relationship(world):
    rel = world.relationships["own"]
    resp = _as(world, "keyworker").post(reverse("boundaries:record", args=[rel.pk]),
                                        _gift(world, worker=str(world.colleague.pk)))
    assert resp.status_code == 200
    assert not BoundaryEvent.objects.exists()


def test_supervisor_records_a_private_connection_before_any_relationship(world):
    client = world.clients["same_unit"]
    resp = _as(world, "supervisor").post(
        reverse("boundaries:client_record", args=[client.pk]),
        {"worker": str(world.keyworker.pk), "kind": "conflict_of_interest",
         "occurred_on": TODAY().isoformat(), "context": "They are cousins."})
    assert resp.status_code == 302
    assert BoundaryEvent.objects.filter(kind="conflict_of_interest", worker=world.keyworker,
                                        client=client, relationship__isnull=True).exists()
    assert _as(world, "keyworker").get(
        reverse("boundaries:client_record", args=[world.clients["own"].pk])).status_code == 404
    assert _as(world, "supervisor_b").get(
        reverse("boundaries:client_record", args=[client.pk])).status_code == 404


# --- reflection and review ----------------------------------------------------------------

def test_worker_reflects_and_a_supervisor_cannot_write_it_for_them(world):
    event = _declare(world)
    url = reverse("boundaries:reflect", args=[event.pk])
    resp = _as(world, "supervisor").post(url, {"reflection": "Not mine to write."})
    assert resp.status_code == 200
    assert b"Only the worker the event is about" in resp.content
    event.refresh_from_db()
    assert event.reflection == ""
    resp = _as(world, "keyworker").post(url, {"reflection": "I felt I could not say no."})
    assert resp.status_code == 302
    event.refresh_from_db()
    assert event.reflection == "I felt I could not say no."
    assert event.reflected_at


def test_supervisor_reviews_with_outcome_and_date_and_keyworker_cannot(world):
    event = _declare(world)
    url = reverse("boundaries:review", args=[event.pk])
    data = {"outcome": "noted", "review_note": "Talked it through; declining was right.",
            "reviewed_on": TODAY().isoformat(), "severity": "minor"}
    assert _as(world, "keyworker").post(url, data).status_code == 404
    assert _as(world, "supervisor_b").post(url, data).status_code == 404
    future = dict(data, reviewed_on=(TODAY() + dt.timedelta(days=2)).isoformat())
    assert _as(world, "supervisor").post(url, future).status_code == 200
    event.refresh_from_db()
    assert not event.is_reviewed
    resp = _as(world, "supervisor").post(url, data)
    assert resp.status_code == 302
    event.refresh_from_db()
    assert (event.outcome, event.reviewed_on, event.reviewed_by) == (
        "noted", TODAY(), world.supervisor)
    page = _as(world, "keyworker").get(reverse("boundaries:event", args=[event.pk]))
    assert b"declining was right" in page.content


def test_supervisor_does_not_review_an_event_about_themselves(world):
    rel = world.relationships["own"]
    event = services.event_record(
        membership=world.memberships["supervisor"], client=rel.client, relationship=rel,
        worker_id=world.supervisor.pk, kind="messages", occurred_on=TODAY(),
        context="I texted her late about the weekend.")
    resp = _as(world, "supervisor").post(
        reverse("boundaries:review", args=[event.pk]),
        {"outcome": "noted", "review_note": "Fine.", "reviewed_on": TODAY().isoformat(),
         "severity": "minor"})
    assert resp.status_code == 200
    assert b"reviewed by another supervisor" in resp.content
    event.refresh_from_db()
    assert not event.is_reviewed


# --- drift --------------------------------------------------------------------------------

def test_third_minor_event_raises_one_drift_alert_with_the_timeline(world):
    rel = world.relationships["own"]
    _declare(world, days_ago=40)
    _declare(world, days_ago=20, kind="personal_phone")  # significant: does not count
    _declare(world, days_ago=10, kind="messages")
    assert not Alert.objects.filter(code="boundary_drift").exists()
    third = _declare(world, days_ago=1, kind="physical_contact")
    alert = Alert.objects.get(code="boundary_drift", relationship=rel)
    params = alert.facts["params"]
    assert (params["count"], params["days"]) == (3, 90)
    assert [row["kind"] for row in params["timeline"]] == ["gift", "messages",
                                                           "physical_contact"]
    assert params["timeline"][-1]["event"] == third.pk
    assert alert.source == "boundaries"
    assert "3 minor boundary events" in alert_text("boundary_drift", params)
    assert alert_title("boundary_drift") != "boundary drift"
    _declare(world, days_ago=0, kind="other")
    assert Alert.objects.filter(code="boundary_drift").count() == 1
    page = _as(world, "supervisor").get(reverse("boundaries:drift", args=[rel.pk]))
    assert page.status_code == 200
    assert page.content.count(b"part of the drift") == 4


def test_minor_events_spread_wider_than_the_window_raise_nothing(world):
    for days in (200, 100, 5):
        _declare(world, days_ago=days)
    assert not Alert.objects.filter(code="boundary_drift").exists()


def test_drift_rule_follows_the_organisations_settings(world):
    http = _as(world, "administrator")
    data = {"drift_count": "2", "drift_window_days": "30", "post_closure_days": "180"}
    data.update({f"severity_{k}": v for k, v in
                 __import__("keywork.domain.boundaries", fromlist=["x"])
                 .DEFAULT_SEVERITY.items()})
    assert http.post(reverse("boundaries:settings"), data).status_code == 302
    assert _as(world, "supervisor").get(reverse("boundaries:settings")).status_code == 404
    _declare(world, days_ago=20)
    _declare(world, days_ago=2)
    assert Alert.objects.filter(code="boundary_drift").count() == 1


def test_raising_severity_in_review_can_end_a_drift_but_lowering_can_start_one(world):
    first = _declare(world, days_ago=9, kind="personal_phone")   # significant
    _declare(world, days_ago=5)
    _declare(world, days_ago=3)
    assert not Alert.objects.filter(code="boundary_drift").exists()
    services.event_review(membership=world.memberships["supervisor"], event=first,
                          outcome="noted", review_note="Only the work phone now.",
                          severity="minor")
    assert Alert.objects.filter(code="boundary_drift").exists()


# --- contacts count as events -------------------------------------------------------------

def _log(world, when: dt.datetime, channel: str = "in_person"):
    rel = world.relationships["own"]
    return _as(world, "keyworker").post(reverse("contacts:log", args=[rel.pk]), {
        "kind": "phone", "occurred_at": timezone.localtime(when).strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": "5", "initiated_by": "client", "attended": "yes",
        "channel": channel, "note": "Called about the appointment."})


def test_contact_on_a_personal_device_becomes_a_minor_boundary_event(world):
    assert _log(world, timezone.now() - dt.timedelta(hours=1),
                channel="personal_device").status_code == 302
    contact = Contact.objects.get(channel="personal_device")
    event = BoundaryEvent.objects.get(contact=contact)
    assert (event.kind, event.severity, event.source, event.worker) == (
        "personal_phone", "minor", "contact_log", world.keyworker)


def test_contact_changed_to_a_personal_device_becomes_one_event_however_often_edited(world):
    from keywork.contacts.services import contact_update

    assert _log(world, timezone.now() - dt.timedelta(hours=1)).status_code == 302
    contact = Contact.objects.get(note="Called about the appointment.")
    assert not BoundaryEvent.objects.filter(contact=contact).exists()
    membership = world.memberships["keyworker"]
    contact_update(membership=membership, contact=contact, channel="personal_device")
    contact_update(membership=membership, contact=contact, note="Texted about the meeting.")
    event = BoundaryEvent.objects.get(contact=contact)
    assert (event.kind, event.severity, event.source) == ("personal_phone", "minor",
                                                          "contact_log")


def test_contact_outside_the_agreed_hours_becomes_an_event_and_inside_does_not(world):
    rel = world.relationships["own"]
    services.agreement_save(membership=world.memberships["keyworker"], relationship=rel,
                            per_week=2, hours_from=dt.time(9), hours_to=dt.time(16),
                            channels=["in_person"], agreed_on=TODAY() - dt.timedelta(days=1))
    day = timezone.localtime() - dt.timedelta(days=1)
    _log(world, day.replace(hour=10, minute=0))
    assert not BoundaryEvent.objects.exists()
    _log(world, day.replace(hour=21, minute=30), channel="org_phone")
    event = BoundaryEvent.objects.get()
    assert event.kind == "other"
    assert "21:30" in event.context
    page = _as(world, "keyworker").get(reverse("boundaries:agreement", args=[rel.pk]))
    assert b"outside the agreed hours" in page.content
    assert b"through a channel not agreed" in page.content  # the late call, on the phone


# --- contact agreements -------------------------------------------------------------------

def test_keyworker_makes_an_agreement_manager_reads_it_but_cannot_change_it(world):
    rel = world.relationships["own"]
    url = reverse("boundaries:agreement_edit", args=[rel.pk])
    data = {"per_week": "1", "channels": ["in_person", "org_phone"], "weekdays": ["0", "3"],
            "hours_from": "10:00", "hours_to": "15:00", "agreed_on": TODAY().isoformat(),
            "client_tasks": "She books her own dentist and calls the housing office."}
    assert _as(world, "keyworker").post(url, dict(data, hours_to="")).status_code == 200
    assert not ContactAgreement.objects.exists()
    assert _as(world, "keyworker").post(url, data).status_code == 302
    agreement = ContactAgreement.objects.get(relationship=rel)
    assert agreement.weekdays == [0, 3]
    assert agreement.channels == ["in_person", "org_phone"]
    assert _as(world, "manager").post(url, data).status_code == 404
    page = _as(world, "manager").get(reverse("boundaries:agreement", args=[rel.pk]))
    assert b"books her own dentist" in page.content
    assert _as(world, "colleague").get(
        reverse("boundaries:agreement", args=[rel.pk])).status_code == 404


# --- the client's private worry -----------------------------------------------------------

def _token(world) -> str:
    _link, token = checkin_services.checkin_link_create(
        membership=world.memberships["keyworker"], relationship=world.relationships["own"])
    return token


def test_client_raises_a_worry_the_supervisor_sees_and_the_keyworker_never_does(world):
    token = _token(world)
    url = reverse("portal:boundaries_concern", args=[token])
    page = HttpClient().get(url)
    assert page.status_code == 200
    assert HttpClient().post(url, {"text": ""}).status_code == 200
    assert not BoundaryEvent.objects.exists()
    resp = HttpClient().post(url, {"text": "He keeps messaging me at night."})
    assert resp.status_code == 200
    assert b"A supervisor will read it" in resp.content
    event = BoundaryEvent.objects.get()
    assert event.source == "client"
    assert event.worker == world.keyworker
    kw = _as(world, "keyworker")
    assert kw.get(reverse("boundaries:event", args=[event.pk])).status_code == 404
    rel_page = kw.get(reverse("boundaries:relationship", args=[world.relationships["own"].pk]))
    assert b"messaging me at night" not in rel_page.content
    assert b"messaging me at night" not in kw.get(reverse("boundaries:mine")).content
    sup = _as(world, "supervisor")
    assert b"Raised by the client" in sup.get(reverse("boundaries:mine")).content
    assert b"messaging me at night" in sup.get(
        reverse("boundaries:event", args=[event.pk])).content
    assert _as(world, "supervisor_b").get(
        reverse("boundaries:event", args=[event.pk])).status_code == 404
    items = agenda_items(Scope(organisation_id=world.org.pk, worker_ids=(world.keyworker.pk,),
                               since=timezone.now() - dt.timedelta(days=30)))
    assert not items


def test_worry_page_refuses_an_unknown_link(world):
    assert HttpClient().get(reverse("portal:boundaries_concern",
                                    args=["not-a-token"])).status_code == 404


# --- after closure ------------------------------------------------------------------------

def test_keyworker_records_contact_after_the_ending_with_a_reason_and_gets_the_template(world):
    ended = world.relationships["ended"]
    http = _as(world, "keyworker")
    page = http.get(reverse("boundaries:after_closure"))
    assert world.clients["ended"].display_name.encode() in page.content
    data = {"relationship": str(ended.pk), "occurred_on": TODAY().isoformat(),
            "context": "She called my work phone to tell me she has a flat."}
    assert http.post(reverse("boundaries:after_closure"), data).status_code == 200
    assert not BoundaryEvent.objects.exists()
    resp = http.post(reverse("boundaries:after_closure"),
                     dict(data, after_closure_reason="She wanted to share good news."))
    event = BoundaryEvent.objects.get()
    assert resp["Location"] == reverse("boundaries:after_closure_done", args=[event.pk])
    assert (event.kind, event.severity) == ("contact_after_ending", "significant")
    done = http.get(resp["Location"])
    assert b"strengths" in done.content
    assert b'lang="sv"' in done.content  # the Swedish text; its words come from the catalogue
    assert _as(world, "colleague").get(resp["Location"]).status_code == 404
    review = _as(world, "supervisor").get(reverse("boundaries:review", args=[event.pk]))
    assert b"She wanted to share good news." in review.content


def test_contact_after_the_ending_outside_the_period_is_not_offered(world):
    services.settings_save(membership=world.memberships["administrator"], drift_count=3,
                           drift_window_days=90, post_closure_days=10,
                           severity_defaults={})
    ended = world.relationships["ended"]
    ended.refresh_from_db()
    assert ended.post_closure_until == (timezone.localtime(ended.closed_at).date()
                                        + dt.timedelta(days=10))
    page = _as(world, "keyworker").get(reverse("boundaries:after_closure"))
    assert world.clients["ended"].display_name.encode() not in page.content
    resp = _as(world, "keyworker").post(reverse("boundaries:after_closure"), {
        "relationship": str(world.relationships["ended"].pk),
        "occurred_on": TODAY().isoformat(), "context": "Met in town.",
        "after_closure_reason": "By chance."})
    assert resp.status_code == 200
    assert not BoundaryEvent.objects.exists()


def test_contact_after_ending_is_refused_for_an_open_relationship(world):
    rel = world.relationships["own"]
    resp = _as(world, "keyworker").post(reverse("boundaries:record", args=[rel.pk]), _gift(
        world, kind="contact_after_ending", accepted="", after_closure_reason="Chance."))
    assert resp.status_code == 200
    assert not BoundaryEvent.objects.exists()


# --- gifts register -----------------------------------------------------------------------

def test_gifts_register_filters_by_date_and_downloads_csv_for_supervisors_and_managers(world):
    old = _declare(world, days_ago=40)
    recent = services.event_record(
        membership=world.memberships["keyworker"], client=world.clients["own"],
        relationship=world.relationships["own"], worker_id=world.keyworker.pk, kind="gift",
        occurred_on=TODAY() - dt.timedelta(days=2), accepted=True, value=120,
        context="=HYPERLINK(cake)")
    _declare(world, days_ago=1, kind="messages")  # not a gift
    assert _as(world, "keyworker").get(reverse("boundaries:gifts")).status_code == 404
    start = (TODAY() - dt.timedelta(days=10)).isoformat()
    for role in ("supervisor", "manager"):
        http = _as(world, role)
        page = http.get(reverse("boundaries:gifts"), {"start": start})
        assert page.status_code == 200
        assert [r.pk for r in page.context["rows"]] == [recent.pk]
        assert world.clients["own"].pseudonym.encode() in page.content
        assert world.clients["own"].family_name.encode() not in page.content
        every = http.get(reverse("boundaries:gifts"))
        assert {r.pk for r in every.context["rows"]} == {old.pk, recent.pk}
    resp = _as(world, "manager").get(reverse("boundaries:gifts"),
                                     {"start": start, "format": "csv"})
    assert resp["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(resp.content.decode())))
    assert len(rows) == 2
    assert rows[1][3] == world.clients["own"].pseudonym
    assert rows[1][5] == "120.00"
    assert rows[1][6].startswith("'=")
    bad = _as(world, "manager").get(reverse("boundaries:gifts"),
                                    {"start": TODAY().isoformat(), "end": start})
    assert bad.status_code == 200
    assert not bad.context["rows"]


# --- pages and the agenda -----------------------------------------------------------------

def test_relationship_page_shows_the_boundaries_panel(world):
    rel = world.relationships["own"]
    _declare(world)
    page = _as(world, "keyworker").get(reverse("records:relationship", args=[rel.pk]), follow=True)
    assert b"Professional boundaries" in page.content
    assert reverse("boundaries:relationship", args=[rel.pk]).encode() in page.content


def test_keyworker_sees_only_events_about_or_by_themselves(world):
    rel = world.relationships["own"]
    about_deputy = services.event_record(
        membership=world.memberships["supervisor"], client=rel.client, relationship=rel,
        worker_id=world.deputy.pk, kind="social_contact", occurred_on=TODAY(),
        context="Met at the football.")
    assert _as(world, "keyworker").get(
        reverse("boundaries:event", args=[about_deputy.pk])).status_code == 404
    assert _as(world, "deputy").get(
        reverse("boundaries:event", args=[about_deputy.pk])).status_code == 200
    assert _as(world, "manager").get(
        reverse("boundaries:event", args=[about_deputy.pk])).status_code == 200


def test_supervision_agenda_lists_events_to_review_and_open_drift(world):
    for days in (3, 2, 1):
        _declare(world, days_ago=days)
    items = matters_for(organisation_id=world.org.pk, worker_id=world.keyworker.pk,
                       since=timezone.now() - dt.timedelta(days=30))
    mine = [i for i in items if i.source == "boundaries"]
    assert sorted(i.kind for i in mine) == ["drift", "event_to_review",
                                            "event_to_review", "event_to_review"]
    assert mine[0].kind == "drift"
    assert not [i for i in matters_for(organisation_id=world.org.pk,
                                      worker_id=world.colleague.pk,
                                      since=timezone.now()) if i.source == "boundaries"]


def test_reaffirming_text_names_the_strengths_from_the_ending_and_greets_without_a_name(world):
    from keywork.boundaries.text import reaffirm_texts
    from keywork.clients.models import Client
    from keywork.endings.models import EndingChecklist

    rel = world.relationships["ended"]
    english, swedish = reaffirm_texts(rel)
    assert "[name two or three things you saw" in english.text
    assert "[nämn två eller tre saker du såg" in swedish.text
    EndingChecklist.objects.create(
        organisation=rel.organisation, relationship=rel, updated_by=world.keyworker,
        progress_named="You kept every court date, and you asked for help when you needed it.")
    Client.objects.filter(pk=rel.client_id).update(protected_identity=True)
    rel.client.refresh_from_db()
    english, swedish = reaffirm_texts(rel)
    assert english.text.startswith("Hello,\n\n")
    assert swedish.text.startswith("Hej,\n\n")
    for text in (english.text, swedish.text):
        assert "You kept every court date, and you asked for help when you needed it. " in text
        assert "[name two" not in text
        assert "[nämn två" not in text


# --- lists and their audit rows -------------------------------------------------------------

def _audit_mark() -> int:
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def test_boundaries_overview_names_the_clients_it_shows_in_one_audit_row(world):
    event = _declare(world)
    mark = _audit_mark()
    page = _as(world, "supervisor").get(reverse("boundaries:mine"))
    assert [e.pk for e in page.context["queue"]] == [event.pk]
    row = AuditEvent.objects.get(id__gt=mark, action="list")
    assert row.detail == f"boundary events: {event.client_id}"
    mark = _audit_mark()
    page = _as(world, "keyworker").get(reverse("boundaries:after_closure"))
    assert world.clients["ended"].display_name.encode() in page.content
    row = AuditEvent.objects.get(id__gt=mark, action="list")
    assert row.detail == f"post-closure relationships: {world.clients['ended'].pk}"


def test_gifts_register_audit_row_names_the_clients_shown(world):
    _declare(world)
    mark = _audit_mark()
    _as(world, "manager").get(reverse("boundaries:gifts"))
    row = AuditEvent.objects.get(id__gt=mark, action="list")
    assert row.detail == f"gifts register -..-: {world.clients['own'].pk}"


def test_keyworker_is_refused_a_private_connection_page_without_a_read_recorded(world):
    client = world.clients["own"]
    mark = _audit_mark()
    resp = _as(world, "keyworker").get(reverse("boundaries:client_record", args=[client.pk]))
    assert resp.status_code == 404
    assert not AuditEvent.objects.filter(id__gt=mark, action="view",
                                         client_id=client.pk).exists()


def test_post_closure_relationships_read_the_settings_once(world, django_assert_max_num_queries):
    from keywork.boundaries.selectors import post_closure_relationships
    from keywork.relationships.models import Relationship

    ended = world.relationships["ended"]
    Relationship.objects.filter(pk=ended.pk).update(
        post_closure_until=None, closed_at=timezone.now() - dt.timedelta(days=5))
    ended.refresh_from_db()
    for _ in range(5):
        ended.pk = None
        ended.save()
    membership = world.memberships["keyworker"]
    with django_assert_max_num_queries(2):
        rels = post_closure_relationships(membership)
    assert len(rels) == 6
