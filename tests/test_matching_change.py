"""A client asks for another keyworker from their own page; the supervisor decides; the
outgoing keyworker hands over. No penalty or mark falls on the client."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from keywork.audit.models import AuditEvent
from keywork.checkins.services import checkin_link_create
from keywork.clients.models import Client, Episode
from keywork.matching import selectors
from keywork.matching.models import ChangeRequest
from keywork.relationships.models import EndReason, Relationship, StartReason, Status
from keywork.signals.models import Alert, RelationshipState
from tests.helpers import login_as

REASON = "He talks down to me and I cannot say so to his face."


@pytest.fixture
def token(world):
    _link, token = checkin_link_create(membership=world.memberships["keyworker"],
                                       relationship=world.relationships["own"])
    return token


def _change_url(token: str) -> str:
    return reverse("portal:matching_change", args=[token])


def _ask(token: str, *, reason: str = REASON, share: bool = False):
    data = {"reason": reason}
    if share:
        data["share_reason"] = "on"
    return HttpClient().post(_change_url(token), data)


def _approve(world, change: ChangeRequest, new_worker) -> object:
    return login_as(HttpClient(), world.supervisor).post(
        reverse("matching:request", args=[change.pk]),
        {"decision": "approve", "new_keyworker": new_worker.pk,
         "joint_meeting_on": (timezone.localdate() + dt.timedelta(days=2)).isoformat(),
         "joint_meeting_with": "The client, both keyworkers"})


def test_the_clients_page_offers_asking_for_another_keyworker(world, token):
    resp = HttpClient().get(reverse("portal:space", args=[token]))
    assert _change_url(token) in resp.content.decode()
    resp = HttpClient().get(_change_url(token))
    assert resp.status_code == 200
    assert "Ask for another keyworker" in resp.content.decode()
    assert "Own" not in resp.content.decode()  # never the family name


def test_client_asks_with_a_private_reason(world, token):
    resp = _ask(token)
    assert resp.status_code == 200
    change = ChangeRequest.objects.get()
    assert (change.status, change.reason, change.reason_private) == (
        ChangeRequest.Status.PENDING, REASON, True)
    assert "with the supervisor" in resp.content.decode()
    assert AuditEvent.objects.filter(actor_id__isnull=True, client_id=change.client_id,
                                     object_type="changerequest", action="create").exists()


def test_client_may_ask_without_a_reason_and_only_once_at_a_time(world, token):
    _ask(token, reason="")
    resp = _ask(token, reason="Again.")
    assert ChangeRequest.objects.count() == 1
    assert ChangeRequest.objects.get().reason == ""
    assert resp.status_code == 200


def test_client_can_change_their_mind(world, token):
    _ask(token)
    resp = HttpClient().post(_change_url(token), {"action": "withdraw"})
    assert resp.status_code == 200
    assert ChangeRequest.objects.get().status == ChangeRequest.Status.WITHDRAWN
    assert selectors.pending_requests(world.memberships["supervisor"]) == []


def test_an_expired_link_opens_nothing(world, token):
    with time_machine.travel(timezone.now() + dt.timedelta(days=60)):
        resp = HttpClient().get(_change_url(token))
    assert resp.status_code == 410
    assert HttpClient().get(_change_url("not-a-token")).status_code == 404


def test_asking_leaves_no_mark_on_the_client(world, token):
    """Nothing about the request shows in the client's scores, alerts or record beyond the
    change itself."""
    rel = world.relationships["own"]
    client = world.clients["own"]
    RelationshipState.objects.create(organisation=world.org, relationship=rel,
                                     pattern="polite_neutral", evaluated_at=timezone.now())

    def snapshot():
        ranking = selectors.rank_for_episode(rel.episode)
        scores = {r.worker.user_id: r.score for r in ranking.ranked
                  if r.worker.user_id != world.keyworker.pk}
        state = RelationshipState.objects.get(relationship=rel)
        return {
            "scores": scores,
            "alerts": list(Alert.objects.filter(client=client).values_list("code", "status")),
            "state": (state.pattern, state.facts, state.features),
            "client_versions": Client.history.filter(id=client.pk).count(),
            "episode_versions": Episode.history.filter(id=rel.episode_id).count(),
            "client_row": Client.objects.filter(pk=client.pk).values().get(),
        }

    before = snapshot()
    _ask(token)
    assert snapshot() == before
    change = ChangeRequest.objects.get()
    _approve(world, change, world.colleague)
    after = snapshot()
    after["scores"].pop(world.colleague.pk)
    before["scores"].pop(world.colleague.pk)
    # The colleague's own score moves with the new caseload place; nobody else's changes.
    assert after == before
    old = Relationship.objects.get(pk=rel.pk)
    assert old.end_reason == EndReason.CLIENT_ASKED_FOR_CHANGE
    assert REASON not in old.end_note
    new = Relationship.objects.get(pk=ChangeRequest.objects.get().new_relationship_id)
    assert REASON not in new.start_note


def test_supervisor_approves_and_the_change_is_recorded_with_coded_reasons(world, token):
    _ask(token)
    change = ChangeRequest.objects.get()
    sup = login_as(HttpClient(), world.supervisor)
    page = sup.get(reverse("matching:request", args=[change.pk]))
    assert page.status_code == 200
    assert REASON in page.content.decode()  # the supervisor reads the reason
    assert world.keyworker.pk not in [r["worker"].user_id for r in page.context["rows"]]
    resp = _approve(world, change, world.colleague)
    assert resp.status_code == 302
    change.refresh_from_db()
    old = Relationship.objects.get(pk=world.relationships["own"].pk)
    new = change.new_relationship
    assert change.status == ChangeRequest.Status.APPROVED
    assert (old.status, old.end_reason) == (Status.ENDING, EndReason.CLIENT_ASKED_FOR_CHANGE)
    assert (new.keyworker_id, new.status, new.start_reason) == (
        world.colleague.pk, Status.PROPOSED, StartReason.CLIENT_ASKED_FOR_CHANGE)
    assert change.joint_meeting_with == "The client, both keyworkers"
    assert change.decided_by == world.supervisor
    # The keyworker the client left is not proposed for this client again.
    assert world.keyworker.pk in [r.worker.user_id for r in
                                  selectors.rank_for_episode(new.episode).excluded]


def test_the_outgoing_keyworker_hands_over_without_seeing_a_private_reason(world, token):
    _ask(token)
    change = ChangeRequest.objects.get()
    _approve(world, change, world.colleague)
    kw = login_as(HttpClient(), world.keyworker)
    rel_page = kw.get(reverse("records:relationship", args=[change.relationship_id]), follow=True)
    assert reverse("matching:handover", args=[change.pk]) in rel_page.content.decode()
    assert REASON not in rel_page.content.decode()
    page = kw.get(reverse("matching:handover", args=[change.pk]))
    assert page.status_code == 200
    assert REASON not in page.content.decode()
    resp = kw.post(reverse("matching:handover", args=[change.pk]),
                   {"handover_note": "Mornings work best. Ask about her daughter.",
                    "joint_meeting_on": timezone.localdate().isoformat(),
                    "joint_meeting_with": "Anna, Kim, Sam"})
    assert resp.status_code == 302
    change.refresh_from_db()
    assert change.handover_by == world.keyworker
    # The new keyworker reads the handover on the new relationship, not the reason.
    new_page = login_as(HttpClient(), world.colleague).get(
        reverse("records:relationship", args=[change.new_relationship_id]), follow=True)
    text = new_page.content.decode()
    assert "Ask about her daughter." in text
    assert REASON not in text


def test_the_outgoing_keyworker_reads_the_reason_when_the_client_allowed_it(world, token):
    _ask(token, share=True)
    change = ChangeRequest.objects.get()
    _approve(world, change, world.colleague)
    page = login_as(HttpClient(), world.keyworker).get(
        reverse("matching:handover", args=[change.pk]))
    assert REASON in page.content.decode()


def test_handover_needs_a_note(world, token):
    _ask(token)
    change = ChangeRequest.objects.get()
    _approve(world, change, world.colleague)
    resp = login_as(HttpClient(), world.keyworker).post(
        reverse("matching:handover", args=[change.pk]), {"handover_note": "  "})
    assert resp.status_code == 200
    assert resp.context["form"].errors


def test_a_pending_request_is_hidden_from_the_keyworker(world, token):
    _ask(token, share=True)
    change = ChangeRequest.objects.get()
    kw = login_as(HttpClient(), world.keyworker)
    assert kw.get(reverse("matching:request", args=[change.pk])).status_code == 404
    assert kw.get(reverse("matching:handover", args=[change.pk])).status_code == 404
    page = kw.get(reverse("records:relationship", args=[change.relationship_id]), follow=True)
    assert REASON not in page.content.decode()
    assert "Change of keyworker" not in page.content.decode()
    sup_page = login_as(HttpClient(), world.supervisor).get(
        reverse("records:relationship", args=[change.relationship_id]), follow=True)
    assert REASON in sup_page.content.decode()


@pytest.mark.parametrize("who", ["keyworker", "deputy", "colleague", "supervisor_b",
                                 "manager", "administrator", "researcher",
                                 "other_supervisor"])
def test_only_the_units_supervisor_decides(world, token, who):
    _ask(token)
    change = ChangeRequest.objects.get()
    resp = login_as(HttpClient(), world.users[who]).post(
        reverse("matching:request", args=[change.pk]), {"decision": "decline", "note": "No."})
    assert resp.status_code == 404
    assert ChangeRequest.objects.get().status == ChangeRequest.Status.PENDING


def test_keeping_the_keyworker_needs_a_written_reason(world, token):
    _ask(token)
    change = ChangeRequest.objects.get()
    sup = login_as(HttpClient(), world.supervisor)
    resp = sup.post(reverse("matching:request", args=[change.pk]), {"decision": "decline"})
    assert resp.status_code == 200
    assert resp.context["form"].errors["note"]
    resp = sup.post(reverse("matching:request", args=[change.pk]),
                    {"decision": "decline", "note": "We meet together first."})
    assert resp.status_code == 302
    assert ChangeRequest.objects.get().status == ChangeRequest.Status.DECLINED
    assert Relationship.objects.get(pk=change.relationship_id).status == Status.ACTIVE


def test_approving_without_a_new_keyworker_loses_nothing(world, token):
    _ask(token)
    change = ChangeRequest.objects.get()
    resp = login_as(HttpClient(), world.supervisor).post(
        reverse("matching:request", args=[change.pk]), {"decision": "approve"})
    assert resp.status_code == 200
    assert resp.context["form"].errors["new_keyworker"]
    assert Relationship.objects.get(pk=change.relationship_id).status == Status.ACTIVE
    assert ChangeRequest.objects.get().status == ChangeRequest.Status.PENDING


def test_supervisor_sees_waiting_requests_on_the_allocation_page(world, token):
    _ask(token)
    resp = login_as(HttpClient(), world.supervisor).get(reverse("matching:home"))
    assert [r.pk for r in resp.context["overview"].pending] == [ChangeRequest.objects.get().pk]
    other = login_as(HttpClient(), world.supervisor_b).get(reverse("matching:home"))
    assert other.context["overview"].pending == []
