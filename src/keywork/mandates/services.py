"""Writes of mandates and of the basis of advocacy contacts; each audited, one
transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from keywork.audit.services import audit_record
from keywork.contacts.models import Contact, Kind
from keywork.contacts.services import contact_record
from keywork.core.errors import ApplicationError
from keywork.domain.mandates import covers
from keywork.mandates.models import AdvocacyBasis, Basis, GivenHow, Mandate
from keywork.organisations.models import Membership
from keywork.relationships.models import Relationship


def _audit(membership: Membership | None, obj: Any, client_id: int, org_id: int,
           action: str, detail: str) -> None:
    audit_record(actor=membership.user if membership else None, action=action,
                 role=membership.role if membership else "", organisation_id=org_id,
                 client_id=client_id, obj=obj, detail=detail)


def _check(scope: str, who: str, valid_from: dt.date | None, valid_until: dt.date | None
           ) -> tuple[str, str, dt.date]:
    scope, who = scope.strip(), who.strip()
    if not scope:
        raise ApplicationError(_("Write what the worker may do."), field="scope")
    if not who:
        raise ApplicationError(_("Write who may be contacted."),
                               field="who_may_be_contacted")
    valid_from = valid_from or timezone.localdate()
    if valid_until is not None and valid_until < valid_from:
        raise ApplicationError(_("The last day comes before the first."), field="valid_until")
    return scope, who, valid_from


@transaction.atomic
def mandate_record(*, membership: Membership, relationship: Relationship, scope: str,
                   who_may_be_contacted: str, given_how: str,
                   valid_from: dt.date | None = None, valid_until: dt.date | None = None
                   ) -> Mandate:
    """A mandate the client gave the worker in words or in writing."""
    if given_how not in (GivenHow.SPOKEN, GivenHow.WRITTEN):
        raise ApplicationError(_("Choose how the client gave it."), field="given_how")
    scope, who, valid_from = _check(scope, who_may_be_contacted, valid_from, valid_until)
    mandate = Mandate.objects.create(
        organisation_id=relationship.organisation_id, relationship=relationship,
        client_id=relationship.client_id, scope=scope, who_may_be_contacted=who,
        valid_from=valid_from, valid_until=valid_until, given_how=given_how,
        recorded_by=membership.user)
    _audit(membership, mandate, mandate.client_id, mandate.organisation_id, "create",
           f"mandate given {given_how}")
    return mandate


@transaction.atomic
def mandate_give_by_client(*, relationship: Relationship, scope: str,
                           who_may_be_contacted: str, valid_until: dt.date | None = None
                           ) -> Mandate:
    """A mandate the client gives on their own page, from today."""
    scope, who, valid_from = _check(scope, who_may_be_contacted, None, valid_until)
    mandate = Mandate.objects.create(
        organisation_id=relationship.organisation_id, relationship=relationship,
        client_id=relationship.client_id, scope=scope, who_may_be_contacted=who,
        valid_from=valid_from, valid_until=valid_until, given_how=GivenHow.OWN_PAGE)
    _audit(None, mandate, mandate.client_id, mandate.organisation_id, "create",
           "mandate given on the client's own page")
    return mandate


def _withdraw(mandate: Mandate, *, by_client: bool, note: str) -> None:
    if mandate.withdrawn_on is not None:
        raise ApplicationError(_("This mandate is already withdrawn."))
    mandate.withdrawn_on = timezone.localdate()
    mandate.withdrawn_by_client = by_client
    mandate.withdrawal_note = note.strip()
    mandate.save(update_fields=["withdrawn_on", "withdrawn_by_client", "withdrawal_note",
                                "updated_at"])


@transaction.atomic
def mandate_withdraw(*, membership: Membership, mandate: Mandate, note: str = "") -> Mandate:
    """The client told the worker they withdraw the mandate; recorded from today."""
    _withdraw(mandate, by_client=False, note=note)
    _audit(membership, mandate, mandate.client_id, mandate.organisation_id, "update",
           "mandate withdrawn (recorded by staff)")
    return mandate


@transaction.atomic
def mandate_withdraw_by_client(*, relationship: Relationship, mandate: Mandate) -> Mandate:
    """The client withdraws a mandate on their own page: at once, no reason needed."""
    if mandate.relationship_id != relationship.pk:
        raise ApplicationError(_("This is not your mandate."))
    _withdraw(mandate, by_client=True, note="")
    _audit(None, mandate, mandate.client_id, mandate.organisation_id, "update",
           "mandate withdrawn on the client's own page")
    return mandate


@transaction.atomic
def advocacy_basis_record(*, membership: Membership, contact: Contact, basis: str,
                          mandate: Mandate | None = None, legal_basis: str = ""
                          ) -> AdvocacyBasis:
    """Record (or correct) what an advocacy contact rested on: a mandate that held on the
    day of the contact, or formal power with its legal basis."""
    if contact.kind != Kind.ADVOCACY:
        raise ApplicationError(_("Only a contact with an authority for the client has a "
                                 "mandate or formal power behind it."))
    legal_basis = legal_basis.strip()
    if basis == Basis.MANDATE:
        if mandate is None:
            raise ApplicationError(_("Choose the mandate the contact rested on."),
                                   field="mandate")
        day = timezone.localtime(contact.occurred_at).date()
        if mandate.relationship_id != contact.relationship_id or not covers(
                valid_from=mandate.valid_from, valid_until=mandate.valid_until,
                withdrawn_on=mandate.withdrawn_on, day=day):
            raise ApplicationError(_("That mandate did not hold on the day of the contact."),
                                   field="mandate")
        legal_basis = ""
    elif basis == Basis.FORMAL:
        if not legal_basis:
            raise ApplicationError(_("Name the legal basis of the formal power."),
                                   field="legal_basis")
        mandate = None
    else:
        raise ApplicationError(_("Choose the client's mandate or formal power."),
                               field="basis")
    found = AdvocacyBasis.objects.filter(contact=contact).first()
    if found is None:
        found = AdvocacyBasis.objects.create(
            organisation_id=contact.organisation_id, contact=contact,
            relationship_id=contact.relationship_id, client_id=contact.client_id,
            basis=basis, mandate=mandate, legal_basis=legal_basis,
            recorded_by=membership.user)
        action = "create"
    else:
        found.basis, found.mandate, found.legal_basis = basis, mandate, legal_basis
        found.recorded_by = membership.user
        found.save()
        action = "update"
    _audit(membership, found, contact.client_id, contact.organisation_id, action,
           f"advocacy contact {contact.pk} on {basis}")
    return found


@transaction.atomic
def advocacy_contact_record(*, membership: Membership, relationship: Relationship,
                            basis: str, mandate: Mandate | None = None,
                            legal_basis: str = "", **contact_fields: Any) -> Contact:
    """Log an advocacy contact and what it rested on, together or not at all."""
    return contact_record(
        membership=membership, relationship=relationship, **contact_fields,
        then=[lambda contact: advocacy_basis_record(
            membership=membership, contact=contact, basis=basis, mandate=mandate,
            legal_basis=legal_basis)])

