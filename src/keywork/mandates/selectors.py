"""Reads of mandates and of the basis of advocacy contacts.

``get_mandate_for_user`` is the one way staff open a mandate (client scope, audited). The
client reaches their own through their link (``mandates_for_space``), audited without an
actor."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from keywork.audit.services import audit_record
from keywork.checkins.space import ClientSpace
from keywork.clients.selectors import clients_for_membership
from keywork.contacts.models import Contact, Kind
from keywork.core.errors import AccessDenied
from keywork.domain.mandates import ACTIVE, Balance, balance
from keywork.mandates.models import AdvocacyBasis, Basis, Mandate
from keywork.organisations.selectors import active_membership
from keywork.relationships.models import Relationship


def get_mandate_for_user(*, user: Any, pk: int, write: bool = False,
                         audit_view: bool = False) -> Mandate:
    membership = active_membership(user)
    try:
        mandate = Mandate.objects.select_related("relationship", "client").get(
            pk=pk, client__in=clients_for_membership(membership, write=write))
    except (Mandate.DoesNotExist, ValueError, TypeError) as exc:
        audit_record(actor=user, action="denied", role=membership.role if membership else "",
                     organisation_id=membership.organisation_id if membership else None,
                     object_type="mandate", object_id=str(pk)[:40])
        raise AccessDenied("This mandate is not open to you.") from exc
    assert membership is not None
    if not write or audit_view:
        audit_record(actor=user, action="view", role=membership.role,
                     organisation_id=mandate.organisation_id, client_id=mandate.client_id,
                     obj=mandate)
    return mandate


@dataclass(frozen=True)
class MandateRow:
    mandate: Mandate
    state: str


def mandates_of_relationship(relationship: Relationship, today: dt.date | None = None
                             ) -> list[MandateRow]:
    """Every mandate of the relationship with where it stands, active ones first."""
    today = today or timezone.localdate()
    rows = [MandateRow(m, m.state_on(today)) for m in Mandate.objects.filter(
        organisation_id=relationship.organisation_id, relationship=relationship)
        .select_related("recorded_by")]
    return sorted(rows, key=lambda r: (r.state != ACTIVE, -r.mandate.valid_from.toordinal(),
                                       -r.mandate.pk))


def advocacy_contacts(relationship: Relationship) -> QuerySet[Contact]:
    return (Contact.objects.filter(organisation_id=relationship.organisation_id,
                                   relationship=relationship, kind=Kind.ADVOCACY)
            .select_related("advocacy_basis", "advocacy_basis__mandate", "worker")
            .order_by("-occurred_at", "-id"))


@dataclass(frozen=True)
class AdvocacyLists:
    on_mandate: list[Contact]
    on_formal: list[Contact]
    unrecorded: list[Contact]
    balance: Balance
    percents: tuple[int, int, int]


def basis_of(contact: Contact) -> AdvocacyBasis | None:
    """The recorded basis of one contact, or None."""
    try:
        return contact.advocacy_basis
    except AdvocacyBasis.DoesNotExist:
        return None


def advocacy_lists(relationship: Relationship) -> AdvocacyLists:
    """The work done for the client with authorities, split by what it rested on."""
    contacts = list(advocacy_contacts(relationship))
    bases = [(c, basis_of(c)) for c in contacts]
    found = balance([b.basis if b else "" for _c, b in bases])
    return AdvocacyLists(
        on_mandate=[c for c, b in bases if b and b.basis == Basis.MANDATE],
        on_formal=[c for c, b in bases if b and b.basis == Basis.FORMAL],
        unrecorded=[c for c, b in bases if b is None],
        balance=found, percents=found.percents())


def mandates_for_space(space: ClientSpace) -> tuple[list[MandateRow], AdvocacyLists]:
    rows = mandates_of_relationship(space.relationship)
    lists = advocacy_lists(space.relationship)
    audit_record(actor=None, action="view", organisation_id=space.organisation_id,
                 client_id=space.client.pk, obj=space.link,
                 detail="the client's own mandates, through their link")
    return rows, lists


def mandate_for_space(space: ClientSpace, pk: int) -> Mandate | None:
    mandate = Mandate.objects.filter(organisation_id=space.organisation_id,
                                     relationship=space.relationship, pk=pk).first()
    if mandate is not None:
        audit_record(actor=None, action="view", organisation_id=space.organisation_id,
                     client_id=space.client.pk, obj=mandate,
                     detail="the client's own mandate, through their link")
    return mandate
