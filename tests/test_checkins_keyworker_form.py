"""The keyworker's own check-in: the short form by default, the monthly form on request,
the form shown carried with the answers, and only the relationship's keyworker saving."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from keywork.checkins.models import CheckinResponse
from keywork.checkins.selectors import KEYWORKER_MONTHLY, KEYWORKER_SHORT
from tests.helpers import login_as
from tests.matrix.checkins import form_version

MONTHLY_TITLE = "The relationship this month"
SHORT_TITLE = "How is the relationship going?"


def _as(world, who: str) -> HttpClient:
    return login_as(HttpClient(), world.users[who])


def _form_url(world, name: str = "own", instrument: str | None = None) -> str:
    url = reverse("checkins:keyworker_form", kwargs={"pk": world.relationships[name].pk})
    return url if instrument is None else f"{url}?instrument={instrument}"


def _hidden_instrument(html: str) -> str:
    match = re.search(r'<input type="hidden" name="instrument" value="([^"]*)">', html)
    assert match is not None, "the form does not carry which form it is"
    return match.group(1)


def _key(html: str) -> str:
    match = re.search(r'name="idempotency_key" value="([^"]+)"', html)
    assert match is not None
    return match.group(1)


def _answers(code: str, value: str = "7") -> dict[str, str]:
    """An answer to every rating question of a form, and a few words."""
    items = form_version(code).definition["items"]
    answers = {i["code"]: value for i in items if i["dimension"] != "free_text"}
    return {**answers, "went_well": "The housing meeting."}


def _post(http: HttpClient, world, *, shown: str | None, answers_of: str,
          key: str | None = None, name: str = "own") -> Any:
    data: dict[str, Any] = {**_answers(answers_of),
                            "idempotency_key": key or str(uuid.uuid4())}
    if shown is not None:
        data["instrument"] = shown
    return http.post(_form_url(world, name), data)


# --- choosing the form ------------------------------------------------------------------------


def test_the_short_form_is_shown_unless_another_is_chosen(world):
    html = _as(world, "keyworker").get(_form_url(world)).content.decode()
    assert f"<h1>{SHORT_TITLE}</h1>" in html
    assert _hidden_instrument(html) == KEYWORKER_SHORT
    assert 'type="radio" name="match"' in html
    assert 'name="match_look_forward"' not in html
    # The choice step works without JavaScript: a GET form naming both forms.
    assert 'method="get"' in html
    assert f'value="{KEYWORKER_SHORT}" checked' in html
    assert f'value="{KEYWORKER_MONTHLY}">' in html
    assert MONTHLY_TITLE in html


def test_the_monthly_form_is_shown_when_asked_for(world):
    html = _as(world, "keyworker").get(
        _form_url(world, instrument=KEYWORKER_MONTHLY)).content.decode()
    assert f"<h1>{MONTHLY_TITLE}</h1>" in html
    assert _hidden_instrument(html) == KEYWORKER_MONTHLY
    assert html.count('type="radio" name="match_look_forward"') == 11
    assert 'type="radio" name="match"' not in html
    assert f'value="{KEYWORKER_MONTHLY}" checked' in html


@pytest.mark.parametrize("asked", ["no-such-form", "checkin-client-short", ""])
def test_a_form_not_offered_in_the_address_gives_an_error_and_the_short_form(world, asked):
    resp = _as(world, "keyworker").get(_form_url(world, instrument=asked))
    html = resp.content.decode()
    assert resp.status_code == 200
    assert _hidden_instrument(html) == KEYWORKER_SHORT
    assert ("That form is not offered here." in html
            or "It is not clear which form was sent." in html)


# --- giving it ---------------------------------------------------------------------------------


def test_keyworker_gives_the_monthly_checkin(world):
    http = _as(world, "keyworker")
    page = http.get(_form_url(world, instrument=KEYWORKER_MONTHLY)).content.decode()
    resp = _post(http, world, shown=_hidden_instrument(page), answers_of=KEYWORKER_MONTHLY,
                 key=_key(page))
    saved = CheckinResponse.objects.get()
    assert resp.status_code == 302
    assert resp["Location"] == reverse("checkins:response", kwargs={"pk": saved.pk})
    assert saved.instrument_version == form_version(KEYWORKER_MONTHLY)
    assert saved.rater == "keyworker"
    assert saved.submitted_by == world.keyworker
    assert saved.relationship == world.relationships["own"]
    assert saved.answers["match_look_forward"] == 7
    assert saved.overall is not None
    assert saved.estimate_overall == 70.0
    shown = http.get(resp["Location"]).content.decode()
    assert "Your check-in is saved." in shown
    assert MONTHLY_TITLE in shown
    assert "I look forward to our meetings." in shown


def test_keyworker_still_gives_the_short_checkin(world):
    resp = _post(_as(world, "keyworker"), world, shown=KEYWORKER_SHORT,
                 answers_of=KEYWORKER_SHORT)
    assert resp.status_code == 302
    assert CheckinResponse.objects.get().instrument_version == form_version(KEYWORKER_SHORT)


@pytest.mark.parametrize("shown", ["no-such-form", "checkin-client-short",
                                   "checkin-client-monthly", "", None])
def test_a_tampered_or_missing_form_code_is_a_form_error_not_a_save(world, shown):
    resp = _post(_as(world, "keyworker"), world, shown=shown, answers_of=KEYWORKER_MONTHLY)
    html = resp.content.decode()
    assert resp.status_code == 200
    assert 'class="errors" role="alert"' in html
    assert ("That form is not offered here." in html
            or "It is not clear which form was sent." in html)
    assert not CheckinResponse.objects.exists()


def test_a_tampered_code_keeps_the_answers_that_fit_the_short_form(world):
    resp = _post(_as(world, "keyworker"), world, shown="no-such-form",
                 answers_of=KEYWORKER_SHORT)
    html = resp.content.decode()
    assert resp.status_code == 200
    assert 'name="match" id="id_match_7" value="7" checked' in html
    assert not CheckinResponse.objects.exists()


def test_answers_are_read_against_the_form_the_post_names(world):
    # The monthly answers sent as the short form: the short form's questions are missing.
    resp = _post(_as(world, "keyworker"), world, shown=KEYWORKER_SHORT,
                 answers_of=KEYWORKER_MONTHLY)
    assert resp.status_code == 200
    assert "This field is required." in resp.content.decode()
    assert not CheckinResponse.objects.exists()


# --- who may give it ---------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["deputy", "supervisor"])
def test_only_the_keyworker_gives_the_monthly_checkin(world, who):
    http = _as(world, who)
    html = http.get(_form_url(world, instrument=KEYWORKER_MONTHLY)).content.decode()
    assert "Only the keyworker of this relationship gives this check-in." in html
    assert 'name="match_look_forward"' not in html
    assert 'class="card form-choice"' not in html  # no choice of form either
    resp = _post(http, world, shown=KEYWORKER_MONTHLY, answers_of=KEYWORKER_MONTHLY)
    assert resp.status_code == 200
    assert "Only the keyworker of this relationship gives this check-in." in (
        resp.content.decode())
    assert not CheckinResponse.objects.exists()


@pytest.mark.parametrize("who", ["colleague", "outsider", "manager", "researcher",
                                 "administrator"])
def test_others_cannot_open_or_send_the_monthly_form(world, who):
    http = _as(world, who)
    assert http.get(_form_url(world, instrument=KEYWORKER_MONTHLY)).status_code == 404
    resp = _post(http, world, shown=KEYWORKER_MONTHLY, answers_of=KEYWORKER_MONTHLY)
    assert resp.status_code == 404
    assert not CheckinResponse.objects.exists()


# --- the relationship's check-ins page -----------------------------------------------------------


def _checkins_page(world, who: str) -> str:
    url = reverse("checkins:relationship", kwargs={"pk": world.relationships["own"].pk})
    return _as(world, who).get(url).content.decode()


def test_the_keyworker_is_offered_both_forms_on_the_checkins_page(world):
    html = _checkins_page(world, "keyworker")
    assert "Give your own check-in:" in html
    assert _form_url(world, instrument=KEYWORKER_SHORT) in html
    assert _form_url(world, instrument=KEYWORKER_MONTHLY) in html


@pytest.mark.parametrize("who", ["deputy", "supervisor", "manager"])
def test_others_are_not_offered_the_keyworkers_forms(world, who):
    html = _checkins_page(world, who)
    assert "Give your own check-in:" not in html
    assert _form_url(world, instrument=KEYWORKER_MONTHLY) not in html
