"""Writes of clients and episodes. Callers have already passed the accessor."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from keywork.audit.services import audit_record
from keywork.clients.models import HOLDS_EPISODE_OPEN, Client, Episode
from keywork.core.errors import ApplicationError
from keywork.organisations.models import LegalBasis, Membership, Role, Unit

CLIENT_FIELDS = ("given_name", "family_name", "date_of_birth", "preferred_language", "address",
                 "protected_identity", "own_words")


def _check_unit(membership: Membership, unit: Unit, legal_basis: LegalBasis) -> None:
    if unit.organisation_id != membership.organisation_id or (
        legal_basis.organisation_id != membership.organisation_id
    ):
        raise ApplicationError(_("That unit or legal basis belongs to another organisation."))
    if membership.role == Role.SUPERVISOR and not membership.units.filter(pk=unit.pk).exists():
        raise ApplicationError(_("You can only admit clients to units you supervise."),
                               field="unit")


@transaction.atomic
def client_create(*, membership: Membership, unit: Unit, legal_basis: LegalBasis,
                  start_date: dt.date, planned_end_date: dt.date | None = None,
                  **fields: Any) -> Client:
    """Admit a client: the client and their first episode of care, in one step."""
    if membership.role != Role.SUPERVISOR:
        raise ApplicationError(_("Only a supervisor can admit a client."))
    _check_unit(membership, unit, legal_basis)
    client = Client.objects.create(
        organisation=membership.organisation,
        **{k: v for k, v in fields.items() if k in CLIENT_FIELDS},
    )
    episode = Episode.objects.create(
        organisation=membership.organisation, client=client, unit=unit,
        legal_basis=legal_basis, start_date=start_date, planned_end_date=planned_end_date,
    )
    audit_record(actor=membership.user, action="create", role=membership.role,
                 organisation_id=client.organisation_id, client_id=client.pk, obj=client,
                 detail="client admitted")
    audit_record(actor=membership.user, action="create", role=membership.role,
                 organisation_id=client.organisation_id, client_id=client.pk, obj=episode)
    return client


@transaction.atomic
def client_update(*, membership: Membership, client: Client, **fields: Any) -> Client:
    changed = [k for k in CLIENT_FIELDS if k in fields and getattr(client, k) != fields[k]]
    for key in changed:
        setattr(client, key, fields[key])
    if changed:
        client.save()
        audit_record(actor=membership.user, action="update", role=membership.role,
                     organisation_id=client.organisation_id, client_id=client.pk, obj=client,
                     detail="changed: " + ", ".join(changed))
    return client


@transaction.atomic
def episode_create(*, membership: Membership, client: Client, unit: Unit,
                   legal_basis: LegalBasis, start_date: dt.date,
                   planned_end_date: dt.date | None = None) -> Episode:
    _check_unit(membership, unit, legal_basis)
    if client.episodes.filter(end_date__isnull=True).exists():
        raise ApplicationError(_("This client already has an open episode. End it first."))
    episode = Episode.objects.create(
        organisation=client.organisation, client=client, unit=unit, legal_basis=legal_basis,
        start_date=start_date, planned_end_date=planned_end_date,
    )
    audit_record(actor=membership.user, action="create", role=membership.role,
                 organisation_id=client.organisation_id, client_id=client.pk, obj=episode)
    return episode


EPISODE_FIELDS = ("planned_end_date", "consent", "consent_date", "consent_note", "legal_basis")


@transaction.atomic
def episode_update(*, membership: Membership, episode: Episode, **fields: Any) -> Episode:
    changed = [k for k in EPISODE_FIELDS if k in fields and getattr(episode, k) != fields[k]]
    if "legal_basis" in changed and (
        fields["legal_basis"].organisation_id != episode.organisation_id
    ):
        raise ApplicationError(_("That legal basis belongs to another organisation."))
    for key in changed:
        setattr(episode, key, fields[key])
    if changed:
        episode.save()
        audit_record(actor=membership.user, action="update", role=membership.role,
                     organisation_id=episode.organisation_id, client_id=episode.client_id,
                     obj=episode, detail="changed: " + ", ".join(changed))
    return episode


@transaction.atomic
def episode_end(*, membership: Membership, episode: Episode, end_date: dt.date, outcome: str,
                outcome_note: str = "") -> Episode:
    if not episode.is_open:
        raise ApplicationError(_("This episode has already ended."))
    if end_date < episode.start_date:
        raise ApplicationError(_("The end cannot be before the start."), field="end_date")
    if outcome not in Episode.Outcome.values:
        raise ApplicationError(_("Choose an outcome."), field="outcome")
    if episode.relationships.filter(status__in=HOLDS_EPISODE_OPEN).exists():
        raise ApplicationError(
            _("Move the keyworker relationship to its ending before the episode ends."))
    episode.end_date = end_date
    episode.outcome = outcome
    episode.outcome_note = outcome_note
    episode.save()
    audit_record(actor=membership.user, action="update", role=membership.role,
                 organisation_id=episode.organisation_id, client_id=episode.client_id,
                 obj=episode, detail=f"episode ended: {outcome}")
    return episode
