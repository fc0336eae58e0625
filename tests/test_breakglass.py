"""Emergency access: exact reference, a reason, read only, for a few hours, reviewed."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from keywork.audit.models import AuditEvent
from keywork.breakglass.agenda import emergency_read_items
from keywork.breakglass.models import EmergencyAccessPolicy, Grant
from keywork.core.matters import Scope
from keywork.signals.models import Alert
from tests.helpers import login_as

pytestmark = pytest.mark.django_db

REASON = "The client is missing and the police ask for his medication."


def _http(world, name: str) -> HttpClient:
    return login_as(HttpClient(), world.users[name])


def _open(http: HttpClient, reference: str, reason: str = REASON):
    return http.post(reverse("breakglass:start"), {"reference": reference, "reason": reason})


def test_keyworker_opens_another_units_record_for_reading_only(world):
    client = world.clients["other_unit"]
    http = _http(world, "keyworker")
    detail = reverse("records:client", args=[client.pk])
    assert http.get(detail).status_code == 404
    resp = _open(http, client.pseudonym.lower())
    assert resp.status_code == 302
    assert resp["Location"] == detail
    grant = Grant.objects.get()
    assert grant.user == world.keyworker
    assert grant.reason == REASON
    assert grant.expires_at - grant.granted_at == dt.timedelta(hours=3)
    page = http.get(detail)
    assert page.status_code == 200
    assert "under emergency access until" in page.content.decode()
    # Read only: a write page stays closed.
    rel = world.relationships["other_unit"]
    assert http.get(reverse("contacts:log", args=[rel.pk])).status_code == 404
    assert http.get(reverse("safeguarding:concern_new", args=[client.pk])).status_code == 404
    assert AuditEvent.objects.filter(actor_id=world.keyworker.pk, action="create",
                                     object_type="grant", client_id=client.pk).exists()
    alert = Alert.objects.get(relationship=rel, code="emergency_read")
    assert alert.source == "breakglass"


def test_the_access_ends_after_three_hours(world):
    client = world.clients["other_unit"]
    http = _http(world, "keyworker")
    detail = reverse("records:client", args=[client.pk])
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        _open(http, client.pseudonym)
        traveller.shift(dt.timedelta(hours=2, minutes=59))
        http = _http(world, "keyworker")  # a fresh sign-in: sessions time out sooner
        assert http.get(detail).status_code == 200
        traveller.shift(dt.timedelta(minutes=2))
        http = _http(world, "keyworker")
        assert http.get(detail).status_code == 404


def test_the_length_is_set_per_organisation(world):
    EmergencyAccessPolicy.objects.create(organisation=world.org, hours=1)
    client = world.clients["other_unit"]
    http = _http(world, "keyworker")
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        _open(http, client.pseudonym)
        traveller.shift(dt.timedelta(hours=1, minutes=1))
        http = _http(world, "keyworker")
        assert http.get(reverse("records:client", args=[client.pk])).status_code == 404


def test_an_administrator_sets_the_length(world):
    resp = _http(world, "administrator").post(reverse("breakglass:settings"), {"hours": "2"})
    assert resp.status_code == 302
    assert EmergencyAccessPolicy.objects.get(organisation=world.org).hours == 2
    resp = _http(world, "administrator").post(reverse("breakglass:settings"), {"hours": "48"})
    assert resp.status_code == 200
    assert EmergencyAccessPolicy.objects.get().hours == 2


@pytest.mark.parametrize("reference", ["other_org", "prefix", "name", "blank"])
def test_only_an_exact_reference_in_ones_own_organisation_opens_a_record(world, reference):
    value = {"other_org": world.clients["other_org_client"].pseudonym,
             "prefix": world.clients["other_unit"].pseudonym[:6],
             "name": "David Otherunit", "blank": " "}[reference]
    resp = _open(_http(world, "keyworker"), value)
    assert resp.status_code == 200
    assert not Grant.objects.exists()
    if reference != "blank":
        assert "No client in your service has this reference." in resp.content.decode()
        assert AuditEvent.objects.filter(action="denied", object_type="grant").exists()


def test_a_reason_is_required(world):
    resp = _open(_http(world, "keyworker"), world.clients["other_unit"].pseudonym, "urgent")
    assert "Say why you need the record now, in a sentence." in resp.content.decode()
    assert not Grant.objects.exists()


def test_a_record_already_open_needs_no_emergency_access(world):
    client = world.clients["own"]
    resp = _open(_http(world, "keyworker"), client.pseudonym)
    assert resp.status_code == 302
    assert not Grant.objects.exists()


@pytest.mark.parametrize("who", ["manager", "administrator", "researcher"])
def test_other_roles_cannot_use_emergency_access(world, who):
    http = _http(world, who)
    assert http.get(reverse("breakglass:start")).status_code == 403
    assert _open(http, world.clients["other_unit"].pseudonym).status_code == 403
    assert not Grant.objects.exists()


def test_the_units_supervisor_reviews_it_and_the_alert_is_resolved(world):
    client = world.clients["other_unit"]
    requester = _http(world, "keyworker")
    _open(requester, client.pseudonym)
    requester.get(reverse("records:client", args=[client.pk]))
    grant = Grant.objects.get()
    # The supervisor of the requester's unit is not the client's: no review for them.
    assert _http(world, "supervisor").get(
        reverse("breakglass:review", args=[grant.pk])).status_code == 404
    supervisor = _http(world, "supervisor_b")
    listing = supervisor.get(reverse("breakglass:start"))
    assert REASON in listing.content.decode()
    page = supervisor.get(reverse("breakglass:review", args=[grant.pk]))
    assert "client record" in page.content.decode()  # what the requester opened
    resp = supervisor.post(reverse("breakglass:review", args=[grant.pk]), {"note": ""})
    assert resp.status_code == 200
    assert Grant.objects.get().reviewed_at is None
    resp = supervisor.post(reverse("breakglass:review", args=[grant.pk]),
                           {"note": "Needed: the police were waiting. Medication page only."})
    assert resp.status_code == 302
    grant.refresh_from_db()
    assert grant.reviewed_by == world.supervisor_b
    assert Alert.objects.get(code="emergency_read").status == Alert.Status.RESOLVED
    # The requester may read their own, never review it.
    own = requester.post(reverse("breakglass:review", args=[grant.pk]), {"note": "Fine."})
    assert own.status_code == 404
    assert requester.get(reverse("breakglass:review", args=[grant.pk])).status_code == 200


def test_other_organisations_never_see_a_grant(world):
    _open(_http(world, "keyworker"), world.clients["other_unit"].pseudonym)
    grant = Grant.objects.get()
    for who in ("outsider", "other_supervisor"):
        assert _http(world, who).get(
            reverse("breakglass:review", args=[grant.pk])).status_code == 404


def test_emergency_reads_waiting_for_review_are_on_the_requesters_agenda(world):
    _open(_http(world, "keyworker"), world.clients["other_unit"].pseudonym)
    items = emergency_read_items(Scope(organisation_id=world.org.pk,
                                       worker_ids=(world.keyworker.pk,),
                                       since=timezone.now() - dt.timedelta(days=7)))
    assert [i.kind for i in items] == ["emergency_read_to_review"]
    assert REASON in items[0].detail
    assert not emergency_read_items(Scope(organisation_id=world.org.pk,
                                          worker_ids=(world.colleague.pk,),
                                          since=timezone.now()))
