"""Instruments export as FHIR R5 Questionnaire, check-ins as QuestionnaireResponse,
validated with fhir.resources."""

from __future__ import annotations

import json
import uuid

import pytest
from django.conf import settings
from django.test import Client as HttpClient
from django.urls import reverse
from fhir.resources.questionnaire import Questionnaire
from fhir.resources.questionnaireresponse import QuestionnaireResponse

from keywork.checkins import fhir, services
from keywork.checkins.models import Rater
from keywork.checkins.selectors import CLIENT_SHORT, KEYWORKER_SHORT
from keywork.domain.instruments import shipped_instruments
from tests.helpers import login_as
from tests.matrix.checkins import form_version
from tests.test_checkins_submit import CLIENT_ANSWERS, WORKER_ANSWERS

# R5 value sets the model classes do not check themselves.
ITEM_TYPES = {"group", "display", "question", "boolean", "decimal", "integer", "date",
              "dateTime", "time", "string", "text", "url", "coding", "attachment",
              "reference", "quantity"}
PUBLICATION_STATUS = {"draft", "active", "retired", "unknown"}
RESPONSE_STATUS = {"in-progress", "completed", "amended", "entered-in-error", "stopped"}


def _walk(items):
    for item in items or []:
        yield item
        yield from _walk(item.get("item"))


def _client_response(world):
    link, _token = services.checkin_link_create(membership=world.memberships["keyworker"],
                                                relationship=world.relationships["own"])
    resp, _ = services.client_checkin_submit(link=link, answers=CLIENT_ANSWERS,
                                             idempotency_key=uuid.uuid4())
    return resp


def _worker_response(world):
    resp, _ = services.checkin_submit(
        relationship=world.relationships["own"],
        instrument_version=form_version(KEYWORKER_SHORT), rater=Rater.KEYWORKER,
        answers=WORKER_ANSWERS, mode="staff", idempotency_key=uuid.uuid4(),
        submitted_by=world.keyworker)
    return resp


@pytest.mark.parametrize("code", sorted(shipped_instruments()))
def test_every_shipped_instrument_is_a_valid_r5_questionnaire(db, code):
    version = form_version(code)
    data = fhir.questionnaire(version)
    parsed = Questionnaire.model_validate(data)
    form = shipped_instruments()[code]
    assert parsed.status in PUBLICATION_STATUS
    assert parsed.url == f"{settings.SITE_URL}/fhir/Questionnaire/{code}"
    assert parsed.version == str(form.version)
    items = list(_walk(data["item"]))
    assert [i["linkId"] for i in items] == [i.code for i in form.items]
    assert all(i["type"] in ITEM_TYPES for i in items)
    for item, source in zip(items, form.items, strict=True):
        assert item["text"] == source.text["en"]
        assert item["required"] is (not source.optional)
        assert item["code"][0]["code"] == source.dimension
        translation = item["_text"]["extension"][0]
        assert translation["url"] == fhir.TRANSLATION
        assert {"url": "content", "valueString": source.text["sv"]} in translation["extension"]
        if source.is_free_text:
            assert item["type"] == "text"
        else:
            assert item["type"] == "integer"
            assert {"url": fhir.MIN_VALUE, "valueInteger": 0} in item["extension"]
            assert {"url": fhir.MAX_VALUE, "valueInteger": 10} in item["extension"]


def test_client_checkin_is_a_valid_r5_questionnaire_response(world):
    resp = _client_response(world)
    data = fhir.questionnaire_response(resp)
    parsed = QuestionnaireResponse.model_validate(data)
    questionnaire = fhir.questionnaire(resp.instrument_version)
    assert parsed.status in RESPONSE_STATUS
    assert parsed.status == "completed"
    assert data["questionnaire"] == f"{questionnaire['url']}|{questionnaire['version']}"
    link_ids = {i["linkId"] for i in _walk(questionnaire["item"])}
    answered = [i["linkId"] for i in data["item"]]
    assert set(answered) <= link_ids
    assert set(answered) == set(CLIENT_ANSWERS)
    by_id = {i["linkId"]: i["answer"][0] for i in data["item"]}
    assert by_id["match"] == {"valueInteger": 8}
    assert by_id["helped"] == {"valueString": "You called my landlord."}
    assert data["subject"]["identifier"]["value"] == world.clients["own"].pseudonym
    text = json.dumps(data)
    assert "Anna" not in text
    assert '"Own"' not in text
    assert "1985" not in text


def test_keyworker_checkin_names_its_author_by_reference_only(world):
    data = fhir.questionnaire_response(_worker_response(world))
    QuestionnaireResponse.model_validate(data)
    assert data["author"]["identifier"]["value"] == str(world.keyworker.pk)
    assert "Keyworker" not in json.dumps(data)
    questionnaire = fhir.questionnaire(form_version(KEYWORKER_SHORT))
    assert {i["linkId"] for i in data["item"]} <= {i["linkId"] for i in questionnaire["item"]}


def test_questionnaire_endpoint_serves_fhir_json_to_any_staff_member(world):
    version = form_version(CLIENT_SHORT)
    url = reverse("checkins:fhir_questionnaire", kwargs={"pk": version.pk})
    for who in ("keyworker", "administrator", "researcher"):
        resp = login_as(HttpClient(), world.users[who]).get(url)
        assert resp.status_code == 200
        assert resp["Content-Type"].startswith("application/fhir+json")
        Questionnaire.model_validate(json.loads(resp.content))
    anonymous = HttpClient().get(url)
    assert anonymous.status_code == 302
    assert "/accounts/login/" in anonymous["Location"]


def test_response_endpoint_validates_and_is_refused_to_the_wrong_people(world):
    resp = _client_response(world)
    url = reverse("checkins:fhir_response", kwargs={"pk": resp.pk})
    ok = login_as(HttpClient(), world.supervisor).get(url)
    assert ok.status_code == 200
    parsed = QuestionnaireResponse.model_validate(json.loads(ok.content))
    assert parsed.subject is not None
    assert parsed.subject.identifier is not None
    assert parsed.subject.identifier.value == world.clients["own"].pseudonym
    for who in ("keyworker", "colleague", "manager", "outsider"):  # keyworker: pattern only
        assert login_as(HttpClient(), world.users[who]).get(url).status_code == 404, who
