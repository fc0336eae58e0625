"""Staff pages of check-ins: the link with its QR code, the tablet hand-over, the
keyworker's own check-in, the relationship's check-ins and the private comments."""

from __future__ import annotations

import re
import uuid

import pytest
from django.conf import settings
from django.test import Client as HttpClient
from django.urls import reverse

from keywork.checkins import services
from keywork.checkins.models import (
    CheckinLink,
    CheckinPolicy,
    CheckinResponse,
    PrivateComment,
    Visibility,
)
from keywork.checkins.selectors import link_for_token
from tests.helpers import login_as
from tests.matrix.checkins import form_version
from tests.test_checkins_submit import CLIENT_ANSWERS, WORKER_ANSWERS


def _as(world, who: str) -> HttpClient:
    return login_as(HttpClient(), world.users[who])


def _url(name: str, pk: int) -> str:
    return reverse(name, kwargs={"pk": pk})


def _rel(world, name: str = "own"):
    return world.relationships[name]


def _key(html: str) -> str:
    match = re.search(r'name="idempotency_key" value="([^"]+)"', html)
    assert match is not None
    return match.group(1)


def _client_checkin(world, comment: str = "", visibility: str | None = None):
    link, _token = services.checkin_link_create(membership=world.memberships["keyworker"],
                                                relationship=_rel(world))
    resp, _ = services.client_checkin_submit(
        link=link, answers=CLIENT_ANSWERS, idempotency_key=uuid.uuid4(),
        visibility=visibility, private_comment=comment)
    return resp


# --- the link -----------------------------------------------------------------------------------


def test_link_page_explains_and_makes_nothing_on_get(world):
    page = _as(world, "keyworker").get(_url("checkins:link_new", _rel(world).pk))
    assert page.status_code == 200
    assert "The link works once" in page.content.decode()
    assert not CheckinLink.objects.exists()


def test_new_link_is_shown_once_as_qr_code_and_address(world):
    http = _as(world, "keyworker")
    resp = http.post(_url("checkins:link_new", _rel(world).pk))
    html = resp.content.decode()
    assert resp.status_code == 200
    assert resp["Cache-Control"].startswith("max-age=0")
    link = CheckinLink.objects.get()
    match = re.search(re.escape(settings.SITE_URL) + r"/c/([A-Za-z0-9_-]+)/", html)
    assert match, "the address to copy"
    assert link_for_token(match.group(1)) == link
    assert '<svg' in html
    assert 'class="qr-code"' in html
    assert "<img" not in html
    assert "<script" not in html.split("</header>", 1)[1]
    assert link.mode == "link"
    assert link.created_by == world.keyworker
    again = http.get(_url("checkins:link_new", _rel(world).pk)).content.decode()
    assert match.group(1) not in again


def test_a_link_can_be_for_the_monthly_client_form(world):
    http = _as(world, "keyworker")
    page = http.get(_url("checkins:link_new", _rel(world).pk)).content.decode()
    assert 'value="checkin-client-monthly"' in page
    assert 'value="checkin-keyworker-short"' not in page  # not a form for the client
    http.post(_url("checkins:link_new", _rel(world).pk),
              {"instrument": "checkin-client-monthly"})
    assert CheckinLink.objects.get().instrument_version.instrument.code == (
        "checkin-client-monthly")


def test_a_keyworker_form_is_refused_for_a_link(world):
    resp = _as(world, "keyworker").post(_url("checkins:link_new", _rel(world).pk),
                                        {"instrument": "checkin-keyworker-short"})
    assert resp.status_code == 200
    assert "Select a valid choice." in resp.content.decode()
    assert not CheckinLink.objects.exists()


def test_closed_relationship_gets_a_message_and_no_link(world):
    resp = _as(world, "supervisor").post(_url("checkins:link_new", _rel(world, "ended").pk))
    assert resp.status_code == 200
    assert "check-ins are for open relationships" in resp.content.decode()
    assert not CheckinLink.objects.exists()


@pytest.mark.parametrize("who", ["colleague", "manager", "researcher"])
def test_others_cannot_make_a_link(world, who):
    resp = _as(world, who).post(_url("checkins:link_new", _rel(world).pk))
    assert resp.status_code == 404
    assert not CheckinLink.objects.exists()


# --- the tablet hand-over -------------------------------------------------------------------------


def test_handover_signs_the_worker_out_and_opens_the_clients_form(world):
    http = _as(world, "keyworker")
    old_session = http.cookies[settings.SESSION_COOKIE_NAME].value
    resp = http.post(_url("checkins:handover", _rel(world).pk))
    link = CheckinLink.objects.get()
    assert link.mode == "tablet"
    assert resp.status_code == 302
    assert resp["Location"].startswith("/c/")
    form = http.get(resp["Location"])
    assert form.status_code == 200
    assert 'name="match"' in form.content.decode()
    assert "Sign out" not in form.content.decode()  # nobody is signed in on the tablet
    # Nothing of the worker's is reachable, with the tablet's cookies or the old session's.
    for probe in (http, HttpClient()):
        if probe is not http:
            probe.cookies[settings.SESSION_COOKIE_NAME] = old_session
        page = probe.get(_url("records:client", world.clients["own"].pk))
        assert page.status_code == 302
        assert page["Location"].startswith("/accounts/login/")


def test_after_the_tablet_checkin_the_screen_locks(world):
    http = _as(world, "keyworker")
    form_url = http.post(_url("checkins:handover", _rel(world).pk))["Location"]
    page = http.get(form_url).content.decode()
    key = _key(page)
    done = http.post(form_url, {"idempotency_key": key, "match": "3", "helped": "Tea.",
                                "visibility": "pattern"}, follow=True)
    html = done.content.decode()
    assert "Thank you. Please hand the tablet back." in html
    assert reverse("accounts:login") in html
    assert "Tea." not in html
    assert "Your check-ins" not in html
    assert CheckinResponse.objects.get().mode == "tablet"


@pytest.mark.parametrize("who", ["colleague", "manager", "administrator", "researcher"])
def test_handover_is_not_for_others(world, who):
    http = _as(world, who)
    resp = http.post(_url("checkins:handover", _rel(world).pk))
    assert resp.status_code == 404
    assert not CheckinLink.objects.exists()


@pytest.mark.parametrize(("who", "scenario"), [("supervisor", "same_unit"),
                                              ("keyworker", "own")])
def test_handover_is_open_to_the_keyworker_and_the_units_supervisor(world, who, scenario):
    resp = _as(world, who).post(_url("checkins:handover", _rel(world, scenario).pk))
    assert resp.status_code == 302
    assert resp["Location"].startswith("/c/")


def test_handover_on_a_closed_relationship_keeps_the_supervisor_signed_in(world):
    http = _as(world, "supervisor")
    resp = http.post(_url("checkins:handover", _rel(world, "ended").pk))
    assert resp.status_code == 200
    assert "check-ins are for open relationships" in resp.content.decode()
    assert http.get(_url("records:client", world.clients["own"].pk)).status_code == 200


# --- the keyworker's own check-in -----------------------------------------------------------------


def _worker_form(http, rel) -> tuple[str, str]:
    page = http.get(_url("checkins:keyworker_form", rel.pk)).content.decode()
    key = _key(page)
    return page, key


def test_keyworker_gives_their_own_checkin_once_even_when_sent_twice(world):
    http = _as(world, "keyworker")
    page, key = _worker_form(http, _rel(world))
    assert "The client would say" in page
    assert page.count('type="radio" name="match"') == 11
    data = {**{k: str(v) for k, v in WORKER_ANSWERS.items()}, "role_clarity": "5",
            "confirmed_power": "5", "idempotency_key": key,
            "instrument": "checkin-keyworker-short"}
    first = http.post(_url("checkins:keyworker_form", _rel(world).pk), data)
    second = http.post(_url("checkins:keyworker_form", _rel(world).pk), data)
    resp = CheckinResponse.objects.get()
    assert first["Location"] == second["Location"] == _url("checkins:response", resp.pk)
    assert resp.submitted_by == world.keyworker
    assert resp.estimate_overall == 90.0
    shown = http.get(first["Location"]).content.decode()
    assert "The court letter." in shown
    assert "Your check-in is saved." in shown


def test_each_showing_of_the_form_has_a_new_key(world):
    http = _as(world, "keyworker")
    assert _worker_form(http, _rel(world))[1] != _worker_form(http, _rel(world))[1]


def test_keyworker_form_asks_for_the_missing_answers(world):
    http = _as(world, "keyworker")
    _page, key = _worker_form(http, _rel(world))
    resp = http.post(_url("checkins:keyworker_form", _rel(world).pk),
                     {"idempotency_key": key, "match": "5",
                      "instrument": "checkin-keyworker-short"})
    assert resp.status_code == 200
    assert "This field is required." in resp.content.decode()
    assert not CheckinResponse.objects.exists()


@pytest.mark.parametrize("who", ["deputy", "supervisor"])
def test_only_the_keyworker_gives_the_keyworker_checkin(world, who):
    http = _as(world, who)
    page = http.get(_url("checkins:keyworker_form", _rel(world).pk)).content.decode()
    assert "Only the keyworker of this relationship gives this check-in." in page
    data = {**{k: str(v) for k, v in WORKER_ANSWERS.items()}, "role_clarity": "5",
            "confirmed_power": "5", "idempotency_key": str(uuid.uuid4()),
            "instrument": "checkin-keyworker-short"}
    assert http.post(_url("checkins:keyworker_form", _rel(world).pk), data).status_code == 200
    assert not CheckinResponse.objects.exists()


def test_colleague_cannot_open_the_keyworker_form(world):
    assert _as(world, "colleague").get(
        _url("checkins:keyworker_form", _rel(world).pk)).status_code == 404


# --- the relationship's check-ins ---------------------------------------------------------------


def test_supervisor_sees_the_clients_checkins_with_their_words(world):
    _client_checkin(world)
    html = _as(world, "supervisor").get(_url("checkins:relationship", _rel(world).pk)
                                        ).content.decode()
    assert "You called my landlord." in html
    assert "Be on time." in html
    assert "The keyworker sees: Only the pattern and the trend." in html


def test_keyworker_with_pattern_only_sees_no_answers_and_no_words(world):
    _client_checkin(world)
    html = _as(world, "keyworker").get(_url("checkins:relationship", _rel(world).pk)
                                       ).content.decode()
    assert "You called my landlord." not in html
    assert "Pattern of the relationship" in html
    assert reverse("checkins:response", kwargs={"pk": CheckinResponse.objects.get().pk}
                   ) not in html


def test_keyworker_sees_answers_when_policy_and_client_allow(world):
    CheckinPolicy.objects.create(organisation=world.org, keyworker_visibility=Visibility.SCORES)
    _client_checkin(world, visibility=Visibility.SCORES)
    html = _as(world, "keyworker").get(_url("checkins:relationship", _rel(world).pk)
                                       ).content.decode()
    assert "You called my landlord." in html


def test_keyworker_sees_nothing_when_the_client_keeps_it_private(world):
    CheckinPolicy.objects.create(organisation=world.org, keyworker_visibility=Visibility.SCORES)
    _client_checkin(world, visibility=Visibility.NOTHING)
    html = _as(world, "keyworker").get(_url("checkins:relationship", _rel(world).pk)
                                       ).content.decode()
    assert "You called my landlord." not in html
    assert "Pattern of the relationship" not in html
    assert "not shown to you" in html


def test_manager_opens_the_page_but_sees_no_checkin(world):
    _client_checkin(world)
    services.checkin_submit(
        relationship=_rel(world), instrument_version=form_version(
            "checkin-keyworker-short"), rater="keyworker", answers=WORKER_ANSWERS,
        mode="staff", idempotency_key=uuid.uuid4(), submitted_by=world.keyworker)
    resp = _as(world, "manager").get(_url("checkins:relationship", _rel(world).pk))
    html = resp.content.decode()
    assert resp.status_code == 200
    assert "You called my landlord." not in html
    assert "None that you can see." in html


def test_colleague_cannot_open_the_relationships_checkins(world):
    assert _as(world, "colleague").get(
        _url("checkins:relationship", _rel(world).pk)).status_code == 404


def test_actions_fragment_offers_what_the_viewer_may_do(world):
    from django.template.loader import render_to_string

    rel = _rel(world)
    html = render_to_string("checkins/_actions.html", {
        "relationship": rel, "can_write": True, "user": world.keyworker})
    for name in ("checkins:link_new", "checkins:handover", "checkins:keyworker_form"):
        assert _url(name, rel.pk) in html
    deputy = render_to_string("checkins/_actions.html", {
        "relationship": rel, "can_write": True, "user": world.deputy})
    assert _url("checkins:keyworker_form", rel.pk) not in deputy
    reader = render_to_string("checkins/_actions.html", {
        "relationship": rel, "can_write": False, "user": world.manager})
    assert _url("checkins:link_new", rel.pk) not in reader
    assert _url("checkins:relationship", rel.pk) in reader


# --- private comments ---------------------------------------------------------------------------


def test_private_comment_reaches_the_supervisor_and_never_the_keyworker(world):
    CheckinPolicy.objects.create(organisation=world.org, keyworker_visibility=Visibility.SCORES)
    resp = _client_checkin(world, comment="I am scared of him.",
                           visibility=Visibility.SCORES)
    rel = _rel(world)
    for who in ("keyworker", "deputy"):
        http = _as(world, who)
        for url in (_url("checkins:relationship", rel.pk), _url("checkins:response", resp.pk),
                    _url("checkins:fhir_response", resp.pk)):
            assert "I am scared of him." not in http.get(url).content.decode()
        assert http.get(_url("checkins:comments", rel.pk)).status_code == 404
    sup = _as(world, "supervisor")
    assert "1 unread" in sup.get(_url("checkins:relationship", rel.pk)).content.decode()
    page = sup.get(_url("checkins:comments", rel.pk)).content.decode()
    assert "I am scared of him." in page
    assert "unread" in page
    sup.post(_url("checkins:comments", rel.pk))
    comment = PrivateComment.objects.get()
    assert comment.read_by == world.supervisor
    assert comment.read_at is not None
    assert "0 unread" in sup.get(_url("checkins:relationship", rel.pk)).content.decode()


def test_other_units_supervisor_cannot_read_private_comments(world):
    _client_checkin(world, comment="Private.")
    resp = _as(world, "supervisor_b").get(_url("checkins:comments", _rel(world).pk))
    assert resp.status_code == 404


def test_supervisor_who_is_the_keyworker_cannot_read_the_clients_comments(world):
    from keywork.relationships import services as rel_services

    rel = _rel(world, "same_unit")
    rel_services.relationship_start_ending(membership=world.memberships["supervisor"],
                                           relationship=rel, end_reason="other")
    rel_services.relationship_close(membership=world.memberships["supervisor"],
                                    relationship=rel)
    new = rel_services.relationship_propose(
        membership=world.memberships["supervisor"], episode=rel.episode,
        keyworker_id=world.supervisor.pk, start_reason="client_asked_for_change")
    services.private_comment_send(relationship=new, text="About my keyworker.")
    resp = _as(world, "supervisor").get(_url("checkins:comments", new.pk))
    assert resp.status_code == 404
