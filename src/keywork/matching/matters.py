"""What matching brings to the inbox: a client's request for another keyworker waits for a
supervisor of the unit; an approved change waits for the outgoing keyworker's handover note.
Nothing of it goes on the supervision agenda: a request for a change is recorded only as
the change itself, and the keyworker learns of it only once it is approved."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from keywork.core.matters import HIGH, MEDIUM, Matter, Scope
from keywork.matching.models import ChangeRequest
from keywork.organisations.models import Role


def change_request_items(scope: Scope) -> list[Matter]:
    viewer = scope.viewer
    if scope.worker_copy or viewer is None:
        return []
    items: list[Matter] = []
    if viewer.role == Role.SUPERVISOR and scope.unit_ids:
        pending = (ChangeRequest.objects.filter(
            organisation_id=scope.organisation_id, status=ChangeRequest.Status.PENDING,
            relationship__episode__unit_id__in=scope.unit_ids)
            .exclude(relationship__keyworker_id=viewer.user_id)
            .order_by("asked_at", "id"))
        for request in pending:
            items.append(Matter(
                source="matching", kind="change_request",
                title=_("The client asks for another keyworker"),
                detail=_("Asked on %(day)s.") % {"day": request.asked_at.date().isoformat()},
                url=reverse("matching:request", kwargs={"pk": request.pk}),
                relationship_id=request.relationship_id, client_id=request.client_id,
                ref=f"changerequest:{request.pk}", priority=15, severity=HIGH,
                since=request.asked_at,
                action=_("Decide on the request; a change is possible without penalty.")))
    handovers = (ChangeRequest.objects.filter(
        organisation_id=scope.organisation_id, status=ChangeRequest.Status.APPROVED,
        relationship__keyworker_id=viewer.user_id, handover_note="")
        .order_by("decided_at", "id"))
    for request in handovers:
        items.append(Matter(
            source="matching", kind="handover",
            title=_("Write the handover note"),
            detail=_("The change of keyworker was approved on %(day)s.") % {
                "day": request.decided_at.date().isoformat() if request.decided_at else "—"},
            url=reverse("matching:handover", kwargs={"pk": request.pk}),
            relationship_id=request.relationship_id, client_id=request.client_id,
            ref=f"handover:{request.pk}", priority=30, severity=MEDIUM,
            since=request.decided_at,
            action=_("Write what the next keyworker needs to know, and agree the joint "
                     "meeting.")))
    return items
