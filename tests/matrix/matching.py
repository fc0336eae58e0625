"""Matching: ranking, the intake group, the client's request for a change, conflicts of
interest, preferences, staff profiles and weights."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from keywork.matching.models import ChangeRequest
from keywork.organisations.models import Membership
from tests.matrix import NO_CLIENT, SUPERVISE, WRITE, Entry, Target, client_pk, episode_pk
from tests.matrix.portal import _fresh_link


def _request(t: Target, status: str) -> dict[str, Any]:
    now = timezone.now()
    row = ChangeRequest.objects.create(
        organisation_id=t.relationship.organisation_id, relationship=t.relationship,
        client=t.client, reason="Matrix: we do not get on.", reason_private=True,
        status=status, asked_at=now, decided_at=None if status == "pending" else now)
    return {"pk": row.pk}


def _worker_membership(t: Target) -> dict[str, Any]:
    m = Membership.objects.get(organisation_id=t.relationship.organisation_id,
                               user_id=t.relationship.keyworker_id)
    return {"pk": m.pk}


ENTRIES = [
    Entry("matching:home", NO_CLIENT, roles=("supervisor",)),
    Entry("matching:rank", SUPERVISE, episode_pk, method="post",
          data=lambda t: {"keyworker": t.relationship.keyworker_id},
          note="the episode already has a keyworker: the page says so (200)"),
    Entry("matching:intake", NO_CLIENT, lambda t: {"pk": t.episode.unit_id},
          roles=("supervisor",), note="a list of the unit's waiting clients"),
    Entry("matching:request", SUPERVISE, lambda t: _request(t, "pending"), method="post",
          data=lambda t: {"decision": "decline", "note": "Matrix: talk first."}),
    Entry("matching:handover", WRITE, lambda t: _request(t, "approved"), method="post",
          data=lambda t: {"handover_note": "Matrix: mornings are best."},
          note="the outgoing keyworker once the change is approved, and the supervisor"),
    Entry("matching:preferences", WRITE, client_pk, method="post",
          data=lambda t: {"worker_gender": "a woman", "languages": "Swedish"}),
    Entry("matching:conflict", WRITE, client_pk, method="post",
          data=lambda t: {"worker": t.relationship.keyworker_id, "kind": "knows_privately"},
          note="a supervisor for anyone, a keyworker for themselves"),
    Entry("matching:profile", NO_CLIENT, roles=("keyworker", "supervisor")),
    Entry("matching:profiles", NO_CLIENT, roles=("administrator",)),
    Entry("matching:profile_edit", NO_CLIENT, _worker_membership, roles=("administrator",)),
    Entry("matching:skills", NO_CLIENT, roles=("administrator",)),
    Entry("matching:weights", NO_CLIENT, roles=("administrator",)),
    Entry("portal:matching_change", NO_CLIENT, _fresh_link, public=True,
          note="the client's own page, through a phone link"),
]
