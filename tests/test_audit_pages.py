"""The client's access log, the subject-access export and the audit chain check."""

from __future__ import annotations

import json
import uuid

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from keywork.audit.models import AuditEvent
from keywork.audit.services import GENESIS
from keywork.clients.selectors import get_client_for_user
from keywork.contacts import services as contact_services
from keywork.core.errors import AccessDenied
from tests.helpers import login_as


def _open(world, who: str, name: str, client_key: str = "own", **params):
    http = login_as(HttpClient(), world.users[who])
    return http.get(reverse(name, args=[world.clients[client_key].pk]), params)


# --- access log ----------------------------------------------------------------------------


def test_access_log_lists_a_read_made_just_before(world):
    get_client_for_user(user=world.manager, pk=world.clients["own"].pk, purpose="checking")
    resp = _open(world, "supervisor", "records:access_log")
    assert resp.status_code == 200
    first = resp.context["rows"][1]  # [0] is this very page being opened
    assert (first["who"], first["role"], first["event"].action) == (
        "Manager Test", "Manager", "view")
    html = resp.content.decode()
    assert "Manager Test" in html
    assert "checking" in html


def test_opening_the_access_log_is_itself_audited(world):
    _open(world, "supervisor", "records:access_log")
    row = AuditEvent.objects.order_by("-id").first()
    assert (row.action, row.actor_id, row.client_id, row.detail) == (
        "view", world.supervisor.pk, world.clients["own"].pk, "access log")


def test_access_log_shows_refused_attempts_on_the_record(world):
    with pytest.raises(AccessDenied):
        get_client_for_user(user=world.colleague, pk=world.clients["own"].pk)
    resp = _open(world, "supervisor", "records:access_log")
    refused = [r for r in resp.context["rows"] if r["event"].action == "denied"]
    assert [r["who"] for r in refused] == ["Colleague Test"]


def test_access_log_has_only_this_clients_rows_newest_first(world):
    resp = _open(world, "supervisor", "records:access_log")
    events = [r["event"] for r in resp.context["rows"]]
    assert {e.client_id for e in events if e.action != "denied"} == {world.clients["own"].pk}
    assert [e.pk for e in events] == sorted((e.pk for e in events), reverse=True)


def test_access_log_is_paginated(world):
    for _ in range(55):
        get_client_for_user(user=world.supervisor, pk=world.clients["own"].pk)
    first = _open(world, "supervisor", "records:access_log")
    assert len(first.context["rows"]) == 50
    assert first.context["page"].has_next()
    second = _open(world, "supervisor", "records:access_log", page=2)
    assert second.context["page"].number == 2
    older = [r["event"] for r in second.context["rows"]]
    assert max(e.pk for e in older) <= min(r["event"].pk for r in first.context["rows"])
    assert "client admitted" in {e.detail for e in older}  # the oldest row is on page 2
    http = login_as(HttpClient(), world.supervisor)
    fragment = http.get(reverse("records:access_log", args=[world.clients["own"].pk]),
                        {"page": 2}, HTTP_HX_REQUEST="true").content.decode()
    assert fragment.lstrip().startswith('<div id="access-log">')
    assert "<html" not in fragment


def test_access_log_is_for_the_supervisor_of_the_clients_unit_only(world):
    for who, client in [
        ("keyworker", "own"),         # their own client, but not a supervisor
        ("manager", "own"),           # may read records, may not see the access log
        ("supervisor_b", "own"),      # a supervisor of another unit
        ("supervisor", "other_unit"),
        ("other_supervisor", "own"),  # another organisation
    ]:
        assert _open(world, who, "records:access_log", client).status_code == 404, who
        assert _open(world, who, "records:subject_access", client).status_code == 404, who
    assert not AuditEvent.objects.filter(action="export").exists()


def test_refused_access_log_is_audited_without_opening_the_record(world):
    _open(world, "keyworker", "records:access_log")
    row = AuditEvent.objects.order_by("-id").first()
    assert (row.action, row.actor_id, row.client_id, row.object_id) == (
        "denied", world.keyworker.pk, None, str(world.clients["own"].pk))


# --- subject-access export ---------------------------------------------------------------


def test_subject_access_export_has_contacts_addenda_and_who_accessed(world):
    kw = world.memberships["keyworker"]
    contact_services.contact_sign(membership=kw, contact=world.own_contact)
    contact_services.addendum_add(membership=kw, contact=world.own_contact,
                                  text="It was 50 minutes, not 45.")
    get_client_for_user(user=world.deputy, pk=world.clients["own"].pk)
    resp = _open(world, "supervisor", "records:subject_access")
    assert resp.status_code == 200
    assert resp["Content-Type"].startswith("application/json")
    assert "attachment" in resp["Content-Disposition"]
    data = json.loads(resp.content)
    client = world.clients["own"]
    assert data["client"]["family_name"] == "Own"
    assert data["client"]["in_my_own_words"] == "My children."
    assert [e["legal_basis"] for e in data["episodes"]] == ["Compulsory care"]
    (rel,) = data["keyworker_relationships"]
    assert (rel["keyworker"], rel["deputy"]) == ("Keyworker Test", "Deputy Test")
    assert rel["introduction"]["what_i_understood"].startswith("You have to tell them")
    (contact,) = data["contacts"]
    assert contact["note"] == "Talked about the week ahead."
    assert [a["text"] for a in contact["addenda"]] == ["It was 50 minutes, not 45."]
    who = {(a["who"], a["role"]) for a in data["who_accessed_my_record"]}
    assert {("Deputy Test", "Keyworker"), ("Keyworker Test", "Keyworker"),
            ("Supervisor Test", "Supervisor")} <= who
    assert {a["what"] for a in data["who_accessed_my_record"]} >= {"viewed", "exported"}
    assert client.pseudonym in resp["Content-Disposition"]


def test_subject_access_export_has_the_clients_checkins_alerts_and_private_comments(world):
    from keywork.checkins import services as checkin_services
    from keywork.signals.models import Alert

    rel = world.relationships["own"]
    link, _token = checkin_services.checkin_link_create(
        membership=world.memberships["keyworker"], relationship=rel)
    checkin_services.client_checkin_submit(
        link=link, answers={"match": 3, "presence": 4, "helped": "When you called back."},
        idempotency_key=uuid.uuid4(), visibility="nothing",
        private_comment="I find it hard to say this to Kim.")
    Alert.objects.create(organisation=world.org, relationship=rel, client=rel.client,
                         code="client_low", raised_at=timezone.now(),
                         facts={"params": {"latest": 35.0, "below": 50}})
    data = json.loads(_open(world, "supervisor", "records:subject_access").content)
    (checkin,) = data["checkins"]
    assert checkin["what_helped"] == "When you called back."
    assert checkin["answers"]["match"] == 3
    assert checkin["shared_with_the_keyworker"] == "Nothing"
    assert [a["alert"] for a in data["alerts"]] == ["Client's rating is low"]
    (comment,) = data["my_private_comments_to_the_supervisor"]
    assert comment["text"] == "I find it hard to say this to Kim."


def test_subject_access_export_is_audited_as_an_export(world):
    _open(world, "supervisor", "records:subject_access")
    row = AuditEvent.objects.order_by("-id").first()
    assert (row.action, row.actor_id, row.client_id) == (
        "export", world.supervisor.pk, world.clients["own"].pk)


def test_subject_access_export_holds_nothing_of_other_clients(world):
    resp = _open(world, "supervisor", "records:subject_access")
    body = resp.content.decode()
    for key in ("same_unit", "ended", "other_unit", "other_org_client"):
        assert world.clients[key].family_name not in body


# --- audit chain check -------------------------------------------------------------------


def test_verify_page_reports_an_intact_chain(world):
    http = login_as(HttpClient(), world.administrator)
    resp = http.get(reverse("organisations:audit_verify"))
    assert resp.status_code == 200
    report = resp.context["report"]
    assert report.ok
    assert report.checked == AuditEvent.objects.count()
    html = resp.content.decode()
    assert f"{report.checked} rows checked" in html
    assert "Anna" not in html


def test_verify_page_names_the_first_broken_link(world):
    forged = AuditEvent.objects.create(
        occurred_at=AuditEvent.objects.order_by("-id").first().occurred_at, action="view",
        prev_hash=GENESIS, hash="f" * 64)
    http = login_as(HttpClient(), world.administrator)
    resp = http.get(reverse("organisations:audit_verify"))
    assert resp.context["report"].broken_at == forged.pk
    assert f"broken at row {forged.pk}" in resp.content.decode()


def test_verify_page_is_for_administrators_only(world):
    for who in ("keyworker", "supervisor", "manager", "researcher"):
        http = login_as(HttpClient(), world.users[who])
        assert http.get(reverse("organisations:audit_verify")).status_code == 403, who
