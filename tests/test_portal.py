"""The client's check-in pages: no account, a one-time link, plain words, exactly once."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
import time_machine
from django.test import Client as HttpClient
from django.urls import reverse

from keywork.checkins import services, space
from keywork.checkins.models import (
    CheckinLink,
    CheckinResponse,
    PrivateComment,
    SharingChoice,
    Visibility,
)
from keywork.checkins.space import client_language
from keywork.clients.models import Client


def _link(world, mode: str = "link") -> tuple[CheckinLink, str]:
    return services.checkin_link_create(membership=world.memberships["keyworker"],
                                        relationship=world.relationships["own"], mode=mode)


def _form_url(token: str) -> str:
    return reverse("portal:checkin", kwargs={"token": token})


def _key(html: str) -> str:
    match = re.search(r'name="idempotency_key" value="([^"]+)"', html)
    assert match
    return match.group(1)


def _answers(key: str, **extra: str) -> dict[str, str]:
    return {"idempotency_key": key, "match": "9", "presence": "2",
            "personal_professional": "7", "cooperation": "6", "flexible_support": "8",
            "helped": "She came to court with me.", "could_be_better": "Answer the phone.",
            "visibility": "pattern", **extra}


def test_form_opens_without_an_account_with_eleven_large_buttons_per_question(world):
    _link_obj, token = _link(world)
    resp = HttpClient().get(_form_url(token))
    html = resp.content.decode()
    assert resp.status_code == 200
    assert html.count('type="radio" name="match"') == 12  # 0–10 and "skip"
    assert html.count('class="rating-option"') == 7 * 11
    assert "0 = Not at all" in html
    assert "10 = Completely" in html
    assert '<span class="visually-hidden">, Not at all</span>' in html
    assert 'name="helped"' in html
    assert 'name="could_be_better"' in html
    assert "Only the supervisor reads this." in html
    assert 'name="idempotency_key"' in html
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in html
    assert "no-store" in resp["Cache-Control"]


def test_form_shows_a_first_name_but_never_the_full_name(world):
    _link_obj, token = _link(world)
    html = HttpClient().get(_form_url(token)).content.decode()
    assert "Hello Anna." in html
    assert "Own" not in html.replace("own-words", "")
    assert "1985" not in html
    assert "Keyworker" in html  # the keyworker's first name: "about you and Keyworker"


def test_protected_identity_shows_no_name_at_all(world):
    Client.objects.filter(pk=world.clients["own"].pk).update(protected_identity=True)
    _link_obj, token = _link(world)
    html = HttpClient().get(_form_url(token)).content.decode()
    assert "Anna" not in html
    assert "Hello" not in html


@pytest.mark.parametrize(("preferred", "expected"), [
    ("Swedish", "sv"), ("svenska", "sv"), ("sv", "sv"), ("English", "en"), ("en", "en"),
    ("Arabic", None), ("", None)])
def test_the_clients_preferred_language_is_read_plainly(preferred, expected):
    assert client_language(preferred) == expected


def test_form_comes_in_swedish_for_a_client_who_prefers_it(world):
    Client.objects.filter(pk=world.clients["own"].pk).update(preferred_language="svenska")
    _link_obj, token = _link(world)
    html = HttpClient().get(_form_url(token)).content.decode()
    assert "Du och jag fungerar bra ihop som människor." in html
    assert 'lang="sv"' in html


def test_the_language_switch_wins_over_the_record(world):
    Client.objects.filter(pk=world.clients["own"].pk).update(preferred_language="svenska")
    _link_obj, token = _link(world)
    http = HttpClient()
    http.cookies["django_language"] = "en"
    assert "You and I get on well as people." in http.get(_form_url(token)).content.decode()


def test_choice_of_sharing_is_capped_by_the_policy(world):
    _link_obj, token = _link(world)
    html = HttpClient().get(_form_url(token)).content.decode()
    assert 'value="pattern"' in html
    assert 'value="nothing"' in html
    assert 'value="scores"' not in html
    assert re.search(r'value="pattern"[^>]*checked', html)  # the default is the policy


def test_submission_stores_once_and_a_retry_shows_the_same_thanks(world):
    _link_obj, token = _link(world)
    http = HttpClient()
    key = _key(http.get(_form_url(token)).content.decode())
    first = http.post(_form_url(token), _answers(key, private_comment="Just for you."))
    retry = HttpClient().post(_form_url(token), _answers(key, private_comment="Just for you."))
    assert first.status_code == retry.status_code == 302
    assert first["Location"] == retry["Location"] == reverse("portal:thanks",
                                                             kwargs={"token": token})
    resp = CheckinResponse.objects.get()
    assert resp.score_presence == 20.0
    assert resp.helped == "She came to court with me."
    assert PrivateComment.objects.get().text == "Just for you."
    assert SharingChoice.objects.get().visibility == Visibility.PATTERN
    thanks = http.get(first["Location"]).content.decode()
    assert "Thank you, Anna." in thanks


def test_skipped_questions_are_simply_not_answered(world):
    _link_obj, token = _link(world)
    http = HttpClient()
    key = _key(http.get(_form_url(token)).content.decode())
    http.post(_form_url(token), {"idempotency_key": key, "match": "", "presence": "5",
                                 "visibility": "nothing"})
    resp = CheckinResponse.objects.get()
    assert resp.answers == {"presence": 5}
    assert resp.score_match is None


def test_a_choice_above_the_policy_is_refused_on_the_form(world):
    _link_obj, token = _link(world)
    http = HttpClient()
    key = _key(http.get(_form_url(token)).content.decode())
    resp = http.post(_form_url(token), _answers(key, visibility="scores"))
    assert resp.status_code == 200
    assert not CheckinResponse.objects.exists()
    assert "Select a valid choice." in resp.content.decode()


def test_a_broken_key_keeps_the_answers_and_asks_to_send_again(world):
    _link_obj, token = _link(world)
    resp = HttpClient().post(_form_url(token), _answers("not-a-key"))
    html = resp.content.decode()
    assert resp.status_code == 200
    assert "send it again" in html
    assert not CheckinResponse.objects.exists()
    assert re.search(r'name="presence" id="[^"]+" value="2" checked', html)
    assert _key(html) != "not-a-key"


def test_used_link_is_gone_without_details(world):
    _link_obj, token = _link(world)
    http = HttpClient()
    key = _key(http.get(_form_url(token)).content.decode())
    http.post(_form_url(token), _answers(key))
    again = HttpClient().get(_form_url(token))
    assert again.status_code == 410
    assert "This link does not work" in again.content.decode()
    other = HttpClient().post(_form_url(token), _answers("a5a5a5a5-0000-4000-8000-000000000000"))
    assert other.status_code == 410
    assert CheckinResponse.objects.count() == 1


def test_expired_link_is_gone(world):
    link, token = _link(world)
    with time_machine.travel(link.expires_at + dt.timedelta(minutes=1)):
        resp = HttpClient().get(_form_url(token))
        thanks = HttpClient().get(reverse("portal:thanks", kwargs={"token": token}))
    assert resp.status_code == 410
    assert thanks.status_code == 410
    assert "Anna" not in resp.content.decode()


def test_unknown_token_is_not_found(world):
    for url in (_form_url("x" * 32), reverse("portal:thanks", kwargs={"token": "x" * 32})):
        resp = HttpClient().get(url)
        assert resp.status_code == 404
        assert "This link does not work" in resp.content.decode()


def test_thanks_shows_the_clients_own_history_while_the_link_lasts(world):
    older, _older_token = _link(world)
    services.client_checkin_submit(link=older, answers={"match": 2, "helped": "Nothing yet."},
                                   idempotency_key="00000000-0000-4000-8000-000000000001")
    _link_obj, token = _link(world)
    http = HttpClient()
    key = _key(http.get(_form_url(token)).content.decode())
    http.post(_form_url(token), _answers(key))
    thanks = http.get(reverse("portal:thanks", kwargs={"token": token}))
    html = thanks.content.decode()
    assert thanks.status_code == 200
    assert "Your check-ins" in html
    assert "She came to court with me." in html
    assert "Nothing yet." in html
    assert html.count('class="bar-value"') == 1  # one overall bar: the older one is unscored
    assert '<span class="bar-value">64</span>' in html  # (90+20+70+60+80)/5


def test_thanks_before_answering_goes_to_the_form(world):
    _link_obj, token = _link(world)
    resp = HttpClient().get(reverse("portal:thanks", kwargs={"token": token}))
    assert resp.status_code == 302
    assert resp["Location"] == _form_url(token)


def test_tablet_thanks_is_a_locked_screen_without_history(world):
    link, token = _link(world, mode="tablet")
    services.client_checkin_submit(link=link, answers={"match": 5, "helped": "Secret words."},
                                   idempotency_key="00000000-0000-4000-8000-000000000002")
    html = HttpClient().get(reverse("portal:thanks", kwargs={"token": token})).content.decode()
    assert "Thank you. Please hand the tablet back." in html
    assert "Secret words." not in html
    assert "Anna" not in html
    assert reverse("accounts:login") in html



def test_the_monthly_form_is_answered_the_same_way(world):
    _link_obj, token = services.checkin_link_create(
        membership=world.memberships["keyworker"], relationship=world.relationships["own"],
        instrument_code="checkin-client-monthly")
    http = HttpClient()
    html = http.get(_form_url(token)).content.decode()
    assert html.count('class="rating-option"') == 17 * 11
    http.post(_form_url(token), {"idempotency_key": _key(html), "match_welcome": "10",
                                 "match_put_on": "0", "visibility": "pattern"})
    resp = CheckinResponse.objects.get()
    assert resp.instrument_version.instrument.code == "checkin-client-monthly"
    assert resp.score_match == 100.0  # a reversed item at 0 is the favourable end


def test_reading_the_history_through_the_link_is_audited(world):
    from keywork.audit.models import AuditEvent

    link, token = _link(world)
    services.client_checkin_submit(link=link, answers={"match": 5},
                                   idempotency_key="00000000-0000-4000-8000-000000000004")
    HttpClient().get(reverse("portal:thanks", kwargs={"token": token}))
    row = AuditEvent.objects.get(action="view", object_type="checkinlink")
    assert row.actor_id is None
    assert row.client_id == world.clients["own"].pk


def test_link_stops_working_when_the_relationship_closes(world):
    from keywork.relationships import services as rel_services

    _link_obj, token = _link(world)
    rel = world.relationships["own"]
    sup = world.memberships["supervisor"]
    rel_services.relationship_start_ending(membership=sup, relationship=rel,
                                           end_reason="other")
    rel_services.relationship_close(membership=sup, relationship=rel)
    http = HttpClient()
    assert http.get(_form_url(token)).status_code == 410
    resp = http.post(_form_url(token), _answers("00000000-0000-4000-8000-000000000005"))
    assert resp.status_code == 410
    assert not CheckinResponse.objects.exists()


# --- the client's own page ------------------------------------------------------------------


def _space_url(token: str) -> str:
    return reverse("portal:space", kwargs={"token": token})


def test_own_page_opens_from_a_phone_link_before_and_after_the_check_in(world):
    _link_obj, token = _link(world)
    before = HttpClient().get(_space_url(token))
    assert before.status_code == 200
    html = before.content.decode()
    assert "Hello, Anna" in html
    assert f'href="{_form_url(token)}"' in html  # the check-in is still open
    assert "no-store" in before["Cache-Control"]
    from keywork.checkins.selectors import link_for_token

    link = link_for_token(token)
    assert link is not None
    services.client_checkin_submit(link=link, answers={"match": 8},
                                   idempotency_key=uuid.uuid4())
    after = HttpClient().get(_space_url(token)).content.decode()
    assert f'href="{_form_url(token)}"' not in after  # used: no second check-in
    assert "Your check-ins" in after


def test_own_page_is_never_shown_on_the_units_tablet(world):
    _link_obj, token = _link(world, mode="tablet")
    resp = HttpClient().get(_space_url(token))
    assert resp.status_code == 410
    assert "Anna" not in resp.content.decode()


def test_own_page_closes_when_the_link_expires_and_unknown_tokens_get_404(world):
    link, token = _link(world)
    with time_machine.travel(link.expires_at + dt.timedelta(minutes=1), tick=False):
        assert HttpClient().get(_space_url(token)).status_code == 410
    assert HttpClient().get(_space_url("not-a-token")).status_code == 404


def test_own_page_lists_the_sections_other_apps_register(world, monkeypatch):
    monkeypatch.setattr(space, "SECTIONS", [])
    space.register_section(url_name="portal:space", label="A section of its own",
                           description="What it is for", order=1)
    monkeypatch.setattr("keywork.portal.views.SECTIONS", space.SECTIONS)
    _link_obj, token = _link(world)
    html = HttpClient().get(_space_url(token)).content.decode()
    assert "A section of its own" in html
    assert "What it is for" in html
