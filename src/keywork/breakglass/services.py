"""Opening and reviewing emergency access."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from keywork.audit.services import audit_record
from keywork.breakglass.models import EmergencyAccessPolicy, Grant
from keywork.breakglass.selectors import GRANT_ROLES, active_grant, hours_for
from keywork.clients.models import Client
from keywork.clients.selectors import clients_for_membership
from keywork.core.errors import ApplicationError
from keywork.organisations.models import Membership, Role
from keywork.relationships.models import OPEN_STATUSES, Relationship
from keywork.relationships.selectors import current_relationship
from keywork.signals.models import Alert
from keywork.signals.services import alert_raise, alert_resolve

ALERT_CODE = "emergency_read"
MIN_REASON = 10


def find_client(*, membership: Membership, reference: str) -> Client | None:
    """The client with exactly this reference in the member's own organisation."""
    reference = reference.strip().upper()
    if not reference:
        return None
    return Client.objects.filter(organisation_id=membership.organisation_id,
                                 pseudonym=reference).first()


def grant_open(*, membership: Membership, reference: str, reason: str) -> Grant:
    """Open time-limited read access to a record outside the member's scope. The refusal of
    an unknown reference is audited (and kept: it is written outside the grant's
    transaction); so is the access, and the unit's supervisors are alerted to review it."""
    if membership.role not in GRANT_ROLES:
        raise ApplicationError(_("Emergency access is for keyworkers and supervisors."))
    reason = reason.strip()
    if len(reason) < MIN_REASON:
        raise ApplicationError(_("Say why you need the record now, in a sentence."),
                               field="reason")
    client = find_client(membership=membership, reference=reference)
    if client is None:
        audit_record(actor=membership.user, action="denied", role=membership.role,
                     organisation_id=membership.organisation_id, object_type="grant",
                     detail=f"emergency access: no client with reference {reference[:20]!r}")
        raise ApplicationError(_("No client in your service has this reference. Check it "
                                 "and type it exactly as written."), field="reference")
    if clients_for_membership(membership).filter(pk=client.pk).exists():
        raise ApplicationError(_("You can already open this record."), code="in_scope")
    return _grant_create(membership=membership, client=client, reason=reason)


@transaction.atomic
def _grant_create(*, membership: Membership, client: Client, reason: str) -> Grant:
    now = timezone.now()
    grant = Grant.objects.create(
        organisation_id=membership.organisation_id, user=membership.user,
        role=membership.role, client=client, reason=reason, granted_at=now,
        expires_at=now + dt.timedelta(hours=hours_for(membership.organisation_id)))
    audit_record(actor=membership.user, action="create", role=membership.role,
                 organisation_id=membership.organisation_id, client_id=client.pk, obj=grant,
                 detail=f"emergency access until {timezone.localtime(grant.expires_at):%H:%M}: "
                        f"{reason}"[:500])
    _alert(grant)
    return grant


def _alert(grant: Grant) -> None:
    rels = Relationship.objects.filter(client_id=grant.client_id,
                                       organisation_id=grant.organisation_id,
                                       status__in=OPEN_STATUSES)
    rel = current_relationship(rels)
    if rel is None:
        return
    alert_raise(relationship=rel, code=ALERT_CODE, source="breakglass",
                params={"who": grant.user.get_full_name() or grant.user.get_username(),
                        "when": timezone.localtime(grant.granted_at).strftime(
                            "%Y-%m-%d %H:%M")},
                evidence="", next_step="review_emergency_read")


@transaction.atomic
def grant_review(*, membership: Membership, grant: Grant, note: str) -> Grant:
    if membership.role != Role.SUPERVISOR:
        raise ApplicationError(_("Only a supervisor reviews an emergency access."))
    if grant.organisation_id != membership.organisation_id:
        raise ApplicationError(_("This record is not open to you."), code="not_found")
    if grant.user_id == membership.user_id:
        raise ApplicationError(_("Another supervisor reviews your own emergency access."))
    if grant.reviewed_at is not None:
        raise ApplicationError(_("This emergency access has been reviewed already."))
    if not note.strip():
        raise ApplicationError(_("Write what you found: was the access needed, and was the "
                                 "record used for that need only?"), field="note")
    grant.reviewed_by, grant.reviewed_at = membership.user, timezone.now()
    grant.review_note = note.strip()
    grant.save()
    audit_record(actor=membership.user, action="update", role=membership.role,
                 organisation_id=grant.organisation_id, client_id=grant.client_id, obj=grant,
                 detail="emergency access reviewed")
    _resolve_alert(membership, grant)
    return grant


def _resolve_alert(membership: Membership, grant: Grant) -> None:
    """The alert goes once no emergency access to the client waits for review."""
    if Grant.objects.filter(client_id=grant.client_id).to_review().exists():
        return
    for alert in Alert.objects.filter(client_id=grant.client_id, code=ALERT_CODE).exclude(
            status=Alert.Status.RESOLVED):
        alert_resolve(membership=membership, alert=alert, note=grant.review_note)


@transaction.atomic
def policy_update(*, membership: Membership, hours: int) -> EmergencyAccessPolicy:
    if membership.role != Role.ADMINISTRATOR:
        raise ApplicationError(_("Only an administrator changes these settings."))
    if not 1 <= hours <= 24:
        raise ApplicationError(_("Give a number of hours from 1 to 24."), field="hours")
    policy, _created = EmergencyAccessPolicy.objects.update_or_create(
        organisation_id=membership.organisation_id, defaults={"hours": hours})
    audit_record(actor=membership.user, action="update", role=membership.role,
                 organisation_id=membership.organisation_id, obj=policy,
                 detail=f"emergency access lasts {hours} h")
    return policy


__all__ = ["ALERT_CODE", "active_grant", "find_client", "grant_open", "grant_review",
           "policy_update"]
