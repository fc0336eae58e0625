"""The client record pages: admission, the client page, edits, history, episodes."""

from __future__ import annotations

import datetime as dt
import re

from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from keywork.clients.models import Client, Episode
from keywork.contacts import services as contact_services
from keywork.relationships import services as rel_services
from tests.helpers import login_as


def _as(world, who: str) -> HttpClient:
    return login_as(HttpClient(), world.users[who])


def _url(name: str, pk: int | None = None) -> str:
    return reverse(name, kwargs={"pk": pk} if pk is not None else None)


def _admit_data(world, **over: str) -> dict[str, str]:
    today = timezone.localdate()
    data = {
        "given_name": "Frida", "family_name": "Newcome", "date_of_birth": "1990-02-03",
        "preferred_language": "Swedish", "own_words": "I want to see my daughter again.",
        "unit": str(world.unit_a.pk), "legal_basis": str(world.legal_basis.pk),
        "start_date": today.isoformat(),
        "planned_end_date": (today + dt.timedelta(days=180)).isoformat(),
    }
    data.update(over)
    return data


# --- admission ------------------------------------------------------------------------------


def test_supervisor_admits_a_client_with_a_first_episode(world):
    http = _as(world, "supervisor")
    resp = http.post(_url("clients:admit"), _admit_data(world))
    client = Client.objects.get(family_name="Newcome")
    assert resp.status_code == 302
    assert resp["Location"] == _url("records:client", client.pk)
    episode = client.episodes.get()
    assert (episode.unit, episode.legal_basis, episode.end_date) == (
        world.unit_a, world.legal_basis, None)
    page = http.get(resp["Location"]).content.decode()
    assert "I want to see my daughter again." in page
    assert "Propose a keyworker" in page


def test_admit_offers_only_the_supervisors_units_and_keeps_input_on_errors(world):
    http = _as(world, "supervisor")
    form = http.get(_url("clients:admit")).content.decode()
    assert world.unit_a.name in form
    assert world.unit_b.name not in form
    today = timezone.localdate()
    resp = http.post(_url("clients:admit"), _admit_data(
        world, family_name="", unit=str(world.unit_b.pk),
        planned_end_date=(today - dt.timedelta(days=1)).isoformat()))
    page = resp.content.decode()
    assert resp.status_code == 200
    assert not Client.objects.filter(given_name="Frida").exists()
    assert "This field is required." in page
    assert "Select a valid choice." in page
    assert "The planned end cannot be before the start." in page
    assert 'value="Frida"' in page
    assert "I want to see my daughter again." in page


def test_keyworker_cannot_admit_a_client(world):
    resp = _as(world, "keyworker").post(_url("clients:admit"), _admit_data(world))
    assert resp.status_code == 403
    assert not Client.objects.filter(family_name="Newcome").exists()


# --- the client page ------------------------------------------------------------------------


def test_client_page_shows_the_record_the_relationship_and_the_contacts(world):
    client = world.clients["own"]
    page = _as(world, "keyworker").get(_url("records:client", client.pk)).content.decode()
    assert "<h1>Anna Own</h1>" in page
    assert 'class="own-words own-words-lead">My children.' in page
    assert "Compulsory care" in page
    assert "Formal power over the client" in page
    assert "Not yet asked" in page  # consent
    # The introduction of the current relationship, in the client's words.
    assert "You have to tell them if my kids are not safe." in page
    assert "a child at risk, absconding" in page
    # The relationship history and the timeline.
    assert "First allocation for this episode" in page
    assert "Deputy Test" in page
    assert "Talked about the week ahead." in page
    assert "Not signed" in page
    # The quick contact form posts to the contact log of the current relationship.
    log_url = _url("contacts:log", world.relationships["own"].pk)
    assert f'action="{log_url}"' in page
    assert f'hx-post="{log_url}"' in page


def test_client_page_is_not_found_for_a_keyworker_without_the_client(world):
    resp = _as(world, "keyworker").get(_url("records:client", world.clients["same_unit"].pk))
    assert resp.status_code == 404


def test_client_page_offers_each_role_only_its_actions(world):
    client = world.clients["own"]
    episode = client.episodes.get()
    access_log = _url("records:access_log", client.pk)
    keyworker = _as(world, "keyworker").get(_url("records:client", client.pk)).content.decode()
    supervisor = _as(world, "supervisor").get(_url("records:client", client.pk)).content.decode()
    manager = _as(world, "manager").get(_url("records:client", client.pk)).content.decode()

    assert _url("relationships:ending", world.relationships["own"].pk) in keyworker
    assert _url("clients:edit", client.pk) in keyworker
    for supervisor_only in (access_log, _url("clients:episode_end", episode.pk),
                            _url("relationships:deputy", world.relationships["own"].pk)):
        assert supervisor_only in supervisor
        assert supervisor_only not in keyworker
    assert "quick-contact" not in manager
    assert _url("clients:edit", client.pk) not in manager
    assert _url("clients:history", client.pk) in manager


def test_protected_identity_shows_the_reference_as_the_heading(world):
    client = world.clients["own"]
    Client.objects.filter(pk=client.pk).update(protected_identity=True, address="Secret road 1")
    client.refresh_from_db()
    page = _as(world, "keyworker").get(_url("records:client", client.pk)).content.decode()
    heading = re.search(r"<h1>(.*?)</h1>", page).group(1)
    assert client.pseudonym in heading
    assert "Anna" not in heading
    assert "Protected identity" in page
    assert f"<title>{client.display_name}" in page
    # Name and address only inside the reveal, never in the page head.
    assert page.index("Secret road 1") > page.index("<summary>")


def test_timeline_shows_newest_contacts_first_and_older_ones_on_request(world):
    rel = world.relationships["own"]
    membership = world.memberships["keyworker"]
    start = timezone.now() - dt.timedelta(days=30)
    for i in range(21):
        contact_services.contact_record(
            membership=membership, relationship=rel, occurred_at=start + dt.timedelta(hours=i),
            kind="everyday", note=f"Corridor talk number {i:02d}.")
    http = _as(world, "keyworker")
    url = _url("records:client", rel.client_id)
    page = http.get(url).content.decode()
    assert page.index("Talked about the week ahead.") < page.index("Corridor talk number 20.")
    assert "Corridor talk number 02." in page  # twenty shown
    assert "Corridor talk number 01." not in page
    assert "Show older contacts" in page

    more = http.get(url, {"shown": "40"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="timeline")
    fragment = more.content.decode()
    assert "<html" not in fragment
    assert 'id="timeline"' in fragment
    assert "Corridor talk number 00." in fragment
    assert "Show older contacts" not in fragment


# --- editing and history --------------------------------------------------------------------


def test_keyworker_edits_the_client_and_the_history_shows_who_changed_what(world):
    client = world.clients["own"]
    http = _as(world, "keyworker")
    form = http.get(_url("clients:edit", client.pk)).content.decode()
    assert 'value="Anna"' in form
    resp = http.post(_url("clients:edit", client.pk), {
        "given_name": "Anna", "family_name": "Own", "date_of_birth": "1985-05-17",
        "preferred_language": "Finnish", "own_words": "My children, and a job."})
    assert resp.status_code == 302
    client.refresh_from_db()
    assert (client.preferred_language, client.own_words) == ("Finnish", "My children, and a job.")

    history = http.get(_url("clients:history", client.pk)).content.decode()
    assert "What matters to me, in my own words" in history
    assert "<del>My children.</del>" in history
    assert "<ins>My children, and a job.</ins>" in history
    assert "Keyworker Test" in history


def test_edit_errors_keep_what_the_user_typed(world):
    client = world.clients["own"]
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    resp = _as(world, "keyworker").post(_url("clients:edit", client.pk), {
        "given_name": "Annika", "family_name": "Own", "date_of_birth": future,
        "own_words": "Words I do not want to lose."})
    page = resp.content.decode()
    assert resp.status_code == 200
    assert "The date of birth cannot be in the future." in page
    assert 'value="Annika"' in page
    assert "Words I do not want to lose." in page
    client.refresh_from_db()
    assert client.given_name == "Anna"


def test_edit_and_history_are_not_found_for_the_wrong_user(world):
    client = world.clients["own"]
    http = _as(world, "colleague")
    assert http.get(_url("clients:edit", client.pk)).status_code == 404
    assert http.get(_url("clients:history", client.pk)).status_code == 404
    assert _as(world, "manager").post(_url("clients:edit", client.pk), {}).status_code == 404


# --- episodes ---------------------------------------------------------------------------------


def test_episode_ends_only_after_the_relationship_moves_to_its_ending(world):
    rel = world.relationships["own"]
    episode = rel.episode
    http = _as(world, "supervisor")
    data = {"end_date": timezone.localdate().isoformat(), "outcome": "completed",
            "outcome_note": "Finished the programme."}
    refused = http.post(_url("clients:episode_end", episode.pk), data)
    assert refused.status_code == 200
    assert "Move the keyworker relationship to its ending" in refused.content.decode()
    assert "Finished the programme." in refused.content.decode()

    rel_services.relationship_start_ending(membership=world.memberships["supervisor"],
                                           relationship=rel, end_reason="episode_ended")
    done = http.post(_url("clients:episode_end", episode.pk), data)
    assert done.status_code == 302
    episode.refresh_from_db()
    assert (episode.outcome, episode.outcome_note) == ("completed", "Finished the programme.")


def test_new_episode_only_when_none_is_open(world):
    client = world.clients["ended"]
    http = _as(world, "supervisor")
    page = http.get(_url("clients:episode_new", client.pk)).content.decode()
    assert "already has an open episode" in page
    Episode.objects.filter(client=client).update(end_date=timezone.localdate(),
                                                  outcome="completed")
    resp = http.post(_url("clients:episode_new", client.pk), {
        "unit": world.unit_a.pk, "legal_basis": world.voluntary.pk,
        "start_date": timezone.localdate().isoformat()})
    assert resp.status_code == 302
    assert client.episodes.filter(end_date__isnull=True, legal_basis=world.voluntary).exists()


def test_supervisor_records_consent_and_errors_keep_input(world):
    episode = world.relationships["own"].episode
    http = _as(world, "supervisor")
    url = _url("clients:episode_edit", episode.pk)
    data = {"legal_basis": episode.legal_basis_id, "consent": "partial",
            "consent_note": "Share with the probation officer, not with my mother."}
    missing_date = http.post(url, data)
    assert missing_date.status_code == 200
    assert "Give the date the client answered." in missing_date.content.decode()
    assert "not with my mother." in missing_date.content.decode()
    data["consent_date"] = timezone.localdate().isoformat()
    assert http.post(url, data).status_code == 302
    episode.refresh_from_db()
    assert (episode.consent, episode.consent_note) == ("partial", data["consent_note"])


def test_episode_pages_are_not_found_for_a_keyworker(world):
    episode = world.relationships["own"].episode
    http = _as(world, "keyworker")
    for name in ("clients:episode_edit", "clients:episode_end"):
        assert http.get(_url(name, episode.pk)).status_code == 404
    assert http.get(_url("clients:episode_new", episode.client_id)).status_code == 404
