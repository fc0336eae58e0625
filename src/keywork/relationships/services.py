"""The lifecycle of a keyworker relationship: proposed → active → ending → closed."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from keywork.audit.services import audit_record
from keywork.clients.models import Episode
from keywork.core.errors import ApplicationError
from keywork.organisations.models import Membership, Role
from keywork.relationships import hooks
from keywork.relationships.models import (
    OPEN_STATUSES,
    EndReason,
    Introduction,
    Relationship,
    StartReason,
    Status,
)


def _audit(membership: Membership, rel: Relationship, action: str, detail: str,
           obj: object | None = None) -> None:
    audit_record(actor=membership.user, action=action, role=membership.role,
                 organisation_id=rel.organisation_id, client_id=rel.client_id,
                 obj=obj or rel, detail=detail)


def _staff(membership: Membership, user_id: int | None, *roles: str) -> None:
    if user_id is None:
        return
    ok = Membership.objects.filter(
        organisation=membership.organisation, user_id=user_id, is_active=True,
        role__in=roles or (Role.KEYWORKER, Role.SUPERVISOR),
    ).exists()
    if not ok:
        raise ApplicationError(_("That person is not a keyworker in this organisation."))


@transaction.atomic
def relationship_propose(*, membership: Membership, episode: Episode, keyworker_id: int,
                         deputy_id: int | None = None,
                         start_reason: str = StartReason.FIRST_ALLOCATION,
                         start_note: str = "", on: dt.date | None = None) -> Relationship:
    if membership.role != Role.SUPERVISOR:
        raise ApplicationError(_("Only a supervisor allocates keyworkers."))
    if not episode.is_open:
        raise ApplicationError(_("The episode has ended."))
    _staff(membership, keyworker_id)
    _staff(membership, deputy_id)
    if deputy_id == keyworker_id:
        raise ApplicationError(_("The deputy must be someone other than the keyworker."),
                               field="deputy")
    if start_reason not in StartReason.values:
        raise ApplicationError(_("Choose why the relationship starts."), field="start_reason")
    if episode.relationships.filter(status__in=(Status.PROPOSED, Status.ACTIVE)).exists():
        raise ApplicationError(
            _("This episode already has a keyworker. Start the ending of that relationship "
              "first."))
    rel = Relationship.objects.create(
        organisation=episode.organisation, client=episode.client, episode=episode,
        keyworker_id=keyworker_id, deputy_id=deputy_id, start_reason=start_reason,
        start_note=start_note, proposed_on=on or timezone.localdate(),
    )
    _audit(membership, rel, "create", f"keyworker proposed ({start_reason})")
    return rel


@transaction.atomic
def introduction_record(*, membership: Membership, relationship: Relationship,
                        held_on: dt.date, explained_role: bool, explained_purpose: bool,
                        explained_powers: bool, explained_confidentiality: bool,
                        client_understanding: str) -> Introduction:
    if relationship.has_introduction:
        raise ApplicationError(_("The introduction is already recorded."))
    if not relationship.is_open:
        raise ApplicationError(_("This relationship has closed."))
    if held_on > timezone.localdate():
        raise ApplicationError(_("The introduction cannot be in the future."), field="held_on")
    if not client_understanding.strip():
        raise ApplicationError(
            _("Write down what the client understood, in their own words."),
            field="client_understanding")
    intro = Introduction.objects.create(
        organisation=relationship.organisation, relationship=relationship, held_on=held_on,
        explained_role=explained_role, explained_purpose=explained_purpose,
        explained_powers=explained_powers, explained_confidentiality=explained_confidentiality,
        confidentiality_limits_shown=relationship.episode.legal_basis.confidentiality_limits,
        client_understanding=client_understanding.strip(), recorded_by=membership.user,
    )
    _audit(membership, relationship, "create", "introduction recorded", obj=intro)
    return intro


@transaction.atomic
def relationship_activate(*, membership: Membership, relationship: Relationship,
                          waiver: str = "", on: dt.date | None = None) -> Relationship:
    """Active needs a complete introduction, or a supervisor's written reason."""
    if relationship.status != Status.PROPOSED:
        raise ApplicationError(_("Only a proposed relationship can become active."))
    intro = getattr(relationship, "introduction", None)
    waived = intro is None or not intro.is_complete
    if waived:
        if membership.role != Role.SUPERVISOR:
            raise ApplicationError(
                _("Record a complete introduction first: role, purpose, powers, limits of "
                  "confidentiality and what the client understood. A supervisor can record "
                  "why it must start without one."))
        if not waiver.strip():
            raise ApplicationError(
                _("Write why this relationship starts without a complete introduction."),
                field="waiver")
        relationship.introduction_waiver = waiver.strip()
        relationship.introduction_waived_by = membership.user
    relationship.status = Status.ACTIVE
    relationship.started_on = on or timezone.localdate()
    relationship.save()
    _audit(membership, relationship, "update",
           "activated" + (" without introduction (supervisor)" if waived else ""))
    return relationship


@transaction.atomic
def relationship_start_ending(*, membership: Membership, relationship: Relationship,
                              end_reason: str, ending_from: dt.date | None = None,
                              note: str = "") -> Relationship:
    if relationship.status not in (Status.PROPOSED, Status.ACTIVE):
        raise ApplicationError(_("This relationship is already ending or closed."))
    if end_reason not in EndReason.values:
        raise ApplicationError(_("Choose why the relationship ends."), field="end_reason")
    relationship.status = Status.ENDING
    relationship.end_reason = end_reason
    relationship.end_note = note
    relationship.ending_from = ending_from or timezone.localdate()
    relationship.save()
    _audit(membership, relationship, "update", f"ending started ({end_reason})")
    return relationship


@transaction.atomic
def relationship_close(*, membership: Membership, relationship: Relationship,
                       note: str = "", post_closure_days: int | None = None
                       ) -> Relationship:
    """Close an ending relationship. The post-closure period (contact in it is a boundary
    matter) is the organisation's setting unless given."""
    if relationship.status != Status.ENDING:
        raise ApplicationError(_("Start the ending before closing the relationship."))
    now = timezone.now()
    relationship.status = Status.CLOSED
    relationship.closed_at = now
    if note:
        relationship.end_note = (relationship.end_note + "\n\n" + note).strip()
    if post_closure_days is None:
        post_closure_days = hooks.post_closure_days(relationship.organisation_id)
    relationship.post_closure_until = timezone.localdate() + dt.timedelta(days=post_closure_days)
    relationship.save()
    _audit(membership, relationship, "update", "closed")
    return relationship


@transaction.atomic
def relationship_set_deputy(*, membership: Membership, relationship: Relationship,
                            deputy_id: int | None) -> Relationship:
    if membership.role != Role.SUPERVISOR:
        raise ApplicationError(_("Only a supervisor changes the deputy."))
    if relationship.status not in OPEN_STATUSES:
        raise ApplicationError(_("This relationship has closed."))
    if deputy_id == relationship.keyworker_id:
        raise ApplicationError(_("The deputy must be someone other than the keyworker."),
                               field="deputy")
    _staff(membership, deputy_id)
    relationship.deputy_id = deputy_id
    relationship.save()
    _audit(membership, relationship, "update", "deputy changed")
    return relationship
