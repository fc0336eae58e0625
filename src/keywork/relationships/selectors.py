from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from keywork.audit.services import audit_record
from keywork.clients.selectors import clients_for_membership, keyworker_relationships
from keywork.core.errors import AccessDenied
from keywork.organisations.models import Role
from keywork.organisations.selectors import active_membership
from keywork.relationships.models import Relationship


def get_relationship_for_user(*, user: Any, pk: int, write: bool = False) -> Relationship:
    """Read: anyone who may open the client. Write: the keyworker or deputy whose
    relationship gives access now, or a supervisor of the unit."""
    membership = active_membership(user)
    qs = Relationship.objects.select_related(
        "client", "episode", "episode__unit", "episode__legal_basis", "keyworker", "deputy")
    try:
        rel = qs.get(pk=pk, client__in=clients_for_membership(membership, write=write))
        if write and membership is not None and membership.role == Role.KEYWORKER:
            rel = keyworker_relationships(membership).select_related(
                "client", "episode", "keyworker", "deputy").get(pk=pk)
    except (Relationship.DoesNotExist, ValueError) as exc:
        audit_record(
            actor=user, action="denied", role=membership.role if membership else "",
            organisation_id=membership.organisation_id if membership else None,
            object_type="relationship", object_id=str(pk)[:40],
        )
        raise AccessDenied("This relationship is not open to you.") from exc
    assert membership is not None
    if not write:
        audit_record(actor=user, action="view", role=membership.role,
                     organisation_id=rel.organisation_id, client_id=rel.client_id, obj=rel)
    return rel


def relationships_for_user(user: Any) -> QuerySet[Relationship]:
    membership = active_membership(user)
    return Relationship.objects.filter(client__in=clients_for_membership(membership))


def caseload_for_worker(user: Any) -> QuerySet[Relationship]:
    """The relationships a keyworker carries or covers now, open ones first."""
    membership = active_membership(user)
    if membership is None:
        return Relationship.objects.none()
    return keyworker_relationships(membership).select_related(
        "client", "episode", "episode__unit", "episode__legal_basis", "keyworker", "deputy")
