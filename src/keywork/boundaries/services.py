"""Writes of the boundary register: declare, record, reflect, review; contact agreements;
the organisation's settings; events that come from the contact log or from the client."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from keywork.audit.services import audit_record
from keywork.boundaries.models import (
    BoundaryEvent,
    BoundarySettings,
    ContactAgreement,
    Kind,
    Outcome,
    Severity,
    Source,
)
from keywork.boundaries.selectors import DRIFT_CODE, settings_for
from keywork.clients.models import Client
from keywork.core.errors import ApplicationError
from keywork.domain import boundaries as rules
from keywork.organisations.models import Membership, Role
from keywork.relationships.models import Relationship, Status
from keywork.signals.services import alert_raise

if TYPE_CHECKING:
    from keywork.contacts.models import Contact

CHANNEL_CODES = ("in_person", "org_phone", "org_message", "personal_device")


def _audit(membership: Membership | None, event: BoundaryEvent | ContactAgreement,
           action: str, detail: str, client_id: int | None = None) -> None:
    audit_record(actor=membership.user if membership else None, action=action,
                 role=membership.role if membership else "",
                 organisation_id=event.organisation_id,
                 client_id=client_id if client_id is not None else getattr(event, "client_id",
                                                                           None),
                 obj=event, detail=detail)


def _worker_allowed(membership: Membership, worker_id: int,
                    relationship: Relationship | None) -> None:
    """Whom an event may be about: the relationship's keyworker or deputy (or the person
    recording it); without a relationship, any active keyworker or supervisor."""
    if relationship is not None:
        if worker_id in (relationship.keyworker_id, relationship.deputy_id, membership.user_id):
            return
        raise ApplicationError(_("Choose the keyworker or the deputy of this relationship."),
                               field="worker")
    if not Membership.objects.filter(
            organisation_id=membership.organisation_id, user_id=worker_id, is_active=True,
            role__in=(Role.KEYWORKER, Role.SUPERVISOR)).exists():
        raise ApplicationError(_("Choose a keyworker or supervisor of this service."),
                               field="worker")


def _validate(*, kind: str, severity: str, occurred_on: dt.date, context: str,
              accepted: bool | None, value: Decimal | None, that_event_only: bool,
              after_closure_reason: str, relationship: Relationship | None) -> None:
    if kind not in Kind.values:
        raise ApplicationError(_("Choose what happened."), field="kind")
    if severity not in Severity.values:
        raise ApplicationError(_("Choose the severity."), field="severity")
    if occurred_on > timezone.localdate():
        raise ApplicationError(_("An event cannot be recorded in the future."),
                               field="occurred_on")
    if not context.strip():
        raise ApplicationError(_("Describe what happened."), field="context")
    if value is not None and value < 0:
        raise ApplicationError(_("The value cannot be negative."), field="value")
    if kind in (Kind.GIFT, Kind.INVITATION) and accepted is None:
        raise ApplicationError(_("Say whether it was accepted or declined."), field="accepted")
    if kind == Kind.INVITATION and accepted and not that_event_only:
        raise ApplicationError(_("An accepted invitation is for that event only: confirm it."),
                               field="that_event_only")
    if kind == Kind.CONTACT_AFTER_ENDING:
        if not after_closure_reason.strip():
            raise ApplicationError(_("Give the reason for the contact after the ending."),
                                   field="after_closure_reason")
        if relationship is None or relationship.status != Status.CLOSED or (
                relationship.closed_at is not None
                and occurred_on < timezone.localtime(relationship.closed_at).date()):
            raise ApplicationError(_("Contact after the ending can only be recorded for a "
                                     "relationship that has closed, on or after the day it "
                                     "closed."), field="kind")


@transaction.atomic
def event_record(*, membership: Membership, client: Client, worker_id: int, kind: str,
                 occurred_on: dt.date, context: str, relationship: Relationship | None = None,
                 severity: str = "", accepted: bool | None = None,
                 value: Decimal | None = None, that_event_only: bool = False,
                 after_closure_reason: str = "") -> BoundaryEvent:
    """A worker declares their own event, or a colleague or supervisor records one."""
    if membership.role not in (Role.KEYWORKER, Role.SUPERVISOR):
        raise ApplicationError(_("Only keyworkers and supervisors record boundary events."))
    if relationship is not None and relationship.client_id != client.pk:
        raise ApplicationError(_("The relationship belongs to another client."))
    if client.organisation_id != membership.organisation_id:
        raise ApplicationError(_("This client is not in your service."))
    _worker_allowed(membership, worker_id, relationship)
    chosen = severity or settings_for(membership.organisation_id).severity_for(kind)
    if kind not in (Kind.GIFT, Kind.INVITATION):
        accepted, that_event_only = None, False
    if kind != Kind.GIFT:
        value = None
    _validate(kind=kind, severity=chosen, occurred_on=occurred_on, context=context,
              accepted=accepted, value=value, that_event_only=that_event_only,
              after_closure_reason=after_closure_reason, relationship=relationship)
    event = BoundaryEvent.objects.create(
        organisation_id=membership.organisation_id, worker_id=worker_id, client=client,
        relationship=relationship, kind=kind, severity=chosen,
        source=Source.DECLARED if worker_id == membership.user_id else Source.RECORDED,
        occurred_on=occurred_on, context=context.strip(), accepted=accepted, value=value,
        that_event_only=that_event_only,
        after_closure_reason=after_closure_reason.strip()
        if kind == Kind.CONTACT_AFTER_ENDING else "",
        created_by=membership.user)
    _audit(membership, event, "create", f"boundary event {kind} ({event.source})")
    drift_check(event=event)
    return event


@transaction.atomic
def event_reflect(*, membership: Membership, event: BoundaryEvent,
                  reflection: str) -> BoundaryEvent:
    """The worker the event is about writes their reflection; they may add to it later."""
    if event.worker_id != membership.user_id or event.from_client:
        raise ApplicationError(_("Only the worker the event is about writes the reflection."))
    if not reflection.strip():
        raise ApplicationError(_("Write your reflection."), field="reflection")
    event.reflection = reflection.strip()
    event.reflected_at = timezone.now()
    event.save(update_fields=["reflection", "reflected_at", "updated_at"])
    _audit(membership, event, "update", "reflection")
    return event


@transaction.atomic
def event_review(*, membership: Membership, event: BoundaryEvent, outcome: str,
                 review_note: str, reviewed_on: dt.date | None = None,
                 severity: str = "") -> BoundaryEvent:
    """A supervisor reviews an event: outcome, a note and the date; may set the severity."""
    if membership.role != Role.SUPERVISOR:
        raise ApplicationError(_("Only a supervisor reviews boundary events."))
    if event.worker_id == membership.user_id:
        raise ApplicationError(_("An event about yourself is reviewed by another "
                                 "supervisor."))
    if outcome not in Outcome.values:
        raise ApplicationError(_("Choose the outcome of the review."), field="outcome")
    if not review_note.strip():
        raise ApplicationError(_("Write what was discussed and decided."),
                               field="review_note")
    day = reviewed_on or timezone.localdate()
    if day > timezone.localdate():
        raise ApplicationError(_("A review cannot be dated in the future."),
                               field="reviewed_on")
    if day < event.occurred_on:
        raise ApplicationError(_("A review cannot come before the event."),
                               field="reviewed_on")
    if severity and severity not in Severity.values:
        raise ApplicationError(_("Choose the severity."), field="severity")
    changed_severity = bool(severity) and severity != event.severity
    event.outcome = outcome
    event.review_note = review_note.strip()
    event.reviewed_on = day
    event.reviewed_by = membership.user
    if severity:
        event.severity = severity
    event.save()
    _audit(membership, event, "update", f"reviewed: {outcome}")
    if changed_severity:
        drift_check(event=event)
    return event


@transaction.atomic
def client_concern_raise(*, relationship: Relationship, text: str) -> BoundaryEvent:
    """A client raises a boundary concern privately with the unit's supervisors, from their
    own page. The keyworker never sees it."""
    if not text.strip():
        raise ApplicationError(_("Write what worries you."), field="text")
    event = BoundaryEvent.objects.create(
        organisation_id=relationship.organisation_id, worker_id=relationship.keyworker_id,
        client_id=relationship.client_id, relationship=relationship, kind=Kind.OTHER,
        severity=settings_for(relationship.organisation_id).severity_for(Kind.OTHER),
        source=Source.CLIENT, occurred_on=timezone.localdate(), context=text.strip()[:4000])
    _audit(None, event, "create", "boundary concern raised by the client")
    return event


def _outside_hours(contact: Contact, agreement: ContactAgreement | None) -> bool:
    if agreement is None or agreement.hours_from is None or agreement.hours_to is None:
        return False
    at = timezone.localtime(contact.occurred_at).time()
    return not rules.within_hours(at, agreement.hours_from, agreement.hours_to)


@transaction.atomic
def events_from_contact(*, membership: Membership, contact: Contact) -> BoundaryEvent | None:
    """A contact on a personal device, or outside the agreed hours, is a boundary event:
    one minor event per contact, for the worker who logged it (also when a contact is
    changed to one of these later; never a second event for the same contact)."""
    if BoundaryEvent.objects.filter(contact_id=contact.pk).exists():
        return None
    agreement = ContactAgreement.objects.filter(relationship_id=contact.relationship_id).first()
    personal = contact.channel == "personal_device"
    late = _outside_hours(contact, agreement)
    if not (personal or late):
        return None
    when = timezone.localtime(contact.occurred_at)
    parts = []
    if personal:
        parts.append(_("The contact was logged on a personal device."))
    if late and agreement is not None and agreement.hours_from and agreement.hours_to:
        parts.append(_("The contact at %(time)s was outside the agreed hours "
                       "(%(start)s–%(end)s).") % {
            "time": f"{when:%H:%M}", "start": f"{agreement.hours_from:%H:%M}",
            "end": f"{agreement.hours_to:%H:%M}"})
    event = BoundaryEvent.objects.create(
        organisation_id=contact.organisation_id, worker_id=contact.worker_id,
        client_id=contact.client_id, relationship_id=contact.relationship_id,
        kind=Kind.PERSONAL_PHONE if personal else Kind.OTHER, severity=Severity.MINOR,
        source=Source.CONTACT_LOG, occurred_on=when.date(), context=" ".join(parts),
        contact=contact, created_by=membership.user)
    _audit(membership, event, "create", f"boundary event from contact {contact.pk}")
    drift_check(event=event)
    return event


def drift_check(*, event: BoundaryEvent) -> Any:
    """Raise a drift alert when this event completes a run of minor events in its
    relationship (the organisation's count within its window). Events the client raised
    are the supervisor's alone and do not count."""
    if event.relationship_id is None or event.severity != Severity.MINOR:
        return None
    conf = settings_for(event.organisation_id)
    rows = BoundaryEvent.objects.filter(
        relationship_id=event.relationship_id, organisation_id=event.organisation_id,
    ).exclude(source=Source.CLIENT).values_list("pk", "occurred_on", "kind", "severity")
    facts = [rules.EventFact(ref=pk, on=on, kind=kind, severity=sev)
             for pk, on, kind, sev in rows]
    drift = rules.find_drift(facts, count=conf.drift_count, window_days=conf.drift_window_days)
    if drift is None or event.pk not in {e.ref for e in drift.events}:
        return None
    relationship = Relationship.objects.get(pk=event.relationship_id)
    return alert_raise(relationship=relationship, code=DRIFT_CODE, source="boundaries",
                       params=drift_params(drift), evidence=DRIFT_EVIDENCE,
                       next_step=DRIFT_NEXT_STEP)


DRIFT_EVIDENCE = "boundary_minor_before_serious"
DRIFT_NEXT_STEP = "boundary_take_to_supervision"


def drift_params(drift: rules.Drift) -> dict[str, Any]:
    """The drift alert's facts: how many, the window, and the timeline of the run."""
    return {"count": drift.count, "days": drift.window_days,
            "first": drift.first.isoformat(), "last": drift.last.isoformat(),
            "timeline": [{"on": e.on.isoformat(), "kind": e.kind, "event": e.ref}
                         for e in drift.events]}


def _clean_agreement(fields: dict[str, Any]) -> dict[str, Any]:
    channels = [c for c in fields.get("channels") or [] if c in CHANNEL_CODES]
    weekdays = sorted({int(d) for d in fields.get("weekdays") or []
                       if str(d).isdigit() and 0 <= int(d) <= 6})
    start, end = fields.get("hours_from"), fields.get("hours_to")
    if (start is None) != (end is None):
        raise ApplicationError(_("Give both the start and the end of the agreed hours, or "
                                 "neither."), field="hours_to")
    per_week = fields.get("per_week")
    if per_week is not None and not 0 < int(per_week) <= 50:
        raise ApplicationError(_("Give a number of contacts per week from 1 to 50."),
                               field="per_week")
    review_on = fields.get("review_on")
    agreed_on = fields.get("agreed_on") or timezone.localdate()
    if review_on is not None and review_on < agreed_on:
        raise ApplicationError(_("The date to look at it again comes after the agreement."),
                               field="review_on")
    return {"per_week": per_week, "channels": channels, "weekdays": weekdays,
            "hours_from": start, "hours_to": end,
            "client_tasks": (fields.get("client_tasks") or "").strip(),
            "note": (fields.get("note") or "").strip(), "agreed_on": agreed_on,
            "review_on": review_on}


@transaction.atomic
def agreement_save(*, membership: Membership, relationship: Relationship,
                   **fields: Any) -> ContactAgreement:
    """Make or change the contact agreement of an open relationship."""
    if not relationship.is_open:
        raise ApplicationError(_("This relationship has closed."))
    cleaned = _clean_agreement(fields)
    agreement = ContactAgreement.objects.filter(relationship=relationship).first()
    if agreement is None:
        agreement = ContactAgreement.objects.create(
            organisation_id=relationship.organisation_id, relationship=relationship,
            updated_by=membership.user, **cleaned)
        action = "create"
    else:
        for key, value in cleaned.items():
            setattr(agreement, key, value)
        agreement.updated_by = membership.user
        agreement.save()
        action = "update"
    _audit(membership, agreement, action, "contact agreement",
           client_id=relationship.client_id)
    return agreement


@transaction.atomic
def settings_save(*, membership: Membership, drift_count: int, drift_window_days: int,
                  post_closure_days: int, severity_defaults: dict[str, str]
                  ) -> BoundarySettings:
    if membership.role != Role.ADMINISTRATOR:
        raise ApplicationError(_("Only an administrator changes these settings."))
    if not 2 <= drift_count <= 20:
        raise ApplicationError(_("Give a number of events from 2 to 20."), field="drift_count")
    if not 7 <= drift_window_days <= 730:
        raise ApplicationError(_("Give a window from 7 to 730 days."),
                               field="drift_window_days")
    if not 0 <= post_closure_days <= 3650:
        raise ApplicationError(_("Give a period from 0 to 3650 days."),
                               field="post_closure_days")
    defaults = {k: v for k, v in severity_defaults.items()
                if k in Kind.values and v in Severity.values
                and v != rules.DEFAULT_SEVERITY[k]}
    before = settings_for(membership.organisation_id).post_closure_days
    conf, _created = BoundarySettings.objects.update_or_create(
        organisation_id=membership.organisation_id,
        defaults={"drift_count": drift_count, "drift_window_days": drift_window_days,
                  "post_closure_days": post_closure_days, "severity_defaults": defaults})
    moved = 0
    if post_closure_days != before:
        moved = _post_closure_move(membership.organisation_id, post_closure_days)
    audit_record(actor=membership.user, action="update", role=membership.role,
                 organisation_id=membership.organisation_id, obj=conf,
                 detail=f"boundary settings (post-closure {post_closure_days} days; "
                        f"{moved} closed relationships' periods moved)")
    return conf


def _post_closure_move(organisation_id: int, days: int) -> int:
    """The post-closure period of every closed relationship follows the setting: it runs
    ``days`` from the day the relationship closed."""
    rels = list(Relationship.objects.filter(
        organisation_id=organisation_id, status=Status.CLOSED, closed_at__isnull=False)
        .only("id", "closed_at", "post_closure_until"))
    changed = []
    for rel in rels:
        assert rel.closed_at is not None
        until = rules.post_closure_until(timezone.localtime(rel.closed_at).date(), days)
        if rel.post_closure_until != until:
            rel.post_closure_until = until
            changed.append(rel)
    Relationship.objects.bulk_update(changed, ["post_closure_until"], batch_size=2000)
    return len(changed)
