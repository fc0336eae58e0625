"""Contacts: logged in a few taps, signed, then corrected only by addenda."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from keywork.audit.services import audit_record
from keywork.contacts import hooks
from keywork.contacts.models import Addendum, Channel, Contact, Initiator, Kind
from keywork.core.errors import ApplicationError
from keywork.organisations.models import Membership
from keywork.relationships.models import Relationship, Status

EDITABLE = ("occurred_at", "duration_minutes", "kind", "initiated_by", "attended", "channel",
            "note")


def _validate(fields: dict[str, object]) -> None:
    if fields.get("kind") not in Kind.values:
        raise ApplicationError(_("Choose the kind of contact."), field="kind")
    if fields.get("initiated_by") not in Initiator.values:
        raise ApplicationError(_("Choose who started the contact."), field="initiated_by")
    if fields.get("channel") not in Channel.values:
        raise ApplicationError(_("Choose the channel."), field="channel")
    when = fields.get("occurred_at")
    if isinstance(when, dt.datetime) and when > timezone.now() + dt.timedelta(minutes=5):
        raise ApplicationError(_("A contact cannot be logged in the future."),
                               field="occurred_at")
    minutes = fields.get("duration_minutes")
    if not isinstance(minutes, int) or not 0 <= minutes <= 24 * 60:
        raise ApplicationError(_("Give the length in minutes, up to a day."),
                               field="duration_minutes")


def _saved(membership: Membership, contact: Contact) -> None:
    """What other apps do with a recorded or changed contact (``hooks.contact_saved``)."""
    for fn in hooks.contact_saved:
        fn(membership=membership, contact=contact)


@transaction.atomic
def contact_record(*, membership: Membership, relationship: Relationship,
                   occurred_at: dt.datetime, kind: str, duration_minutes: int = 15,
                   initiated_by: str = Initiator.WORKER, attended: bool = True,
                   channel: str = Channel.IN_PERSON, note: str = "",
                   sign: bool = False,
                   then: Sequence[Callable[[Contact], object]] = ()) -> Contact:
    """Log a contact. ``then`` records what belongs with it (what an advocacy contact rested
    on), in the same transaction: all of it is saved, or none."""
    fields = {"occurred_at": occurred_at, "kind": kind, "duration_minutes": duration_minutes,
              "initiated_by": initiated_by, "attended": attended, "channel": channel,
              "note": note}
    _validate(fields)
    if relationship.status == Status.CLOSED and relationship.closed_at and (
        occurred_at > relationship.closed_at
    ):
        raise ApplicationError(_("This relationship has closed. Contact after the ending is "
                                 "a boundary matter: talk to your supervisor."))
    contact = Contact.objects.create(
        organisation=relationship.organisation, relationship=relationship,
        client=relationship.client, worker=membership.user, created_by=membership.user,
        needs_review=channel == Channel.PERSONAL_DEVICE, **fields,
    )
    audit_record(actor=membership.user, action="create", role=membership.role,
                 organisation_id=contact.organisation_id, client_id=contact.client_id,
                 obj=contact, detail=f"{kind} logged")
    _saved(membership, contact)
    if sign:
        contact_sign(membership=membership, contact=contact)
    for attach in then:
        attach(contact)
    return contact


@transaction.atomic
def contact_update(*, membership: Membership, contact: Contact, **fields: object) -> Contact:
    if contact.is_signed:
        raise ApplicationError(_("A signed note cannot be changed. Add an addendum instead."))
    if contact.worker_id != membership.user.pk:
        raise ApplicationError(_("Only the worker who logged this contact can change it."))
    merged = {k: fields.get(k, getattr(contact, k)) for k in EDITABLE}
    _validate(merged)
    changed = [k for k in EDITABLE if merged[k] != getattr(contact, k)]
    for key in changed:
        setattr(contact, key, merged[key])
    contact.needs_review = contact.channel == Channel.PERSONAL_DEVICE
    if changed:
        contact.save()
        audit_record(actor=membership.user, action="update", role=membership.role,
                     organisation_id=contact.organisation_id, client_id=contact.client_id,
                     obj=contact, detail="changed: " + ", ".join(changed))
        _saved(membership, contact)
    return contact


@transaction.atomic
def contact_sign(*, membership: Membership, contact: Contact) -> Contact:
    if contact.is_signed:
        raise ApplicationError(_("This note is already signed."))
    if contact.worker_id != membership.user.pk:
        raise ApplicationError(_("Only the worker who logged this contact can sign it."))
    contact.signed_at = timezone.now()
    contact.signed_by = membership.user
    contact.save(update_fields=["signed_at", "signed_by", "updated_at"])
    audit_record(actor=membership.user, action="sign", role=membership.role,
                 organisation_id=contact.organisation_id, client_id=contact.client_id,
                 obj=contact)
    return contact


@transaction.atomic
def addendum_add(*, membership: Membership, contact: Contact, text: str) -> Addendum:
    if not contact.is_signed:
        raise ApplicationError(_("The note is not signed yet: change it directly."))
    if not text.strip():
        raise ApplicationError(_("Write the correction."), field="text")
    addendum = Addendum.objects.create(
        organisation=contact.organisation, contact=contact, text=text.strip(),
        author=membership.user,
    )
    audit_record(actor=membership.user, action="create", role=membership.role,
                 organisation_id=contact.organisation_id, client_id=contact.client_id,
                 obj=addendum, detail=f"addendum to contact {contact.pk}")
    return addendum
