"""Access matrix entries for supervision. Sessions belong to a keyworker, not to a client:
the entries name who may open them (the worker and the worker's supervisors)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from keywork.organisations.models import Membership, Role
from keywork.supervision.models import Action, AgendaItem, Session
from tests.matrix import NO_CLIENT, Entry, Target

WORKER_AND_SUPERVISOR = ("keyworker", "supervisor")


def _session(t: Target) -> Session:
    rel = t.relationship
    supervisor = Membership.objects.filter(
        organisation_id=rel.organisation_id, role=Role.SUPERVISOR,
        units=rel.episode.unit_id).order_by("id").first()
    assert supervisor is not None
    session, _ = Session.objects.get_or_create(
        organisation_id=rel.organisation_id, worker_id=rel.keyworker_id,
        supervisor_id=supervisor.user_id,
        defaults={"held_on": timezone.localdate(), "created_by_id": supervisor.user_id,
                  "agenda_since": timezone.now() - dt.timedelta(days=30)})
    return session


def session_pk(t: Target) -> dict[str, Any]:
    return {"pk": _session(t).pk}


def item_pk(t: Target) -> dict[str, Any]:
    session = _session(t)
    item, _ = AgendaItem.objects.get_or_create(
        organisation_id=session.organisation_id, session=session, kind="own",
        defaults={"source": "supervision", "title": "Matrix: workload"})
    return {"pk": item.pk}


def action_pk(t: Target) -> dict[str, Any]:
    session = _session(t)
    action, _ = Action.objects.get_or_create(
        organisation_id=session.organisation_id, session=session, text="Matrix: read up",
        defaults={"owner_id": session.worker_id,
                  "due_on": timezone.localdate() + dt.timedelta(days=7)})
    return {"pk": action.pk}


def _new(t: Target) -> dict[str, Any]:
    return {"worker": t.relationship.keyworker_id, "held_on": timezone.localdate().isoformat(),
            "kind": "individual"}


def _action(t: Target) -> dict[str, Any]:
    return {"text": "Matrix: call the landlord together", "owner": t.relationship.keyworker_id,
            "due_on": (timezone.localdate() + dt.timedelta(days=14)).isoformat()}


ENTRIES = [
    Entry("supervision:index", NO_CLIENT, roles=("keyworker", "supervisor", "manager"),
          note="managers see counts only"),
    Entry("supervision:new", NO_CLIENT, method="post", data=_new, roles=("supervisor",)),
    Entry("supervision:detail", NO_CLIENT, session_pk, roles=WORKER_AND_SUPERVISOR,
          note="the worker reads their own sessions"),
    Entry("supervision:edit", NO_CLIENT, session_pk, method="post",
          data=lambda t: {"held_on": timezone.localdate().isoformat(), "kind": "group",
                          "notes": "Matrix notes", "decisions": ""},
          roles=("supervisor",)),
    Entry("supervision:item_add", NO_CLIENT, session_pk, method="post",
          data=lambda t: {"title": "Matrix: own item"}, roles=("supervisor",)),
    Entry("supervision:item_edit", NO_CLIENT, item_pk, method="post",
          data=lambda t: {"notes": "Matrix", "decisions": ""}, roles=("supervisor",)),
    Entry("supervision:action_add", NO_CLIENT, session_pk, method="post", data=_action,
          roles=("supervisor",)),
    Entry("supervision:action_done", NO_CLIENT, action_pk, method="post",
          roles=WORKER_AND_SUPERVISOR, note="the owner (here the worker) or a supervisor"),
    Entry("supervision:reflect", NO_CLIENT, session_pk, method="post",
          data=lambda t: {"text": "Matrix: I learnt to wait."}, roles=("keyworker",)),
    Entry("supervision:sign", NO_CLIENT, session_pk, method="post", roles=("supervisor",)),
    Entry("supervision:refresh", NO_CLIENT, session_pk, method="post", roles=("supervisor",)),
    Entry("supervision:addendum", NO_CLIENT, session_pk, method="post",
          data=lambda t: {"text": "Matrix: later thought."}, roles=WORKER_AND_SUPERVISOR,
          note="before signing the page says why not (200)"),
]
