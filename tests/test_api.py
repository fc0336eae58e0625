"""The JSON API: the same scope, accessors, audit and services as the pages."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.validation import validate_schema
from rest_framework.authtoken.models import Token

from keywork.api import views as api_views
from keywork.audit.models import AuditEvent
from keywork.clients.models import Client, Episode
from keywork.contacts.models import Contact
from tests.helpers import login_as

SCOPE = {
    "keyworker": {"own"},
    "supervisor": {"own", "same_unit", "ended"},
    "manager": {"own", "same_unit", "ended", "other_unit"},
    "administrator": set(),
    "researcher": set(),
    "outsider": {"other_org_client"},
}


def api(user: Any, *, verified: bool = True) -> HttpClient:
    return login_as(HttpClient(HTTP_ACCEPT="application/json"), user, verified=verified)


def token_client(user: Any) -> HttpClient:
    token = Token.objects.create(user=user)
    return HttpClient(HTTP_ACCEPT="application/json", HTTP_AUTHORIZATION=f"Token {token.key}")


def ids(resp: Any) -> set[int]:
    return {row["id"] for row in resp.json()["results"]}


def new_contact(world: Any, name: str = "own", **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "relationship": world.relationships[name].pk,
        "occurred_at": (timezone.now() - dt.timedelta(minutes=30)).isoformat(),
        "kind": "everyday", "duration_minutes": 10, "note": "Coffee in the kitchen.",
    }
    data.update(overrides)
    return data


def post_json(http: HttpClient, url: str, data: dict[str, Any]) -> Any:
    return http.post(url, json.dumps(data), content_type="application/json")


# --- lists and details: scope ------------------------------------------------------------------


@pytest.mark.parametrize("role", sorted(SCOPE))
def test_client_list_holds_exactly_the_callers_scope(world, role):
    resp = api(world.users[role]).get(reverse("api:client-list"))
    assert resp.status_code == 200
    expected = {world.clients[name].pk for name in SCOPE[role]}
    assert ids(resp) == expected
    assert resp.json()["count"] == len(expected)


def test_client_list_is_audited_as_one_row_naming_the_clients_shown(world):
    before = AuditEvent.objects.count()
    api(world.keyworker).get(reverse("api:client-list"))
    rows = list(AuditEvent.objects.order_by("id")[before:])
    assert [r.action for r in rows] == ["list"]
    assert str(world.clients["own"].pk) in rows[0].detail


def test_protected_client_shows_only_a_reference_in_the_list_and_everything_in_detail(world):
    client = world.clients["own"]
    Client.objects.filter(pk=client.pk).update(protected_identity=True,
                                                address="Secret street 1")
    http = api(world.keyworker)
    listed = http.get(reverse("api:client-list")).json()["results"]
    row = next(r for r in listed if r["id"] == client.pk)
    text = json.dumps(listed)
    assert row["display_name"].endswith(client.pseudonym)
    assert "Anna" not in text
    assert "Own" not in text
    assert "Secret street" not in text
    assert set(row) == {"id", "display_name", "protected_identity"}

    before = AuditEvent.objects.count()
    detail = http.get(reverse("api:client-detail", kwargs={"pk": client.pk})).json()
    assert detail["given_name"] == "Anna"
    assert detail["address"] == "Secret street 1"
    assert detail["own_words"] == "My children."
    view = AuditEvent.objects.order_by("id")[before:].get()
    assert (view.action, view.client_id) == ("view", client.pk)


def test_client_detail_reads_its_episodes_in_one_query_however_many_there_are(
        world, django_assert_max_num_queries):
    client = world.clients["own"]
    http = api(world.keyworker)
    url = reverse("api:client-detail", kwargs={"pk": client.pk})
    http.get(url)  # the session and the membership are cached alike for both reads
    with CaptureQueriesContext(connection) as one:
        assert http.get(url).status_code == 200
    episode = client.episodes.get()
    for year in (2019, 2020, 2021):
        Episode.objects.create(
            organisation=world.org, client=client, unit=episode.unit,
            legal_basis=episode.legal_basis, start_date=dt.date(year, 1, 1),
            end_date=dt.date(year, 6, 1), outcome=Episode.Outcome.COMPLETED)
    with django_assert_max_num_queries(len(one.captured_queries)):
        detail = http.get(url).json()
    assert [e["start_date"] for e in detail["episodes"][1:]] == [
        "2021-01-01", "2020-01-01", "2019-01-01"]
    assert {e["unit"]["id"] for e in detail["episodes"]} == {episode.unit_id}


def test_client_out_of_scope_is_a_404_in_the_error_shape_and_audited_as_refused(world):
    other = world.clients["other_unit"]
    resp = api(world.keyworker).get(reverse("api:client-detail", kwargs={"pk": other.pk}))
    assert resp.status_code == 404
    body = resp.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == "not_found"
    assert body["error"]["field"] is None
    assert body["error"]["message"]
    assert AuditEvent.objects.filter(action="denied", object_type="client",
                                     object_id=str(other.pk)).exists()


def test_a_missing_client_looks_the_same_as_one_out_of_scope(world):
    http = api(world.keyworker)
    missing = http.get(reverse("api:client-detail", kwargs={"pk": 999_999}))
    hidden = http.get(reverse("api:client-detail",
                              kwargs={"pk": world.clients["other_org_client"].pk}))
    assert missing.status_code == hidden.status_code == 404
    assert missing.json() == hidden.json()


def test_relationships_follow_the_same_scope(world):
    http = api(world.keyworker)
    listed = http.get(reverse("api:relationship-list"))
    assert ids(listed) == {world.relationships["own"].pk}
    own = http.get(reverse("api:relationship-detail",
                           kwargs={"pk": world.relationships["own"].pk}))
    assert own.status_code == 200
    assert own.json()["keyworker"]["id"] == world.keyworker.pk
    assert own.json()["deputy"]["id"] == world.deputy.pk
    other = http.get(reverse("api:relationship-detail",
                             kwargs={"pk": world.relationships["same_unit"].pk}))
    assert other.status_code == 404


def test_contacts_can_be_filtered_by_client_or_relationship_within_scope(world):
    http = api(world.supervisor)
    url = reverse("api:contact-list")
    mine = http.get(url, {"client": world.clients["own"].pk})
    assert ids(mine) == {world.own_contact.pk}
    by_rel = http.get(url, {"relationship": world.relationships["own"].pk})
    assert ids(by_rel) == {world.own_contact.pk}
    assert ids(http.get(url, {"client": world.clients["same_unit"].pk})) == set()
    assert http.get(url, {"client": world.clients["other_unit"].pk}).status_code == 404
    bad = http.get(url, {"client": "abc"})
    assert bad.status_code == 400
    assert bad.json()["error"]["field"] == "client"


def test_contact_detail_is_open_to_readers_of_the_client_only(world):
    url = reverse("api:contact-detail", kwargs={"pk": world.own_contact.pk})
    ok = api(world.keyworker).get(url)
    assert ok.status_code == 200
    assert ok.json()["note"] == "Talked about the week ahead."
    assert api(world.colleague).get(url).status_code == 404
    assert api(world.researcher).get(url).status_code == 404


# --- creating a contact ------------------------------------------------------------------------


def test_keyworker_of_the_relationship_logs_a_contact(world):
    before = Contact.objects.count()
    resp = post_json(api(world.keyworker), reverse("api:contact-list"), new_contact(world))
    assert resp.status_code == 201, resp.content
    body = resp.json()
    contact = Contact.objects.get(pk=body["id"])
    assert Contact.objects.count() == before + 1
    assert (contact.worker, contact.kind, contact.duration_minutes) == (
        world.keyworker, "everyday", 10)
    assert resp["Location"] == reverse("api:contact-detail", kwargs={"pk": contact.pk})
    assert AuditEvent.objects.filter(action="create", object_type="contact",
                                     object_id=str(contact.pk)).exists()


def test_keyworker_of_another_unit_cannot_log_a_contact(world):
    resp = post_json(api(world.keyworker), reverse("api:contact-list"),
                     new_contact(world, "other_unit"))
    assert resp.status_code == 404
    assert resp.json()["error"]["code"] == "not_found"
    assert not Contact.objects.filter(relationship=world.relationships["other_unit"],
                                      worker=world.keyworker).exists()


def test_manager_who_may_read_cannot_log_a_contact(world):
    resp = post_json(api(world.manager), reverse("api:contact-list"), new_contact(world))
    assert resp.status_code == 404


def test_contact_rules_and_messages_are_the_services(world):
    http = api(world.keyworker)
    url = reverse("api:contact-list")
    bad_kind = post_json(http, url, new_contact(world, kind="party")).json()["error"]
    assert bad_kind == {"code": "invalid_choice", "message": "Choose the kind of contact.",
                        "field": "kind"}
    future = (timezone.now() + dt.timedelta(days=1)).isoformat()
    resp = post_json(http, url, new_contact(world, occurred_at=future))
    assert resp.status_code == 400
    assert resp.json()["error"] == {"code": "invalid", "field": "occurred_at",
                                    "message": "A contact cannot be logged in the future."}
    long = post_json(http, url, new_contact(world, duration_minutes=2000)).json()["error"]
    assert (long["field"], long["message"]) == (
        "duration_minutes", "Give the length in minutes, up to a day.")
    missing = post_json(http, url, {"kind": "session"}).json()["error"]
    assert missing["field"] == "relationship"


def test_token_holder_logs_a_contact_without_a_session(world):
    http = token_client(world.keyworker)
    resp = post_json(http, reverse("api:contact-list"), new_contact(world))
    assert resp.status_code == 201
    assert resp.wsgi_request.user == world.keyworker
    listed = http.get(reverse("api:client-list"))
    assert ids(listed) == {world.clients["own"].pk}


def test_a_wrong_token_is_refused(world):
    http = HttpClient(HTTP_ACCEPT="application/json", HTTP_AUTHORIZATION="Token not-a-key")
    resp = http.get(reverse("api:client-list"))
    assert resp.status_code == 401
    assert resp.json()["error"]["code"] == "authentication_failed"


def test_unverified_supervisor_session_is_refused(world):
    http = api(world.supervisor, verified=False)
    resp = http.get(reverse("api:client-list"))
    assert resp.status_code == 403
    assert resp.json()["error"]["code"] == "second_factor_required"
    created = post_json(http, reverse("api:contact-list"), new_contact(world))
    assert created.status_code == 403
    assert not Contact.objects.filter(worker=world.supervisor).exists()
    assert api(world.supervisor).get(reverse("api:client-list")).status_code == 200


def test_anonymous_caller_gets_401_in_the_error_shape(db):
    resp = HttpClient(HTTP_ACCEPT="application/json").get(reverse("api:client-list"))
    assert resp.status_code == 401
    assert resp["WWW-Authenticate"].startswith("Token")
    assert resp.json()["error"]["code"] == "not_authenticated"


def test_an_unexpected_error_is_a_json_500_without_a_traceback(world, monkeypatch):
    def broken(**kwargs: Any) -> None:
        raise RuntimeError("internal detail that must not leak")

    monkeypatch.setattr(api_views, "get_contact_for_user", broken)
    resp = api(world.keyworker).get(reverse("api:contact-detail",
                                            kwargs={"pk": world.own_contact.pk}))
    assert resp.status_code == 500
    assert resp.json()["error"]["code"] == "server_error"
    text = resp.content.decode()
    assert "internal detail" not in text
    assert "Traceback" not in text


def test_method_not_allowed_uses_the_error_shape(world):
    resp = api(world.keyworker).delete(reverse("api:client-list"))
    assert resp.status_code == 405
    assert resp.json()["error"]["code"] == "method_not_allowed"


# --- the schema --------------------------------------------------------------------------------


def test_schema_is_served_to_staff_and_is_a_valid_openapi_document(world):
    resp = token_client(world.researcher).get(reverse("api:schema"), {"format": "json"})
    assert resp.status_code == 200
    schema = json.loads(resp.content)
    validate_schema(schema)
    assert schema["openapi"].startswith("3.")
    assert {"/api/v1/clients/", "/api/v1/contacts/", "/api/v1/relationships/{id}/"} <= set(
        schema["paths"])
    assert "post" in schema["paths"]["/api/v1/contacts/"]


def test_schema_is_not_open_to_anonymous_callers(db):
    resp = HttpClient(HTTP_ACCEPT="application/json").get(reverse("api:schema"))
    assert resp.status_code == 401


def test_schema_generates_without_warnings(db, tmp_path):
    out = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    assert out.read_text().startswith("openapi: 3")
