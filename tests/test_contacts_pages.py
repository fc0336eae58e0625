"""The contact log pages: logging (with and without HTMX), signing, editing, addenda."""

from __future__ import annotations

import datetime as dt

from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from keywork.contacts import services as contact_services
from keywork.contacts.models import Contact
from tests.helpers import login_as

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "timeline"}


def _as(world, who: str) -> HttpClient:
    return login_as(HttpClient(), world.users[who])


def _url(name: str, pk: int) -> str:
    return reverse(name, kwargs={"pk": pk})


def _fields(**over: str) -> dict[str, str]:
    when = timezone.localtime() - dt.timedelta(minutes=30)
    data = {"kind": "everyday", "occurred_at": when.strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": "10", "initiated_by": "client", "attended": "yes",
            "channel": "in_person", "note": "Asked about her court date in the corridor."}
    data.update(over)
    return data


def test_log_page_works_without_javascript(world):
    rel = world.relationships["own"]
    http = _as(world, "keyworker")
    page = http.get(_url("contacts:log", rel.pk)).content.decode()
    assert 'name="kind"' in page
    assert "Save and sign" in page
    assert "Talked about the week ahead." in page  # recent contacts
    resp = http.post(_url("contacts:log", rel.pk), _fields(channel="personal_device"))
    assert resp.status_code == 302
    assert resp["Location"] == rel.get_absolute_url()
    contact = Contact.objects.get(note__startswith="Asked about her court date")
    assert (contact.worker, contact.kind, contact.initiated_by, contact.duration_minutes) == (
        world.keyworker, "everyday", "client", 10)
    assert contact.needs_review
    assert not contact.is_signed
    page = http.get(resp["Location"]).content.decode()
    assert "Personal device: marked for review" in page
    assert "The contact is saved. It is not signed yet." in page


def test_htmx_log_returns_the_timeline_fragment_and_a_fresh_form(world):
    rel = world.relationships["own"]
    resp = _as(world, "keyworker").post(_url("contacts:log", rel.pk),
                                        _fields(sign="1", attended="no"), **HTMX)
    fragment = resp.content.decode()
    assert resp.status_code == 200
    assert "<html" not in fragment
    assert "<header" not in fragment
    assert fragment.lstrip().startswith('<section id="timeline"')
    assert "Asked about her court date in the corridor." in fragment
    assert "Did not attend" in fragment
    assert "Signed by Keyworker Test" in fragment
    assert "The contact is saved and signed." in fragment
    # The quick form comes back empty, swapped out of band.
    form = fragment[fragment.index('<form id="quick-contact"'):]
    assert 'hx-swap-oob="true"' in form
    assert "Asked about her court date" not in form
    assert Contact.objects.get(note__startswith="Asked about").is_signed


def test_htmx_log_with_errors_returns_the_form_with_what_was_typed(world):
    rel = world.relationships["own"]
    resp = _as(world, "keyworker").post(
        _url("contacts:log", rel.pk), _fields(kind="", duration_minutes="2000"), **HTMX)
    fragment = resp.content.decode()
    assert resp.status_code == 200
    assert resp["HX-Retarget"] == "#quick-contact"
    assert resp["HX-Reswap"] == "outerHTML"
    assert "<html" not in fragment
    assert 'id="timeline"' not in fragment
    assert "Choose the kind of contact." in fragment
    assert "Ensure this value is less than or equal to 1440." in fragment
    assert "Asked about her court date in the corridor." in fragment
    assert 'value="client" id="id_initiated_by_1" required checked' in fragment
    assert not Contact.objects.filter(note__startswith="Asked about").exists()


def test_log_refuses_a_contact_in_the_future_and_keeps_the_note(world):
    rel = world.relationships["own"]
    later = (timezone.localtime() + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    resp = _as(world, "keyworker").post(_url("contacts:log", rel.pk),
                                        _fields(occurred_at=later))
    page = resp.content.decode()
    assert resp.status_code == 200
    assert "<html" in page
    assert "A contact cannot be logged in the future." in page
    assert "Asked about her court date in the corridor." in page


def test_log_is_not_found_for_a_keyworker_of_another_client(world):
    rel = world.relationships["same_unit"]
    http = _as(world, "keyworker")
    assert http.get(_url("contacts:log", rel.pk)).status_code == 404
    assert http.post(_url("contacts:log", rel.pk), _fields()).status_code == 404
    assert not Contact.objects.filter(relationship=rel).exists()


def test_contact_page_shows_the_note_and_its_addenda(world):
    contact = world.own_contact
    membership = world.memberships["keyworker"]
    contact_services.contact_sign(membership=membership, contact=contact)
    contact_services.addendum_add(membership=membership, contact=contact,
                                  text="It was 30 minutes, not 45.")
    page = _as(world, "deputy").get(_url("contacts:detail", contact.pk)).content.decode()
    assert "Talked about the week ahead." in page
    assert "It was 30 minutes, not 45." in page
    assert "Addendum by Keyworker Test" in page
    assert _as(world, "colleague").get(_url("contacts:detail", contact.pk)).status_code == 404


def test_author_changes_an_unsigned_note(world):
    contact = world.own_contact
    http = _as(world, "keyworker")
    form = http.get(_url("contacts:edit", contact.pk)).content.decode()
    assert "Talked about the week ahead." in form
    resp = http.post(_url("contacts:edit", contact.pk),
                     _fields(kind="session", note="Talked about the week ahead and the court."))
    contact.refresh_from_db()
    assert resp.status_code == 302
    assert (contact.note, contact.initiated_by) == (
        "Talked about the week ahead and the court.", "client")


def test_only_the_author_changes_a_note_others_are_told_why(world):
    contact = world.own_contact
    page = _as(world, "supervisor").get(_url("contacts:edit", contact.pk)).content.decode()
    assert "Only the worker who logged this contact can change it." in page
    assert 'name="note"' not in page
    assert _as(world, "deputy").get(_url("contacts:edit", contact.pk)).status_code == 404


def test_supervisor_cannot_sign_a_keyworkers_note_and_is_told_so(world):
    contact = world.own_contact
    resp = _as(world, "supervisor").post(_url("contacts:sign", contact.pk), follow=True)
    assert resp.status_code == 200
    assert "Only the worker who logged this contact can sign it." in resp.content.decode()
    contact.refresh_from_db()
    assert not contact.is_signed


def test_author_signs_and_returns_to_the_page_they_came_from(world):
    contact = world.own_contact
    back = _url("records:client", contact.client_id)
    http = _as(world, "keyworker")
    resp = http.post(_url("contacts:sign", contact.pk), {"next": back})
    contact.refresh_from_db()
    assert resp.status_code == 302
    assert resp["Location"] == back
    assert contact.is_signed
    assert contact.signed_by == world.keyworker
    elsewhere = http.post(_url("contacts:sign", contact.pk), {"next": "https://evil.example/"})
    assert elsewhere["Location"] == _url("contacts:detail", contact.pk)
    assert http.get(_url("contacts:sign", contact.pk)).status_code == 405


def test_deputy_cannot_sign_the_keyworkers_note(world):
    contact = world.own_contact
    assert _as(world, "deputy").post(_url("contacts:sign", contact.pk)).status_code == 404
    contact.refresh_from_db()
    assert not contact.is_signed


def test_addendum_needs_a_signed_note_and_text(world):
    contact = world.own_contact
    http = _as(world, "keyworker")
    page = http.get(_url("contacts:addendum", contact.pk)).content.decode()
    assert "The note is not signed yet: change it directly." in page
    assert 'name="text"' not in page
    contact_services.contact_sign(membership=world.memberships["keyworker"], contact=contact)
    empty = http.post(_url("contacts:addendum", contact.pk), {"text": ""})
    assert empty.status_code == 200
    assert "Write the correction." in empty.content.decode()
    supervisor = _as(world, "supervisor")
    resp = supervisor.post(_url("contacts:addendum", contact.pk),
                           {"text": "Discussed in supervision."})
    assert resp.status_code == 302
    assert contact.addenda.get().author == world.supervisor
    assert _as(world, "colleague").get(_url("contacts:addendum", contact.pk)).status_code == 404
