"""Who sees a check-in: the organisation's policy × the client's choice × the role, for the
check-in page and its FHIR export, and the keyworker's own check-ins in every scenario."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from keywork.audit.models import AuditEvent
from keywork.checkins.models import (
    CheckinPolicy,
    CheckinResponse,
    Rater,
    SharingChoice,
    Visibility,
)
from keywork.checkins.selectors import CLIENT_SHORT, KEYWORKER_SHORT
from tests.helpers import login_as
from tests.matrix.checkins import form_version

WORDS = "You listened to me about my son."
ANSWER = "7 of 10"


def _response(rel, rater: str = Rater.CLIENT) -> CheckinResponse:
    code = CLIENT_SHORT if rater == Rater.CLIENT else KEYWORKER_SHORT
    return CheckinResponse.objects.create(
        organisation_id=rel.organisation_id, relationship=rel, client_id=rel.client_id,
        instrument_version=form_version(code), rater=rater, submitted_at=timezone.now(),
        submitted_by=None if rater == Rater.CLIENT else rel.keyworker,
        mode="link" if rater == Rater.CLIENT else "staff",
        answers={"match": 7, "helped": WORDS} if rater == Rater.CLIENT else {"match": 7},
        score_match=70.0, helped=WORDS if rater == Rater.CLIENT else "",
        idempotency_key=uuid.uuid4())


def _open(world, who: str, name: str, pk: int):
    return login_as(HttpClient(), world.users[who]).get(reverse(name, kwargs={"pk": pk}))


RANK = {"nothing": 0, "pattern": 1, "scores": 2}
CHOICES = [None, "scores", "pattern", "nothing"]
OUTSIDERS = ("colleague", "supervisor_b", "manager", "administrator", "researcher",
             "outsider")


@pytest.mark.parametrize("policy", ["scores", "pattern", "nothing"])
@pytest.mark.parametrize("choice", CHOICES)
def test_client_checkin_is_shown_as_policy_and_choice_allow(world, policy, choice):
    rel = world.relationships["own"]
    CheckinPolicy.objects.create(organisation=world.org, keyworker_visibility=policy)
    if choice is not None:
        SharingChoice.objects.create(organisation=world.org, relationship=rel,
                                     visibility=choice)
    resp = _response(rel)
    effective = policy if choice is None else min(policy, choice, key=RANK.__getitem__)
    for who in ("keyworker", "deputy"):
        page = _open(world, who, "checkins:response", resp.pk)
        export = _open(world, who, "checkins:fhir_response", resp.pk)
        html = page.content.decode()
        if effective == "scores":
            assert page.status_code == 200, who
            assert WORDS in html, who
            assert ANSWER in html, who
            assert export.status_code == 200, who
        elif effective == "pattern":
            assert page.status_code == 200, who
            assert WORDS not in html, who
            assert ANSWER not in html, who
            assert "Pattern of the relationship" in html, who
            assert export.status_code == 404, who
        else:
            assert page.status_code == 404, who
            assert export.status_code == 404, who
    sup = _open(world, "supervisor", "checkins:response", resp.pk)
    assert sup.status_code == 200
    assert WORDS in sup.content.decode()
    assert ANSWER in (
        sup.content.decode())
    assert _open(world, "supervisor", "checkins:fhir_response", resp.pk).status_code == 200
    for who in OUTSIDERS:
        assert _open(world, who, "checkins:response", resp.pk).status_code == 404, who
        assert _open(world, who, "checkins:fhir_response", resp.pk).status_code == 404, who


# Who sees a keyworker's check-in in each scenario of the world: its author while they have
# access to the client, and the supervisors of the client's unit. Nobody else.
WORKER_CHECKIN_SEEN_BY = {
    "own": {"keyworker", "supervisor"},
    "same_unit": {"colleague", "supervisor"},
    "other_unit": {"colleague", "supervisor_b"},
    "ended": {"supervisor"},  # the author's access ran out with the grace period
    "other_org_client": {"outsider", "other_supervisor"},
}
EVERYONE = ("keyworker", "deputy", "colleague", "supervisor", "supervisor_b", "manager",
            "administrator", "researcher", "outsider", "other_supervisor")


@pytest.mark.parametrize("scenario", sorted(WORKER_CHECKIN_SEEN_BY))
def test_keyworker_checkin_is_seen_by_its_author_and_the_units_supervisors(world, scenario):
    resp = _response(world.relationships[scenario], rater=Rater.KEYWORKER)
    wrong = []
    for who in EVERYONE:
        expected = who in WORKER_CHECKIN_SEEN_BY[scenario]
        for name in ("checkins:response", "checkins:fhir_response"):
            status = _open(world, who, name, resp.pk).status_code
            if (status == 200) != expected or status not in (200, 404):
                wrong.append((who, name, status))
    assert not wrong


def test_client_choice_binds_a_supervisor_who_is_the_keyworker(world):
    from keywork.relationships import services as rel_services

    sup = world.memberships["supervisor"]
    old = world.relationships["same_unit"]
    rel_services.relationship_start_ending(membership=sup, relationship=old, end_reason="other")
    rel_services.relationship_close(membership=sup, relationship=old)
    rel = rel_services.relationship_propose(membership=sup, episode=old.episode,
                                            keyworker_id=world.supervisor.pk)
    CheckinPolicy.objects.create(organisation=world.org, keyworker_visibility="scores")
    SharingChoice.objects.create(organisation=world.org, relationship=rel,
                                 visibility=Visibility.NOTHING)
    resp = _response(rel)
    assert _open(world, "supervisor", "checkins:response", resp.pk).status_code == 404


def test_a_refused_checkin_is_audited(world):
    resp = _response(world.relationships["own"])
    SharingChoice.objects.create(organisation=world.org,
                                 relationship=world.relationships["own"], visibility="nothing")
    assert _open(world, "keyworker", "checkins:response", resp.pk).status_code == 404
    row = AuditEvent.objects.filter(action="denied", object_type="checkinresponse").get()
    assert row.actor_id == world.keyworker.pk
    assert row.object_id == str(resp.pk)


def test_a_shown_checkin_is_audited_as_a_view_of_the_client(world):
    resp = _response(world.relationships["own"])
    _open(world, "supervisor", "checkins:response", resp.pk)
    row = AuditEvent.objects.filter(action="view", actor_id=world.supervisor.pk).last()
    assert row is not None
    assert row.client_id == resp.client_id
    assert row.detail == "check-in"


def test_unknown_checkin_is_not_found(world):
    assert _open(world, "supervisor", "checkins:response", 999_999).status_code == 404
