"""The relationship lifecycle through its pages, and the whole flow from admission to an
addendum on a signed note."""

from __future__ import annotations

import datetime as dt

from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from keywork.clients.models import Client
from keywork.contacts.models import Contact
from keywork.relationships import services as rel_services
from keywork.relationships.models import Relationship, Status
from tests.helpers import login_as


def _as(world, who: str) -> HttpClient:
    return login_as(HttpClient(), world.users[who])


def _url(name: str, pk: int) -> str:
    return reverse(name, kwargs={"pk": pk})


def _today() -> str:
    return timezone.localdate().isoformat()


def _propose_for_ended_client(world, worker: str = "colleague") -> Relationship:
    """A new proposed relationship on the open episode of the ``ended`` client."""
    return rel_services.relationship_propose(
        membership=world.memberships["supervisor"],
        episode=world.clients["ended"].episodes.get(), keyworker_id=world.users[worker].pk,
        start_reason="client_asked_for_change")


INTRODUCTION = {
    "held_on": "", "explained_role": "on", "explained_purpose": "on",
    "explained_powers": "on", "explained_confidentiality": "on",
    "client_understanding": "You write to the court, and you must call if my son is unsafe.",
}


def test_the_whole_flow_from_admission_to_an_addendum(world):
    supervisor, keyworker = _as(world, "supervisor"), _as(world, "keyworker")
    resp = supervisor.post(reverse("clients:admit"), {
        "given_name": "Greta", "family_name": "Flow", "date_of_birth": "1979-11-30",
        "own_words": "Stay sober for my son.", "unit": world.unit_a.pk,
        "legal_basis": world.legal_basis.pk, "start_date": _today()})
    client = Client.objects.get(family_name="Flow")
    episode = client.episodes.get()

    resp = supervisor.post(_url("relationships:propose", episode.pk), {
        "keyworker": world.keyworker.pk, "deputy": world.deputy.pk,
        "start_reason": "first_allocation", "start_note": "Both speak Finnish."})
    rel = Relationship.objects.get(client=client)
    assert resp.status_code == 302
    assert rel.status == Status.PROPOSED

    form = keyworker.get(_url("relationships:introduction", rel.pk)).content.decode()
    assert "I report to the court on your care." in form  # the powers, to read out
    assert "I must tell social services and the court." in form  # the limits
    resp = keyworker.post(_url("relationships:introduction", rel.pk),
                          {**INTRODUCTION, "held_on": _today()})
    assert resp.status_code == 302
    assert resp["Location"] == _url("relationships:activate", rel.pk)

    resp = keyworker.post(_url("relationships:activate", rel.pk))
    rel.refresh_from_db()
    assert resp.status_code == 302
    assert rel.status == Status.ACTIVE

    when = (timezone.localtime() - dt.timedelta(minutes=20)).strftime("%Y-%m-%dT%H:%M")
    resp = keyworker.post(_url("contacts:log", rel.pk), {
        "kind": "session", "occurred_at": when, "duration_minutes": "50",
        "initiated_by": "worker", "attended": "yes", "channel": "in_person",
        "note": "Agreed the first goals.", "sign": "1"})
    contact = Contact.objects.get(relationship=rel)
    assert resp.status_code == 302
    assert contact.is_signed

    refused = keyworker.get(_url("contacts:edit", contact.pk)).content.decode()
    assert "A signed note cannot be changed. Add an addendum instead." in refused
    assert 'name="note"' not in refused
    resp = keyworker.post(_url("contacts:edit", contact.pk), {
        "kind": "phone", "occurred_at": when, "duration_minutes": "5", "initiated_by": "client",
        "attended": "no", "channel": "org_phone", "note": "Rewritten."})
    contact.refresh_from_db()
    assert resp.status_code == 200
    assert contact.note == "Agreed the first goals."

    resp = keyworker.post(_url("contacts:addendum", contact.pk),
                          {"text": "The goals were agreed with his mother present."})
    assert resp.status_code == 302
    page = keyworker.get(_url("records:client", client.pk)).content.decode()
    assert "Agreed the first goals." in page
    assert "The goals were agreed with his mother present." in page
    assert "Addendum by Keyworker Test" in page
    assert "Stay sober for my son." in page


def test_keyworker_cannot_activate_without_an_introduction(world):
    rel = _propose_for_ended_client(world)
    http = _as(world, "colleague")
    page = http.get(_url("relationships:activate", rel.pk)).content.decode()
    assert "No introduction is recorded yet." in page
    assert "Only a supervisor can start a relationship without a complete introduction" in page
    assert 'name="waiver"' not in page
    resp = http.post(_url("relationships:activate", rel.pk), {"waiver": "Please."})
    assert resp.status_code == 200
    assert "Record a complete introduction first" in resp.content.decode()
    rel.refresh_from_db()
    assert rel.status == Status.PROPOSED


def test_supervisor_activates_without_an_introduction_by_writing_why(world):
    rel = _propose_for_ended_client(world)
    http = _as(world, "supervisor")
    page = http.get(_url("relationships:activate", rel.pk)).content.decode()
    assert 'name="waiver"' in page
    empty = http.post(_url("relationships:activate", rel.pk), {"waiver": "  "})
    assert empty.status_code == 200
    assert "Write why this relationship starts without a complete introduction." in (
        empty.content.decode())
    reason = "Client in crisis tonight; the introduction follows tomorrow."
    resp = http.post(_url("relationships:activate", rel.pk), {"waiver": reason})
    rel.refresh_from_db()
    assert resp.status_code == 302
    assert (rel.status, rel.introduction_waiver, rel.introduction_waived_by) == (
        Status.ACTIVE, reason, world.supervisor)
    client_page = http.get(_url("records:client", rel.client_id)).content.decode()
    assert "Started without a complete introduction" in client_page
    assert reason in client_page


def test_introduction_needs_the_clients_own_words_and_keeps_the_ticks(world):
    rel = _propose_for_ended_client(world)
    http = _as(world, "colleague")
    resp = http.post(_url("relationships:introduction", rel.pk), {
        **INTRODUCTION, "held_on": _today(), "client_understanding": "",
        "explained_powers": ""})
    page = resp.content.decode()
    assert resp.status_code == 200
    assert "Write down what the client understood, in their own words." in page
    assert 'name="explained_role" id="id_explained_role" checked' in page
    assert 'name="explained_powers" id="id_explained_powers" checked' not in page
    assert not hasattr(Relationship.objects.get(pk=rel.pk), "introduction")


def test_introduction_page_is_not_found_for_a_keyworker_of_another_client(world):
    rel = world.relationships["own"]
    assert _as(world, "colleague").get(
        _url("relationships:introduction", rel.pk)).status_code == 404


def test_propose_lists_people_of_the_unit_first(world):
    episode = world.clients["ended"].episodes.get()
    page = _as(world, "supervisor").get(_url("relationships:propose", episode.pk)).content.decode()
    here, elsewhere = page.index("In this unit"), page.index("Elsewhere in the service")
    assert here < page.index("Colleague Test") < elsewhere
    assert page.index("Supervisor_b Test") > elsewhere
    assert "The client asked for a change" in page


def test_propose_is_refused_while_the_episode_has_a_keyworker(world):
    episode = world.relationships["own"].episode
    http = _as(world, "supervisor")
    resp = http.post(_url("relationships:propose", episode.pk), {
        "keyworker": world.colleague.pk, "start_reason": "client_asked_for_change",
        "start_note": "She asked for someone else."})
    page = resp.content.decode()
    assert resp.status_code == 200
    assert "This episode already has a keyworker." in page
    assert "She asked for someone else." in page
    assert _as(world, "keyworker").get(
        _url("relationships:propose", episode.pk)).status_code == 404


def test_ending_and_closing_then_contact_after_closure_is_a_boundary_matter(world):
    rel = world.relationships["own"]
    http = _as(world, "keyworker")
    missing = http.post(_url("relationships:ending", rel.pk),
                        {"ending_from": _today(), "note": "Moving to a community team."})
    assert missing.status_code == 200
    assert "Moving to a community team." in missing.content.decode()
    resp = http.post(_url("relationships:ending", rel.pk), {
        "end_reason": "transfer", "ending_from": _today(), "note": "Moving on."})
    rel.refresh_from_db()
    assert resp.status_code == 302
    assert rel.status == Status.ENDING
    resp = http.post(_url("relationships:close", rel.pk), {"note": "Said goodbye well."})
    rel.refresh_from_db()
    assert resp.status_code == 302
    assert rel.status == Status.CLOSED
    # An hour later the client sends a text.
    Relationship.objects.filter(pk=rel.pk).update(
        closed_at=timezone.now() - dt.timedelta(hours=1))

    resp = http.post(_url("contacts:log", rel.pk), {
        "kind": "message", "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": "2", "initiated_by": "client", "attended": "yes",
        "channel": "personal_device", "note": "She texted me."})
    assert resp.status_code == 200
    assert "Contact after the ending is a boundary matter" in resp.content.decode()
    assert not Contact.objects.filter(note="She texted me.").exists()


def test_supervisor_changes_the_deputy_and_a_keyworker_cannot(world):
    rel = world.relationships["own"]
    assert _as(world, "keyworker").get(_url("relationships:deputy", rel.pk)).status_code == 404
    http = _as(world, "supervisor")
    form = http.get(_url("relationships:deputy", rel.pk)).content.decode()
    assert f'<option value="{world.deputy.pk}" selected>' in form
    resp = http.post(_url("relationships:deputy", rel.pk), {"deputy": world.colleague.pk})
    rel.refresh_from_db()
    assert resp.status_code == 302
    assert rel.deputy == world.colleague


def test_relationship_page_shows_lifecycle_contacts_and_history(world):
    rel = world.relationships["own"]
    page = _as(world, "deputy").get(rel.get_absolute_url()).content.decode()
    assert "First allocation for this episode" in page
    assert "You have to tell them if my kids are not safe." in page
    assert "Talked about the week ahead." in page
    assert "History of the relationship with" in page
    assert "Introduction" in page
    assert _as(world, "colleague").get(rel.get_absolute_url()).status_code == 404
