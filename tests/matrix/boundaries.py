"""The boundary register, contact agreements, the gifts register and the client's worry."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from keywork.boundaries.models import BoundaryEvent
from keywork.relationships.models import Relationship
from tests.matrix import (
    NO_CLIENT,
    READ,
    SUPERVISE,
    WRITE,
    Entry,
    Target,
    client_pk,
    relationship_pk,
)
from tests.matrix.portal import _fresh_link


def _event(t: Target) -> dict[str, Any]:
    rel = t.relationship
    event = BoundaryEvent.objects.create(
        organisation_id=rel.organisation_id, worker_id=rel.keyworker_id,
        client_id=rel.client_id, relationship=rel, kind="gift", severity="minor",
        source="declared", occurred_on=timezone.localdate() - dt.timedelta(days=3),
        context="Matrix: a box of chocolates.", accepted=False, created_by_id=rel.keyworker_id)
    return {"pk": event.pk}


def _after_closure_event(t: Target) -> dict[str, Any]:
    rel = Relationship.objects.filter(keyworker_id=t.relationship.keyworker_id,
                                      status="closed").first()
    assert rel is not None
    event = BoundaryEvent.objects.create(
        organisation_id=rel.organisation_id, worker_id=rel.keyworker_id,
        client_id=rel.client_id, relationship=rel, kind="contact_after_ending",
        severity="significant", source="declared", occurred_on=timezone.localdate(),
        context="Matrix: met in town.", after_closure_reason="By chance.",
        created_by_id=rel.keyworker_id)
    return {"pk": event.pk}


def _event_fields(t: Target) -> dict[str, Any]:
    return {"worker": str(t.relationship.keyworker_id), "kind": "gift",
            "occurred_on": timezone.localdate().isoformat(), "accepted": "no",
            "context": "Matrix: offered a scarf she had knitted."}


def _private_connection(t: Target) -> dict[str, Any]:
    return {"worker": str(t.relationship.keyworker_id), "kind": "conflict_of_interest",
            "occurred_on": timezone.localdate().isoformat(),
            "context": "Matrix: neighbours for years."}


def _agreement(t: Target) -> dict[str, Any]:
    return {"per_week": "2", "channels": ["in_person", "org_phone"], "hours_from": "09:00",
            "hours_to": "16:00", "agreed_on": timezone.localdate().isoformat(),
            "client_tasks": "Matrix: books her own appointments."}


ENTRIES = [
    Entry("boundaries:mine", NO_CLIENT, roles=("keyworker", "supervisor")),
    Entry("boundaries:relationship", READ, relationship_pk),
    Entry("boundaries:record", WRITE, relationship_pk, method="post", data=_event_fields),
    Entry("boundaries:drift", READ, relationship_pk),
    Entry("boundaries:agreement", READ, relationship_pk),
    Entry("boundaries:agreement_edit", WRITE, relationship_pk, method="post", data=_agreement,
          note="a closed relationship shows why not (200)"),
    Entry("boundaries:client_record", SUPERVISE, client_pk, method="post",
          data=_private_connection),
    Entry("boundaries:event", READ, _event,
          note="a keyworker sees events about themselves; this one is about the keyworker"),
    Entry("boundaries:reflect", WRITE, _event, method="post",
          data=lambda t: {"reflection": "Matrix: I should have said no at once."},
          note="only the worker the event is about writes; a supervisor sees why not (200)"),
    Entry("boundaries:review", SUPERVISE, _event, method="post",
          data=lambda t: {"outcome": "noted", "review_note": "Matrix: talked it through.",
                          "reviewed_on": timezone.localdate().isoformat(),
                          "severity": "minor"}),
    Entry("boundaries:after_closure", NO_CLIENT, roles=("keyworker", "supervisor")),
    Entry("boundaries:after_closure_done", NO_CLIENT, _after_closure_event,
          roles=("keyworker",), note="only the worker who declared it"),
    Entry("boundaries:gifts", NO_CLIENT, roles=("supervisor", "manager")),
    Entry("boundaries:settings", NO_CLIENT, roles=("administrator",)),
    Entry("portal:boundaries_concern", NO_CLIENT, _fresh_link, public=True,
          note="the client's own page, through a phone link"),
]
