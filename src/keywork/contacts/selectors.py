from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from keywork.audit.services import audit_record
from keywork.clients.models import Client
from keywork.clients.selectors import clients_for_membership
from keywork.contacts.models import Addendum, Contact
from keywork.core.errors import AccessDenied
from keywork.organisations.models import Role
from keywork.organisations.selectors import active_membership
from keywork.relationships.models import Relationship


def get_contact_for_user(*, user: Any, pk: int, write: bool = False,
                         audit_view: bool = False) -> Contact:
    """Read: anyone who may open the client. Write (edit, sign, addendum): the worker who
    made the contact while they still have access, or a supervisor of the unit."""
    membership = active_membership(user)
    try:
        contact = Contact.objects.select_related("relationship", "client", "worker").get(
            pk=pk, client__in=clients_for_membership(membership, write=write))
        if write and membership is not None and membership.role == Role.KEYWORKER and (
            contact.worker_id != user.pk
        ):
            raise Contact.DoesNotExist
    except (Contact.DoesNotExist, ValueError) as exc:
        audit_record(
            actor=user, action="denied", role=membership.role if membership else "",
            organisation_id=membership.organisation_id if membership else None,
            object_type="contact", object_id=str(pk)[:40],
        )
        raise AccessDenied("This contact is not open to you.") from exc
    assert membership is not None
    if not write or audit_view:
        audit_record(actor=user, action="view", role=membership.role,
                     organisation_id=contact.organisation_id, client_id=contact.client_id,
                     obj=contact)
    return contact


TIMELINE_STEP = 20
TIMELINE_MAX = 500


def _timeline(qs: QuerySet[Contact], limit: int) -> tuple[list[Contact], bool]:
    limit = max(1, min(limit, TIMELINE_MAX))
    rows = list(
        qs.select_related("worker", "signed_by", "relationship")
        .prefetch_related(Prefetch("addenda", queryset=Addendum.objects.select_related(
            "author").order_by("created_at", "id")))
        .order_by("-occurred_at", "-id")[: limit + 1])
    return rows[:limit], len(rows) > limit


def timeline_for_client(client: Client, *, limit: int = TIMELINE_STEP
                        ) -> tuple[list[Contact], bool]:
    """The client's contacts, newest first, and whether there are older ones. Read only
    after the client accessor has been passed."""
    return _timeline(Contact.objects.filter(client=client,
                                            organisation_id=client.organisation_id), limit)


def timeline_for_relationship(relationship: Relationship, *, limit: int = TIMELINE_STEP
                              ) -> tuple[list[Contact], bool]:
    return _timeline(Contact.objects.filter(relationship=relationship,
                                            organisation_id=relationship.organisation_id),
                     limit)
