"""Reads of the boundary register. Every event is opened through ``get_event_for_user``:
the client scope rule decides, a keyworker sees only events about themselves or recorded by
themselves, and never a concern the client raised with the supervisor."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from keywork.audit.services import audit_record
from keywork.boundaries.models import (
    BoundaryEvent,
    BoundarySettings,
    ContactAgreement,
    Kind,
    Severity,
    Source,
)
from keywork.clients.models import Client
from keywork.clients.selectors import audit_list, clients_for_membership
from keywork.contacts.models import Contact
from keywork.core.errors import AccessDenied
from keywork.core.matters import HIGH, LOW, Matter, Scope
from keywork.domain import boundaries as rules
from keywork.organisations.models import Membership, Role
from keywork.organisations.selectors import active_membership
from keywork.relationships.models import OPEN_STATUSES, Relationship, Status
from keywork.signals.models import Alert

DRIFT_CODE = "boundary_drift"


def settings_for(organisation_id: int) -> BoundarySettings:
    """The organisation's boundary settings; the defaults when it has chosen none."""
    found = BoundarySettings.objects.filter(organisation_id=organisation_id).first()
    return found or BoundarySettings(organisation_id=organisation_id)


def post_closure_days(organisation_id: int) -> int:
    """Days after an ending in which contact is still a boundary matter (provided to
    ``relationships.hooks.post_closure_days``)."""
    return settings_for(organisation_id).post_closure_days


def visible_events(membership: Membership | None, qs: QuerySet[BoundaryEvent]
                   ) -> QuerySet[BoundaryEvent]:
    """Narrow events already within the client scope to what this person may see."""
    if membership is None:
        return qs.none()
    if membership.role == Role.KEYWORKER:
        return qs.filter(Q(worker_id=membership.user_id) | Q(created_by_id=membership.user_id)
                         ).exclude(source=Source.CLIENT)
    return qs


def get_event_for_user(*, user: Any, pk: int, write: bool = False,
                       audit_view: bool = False, supervise: bool = False) -> BoundaryEvent:
    """Read: anyone who may open the client, narrowed as ``visible_events`` says. Write
    (reflect, review): the same, with write access to the client. ``supervise`` (review):
    the unit's supervisors only."""
    membership = active_membership(user)
    qs = BoundaryEvent.objects.select_related(
        "worker", "client", "relationship", "relationship__keyworker", "reviewed_by",
        "created_by", "contact")
    try:
        if membership is None:
            raise BoundaryEvent.DoesNotExist
        qs = qs.filter(organisation_id=membership.organisation_id,
                       client__in=clients_for_membership(membership, write=write))
        event = visible_events(membership, qs).get(pk=pk)
    except (BoundaryEvent.DoesNotExist, ValueError, TypeError) as exc:
        audit_record(
            actor=user, action="denied", role=membership.role if membership else "",
            organisation_id=membership.organisation_id if membership else None,
            object_type="boundaryevent", object_id=str(pk)[:40])
        raise AccessDenied("This boundary event is not open to you.") from exc
    if supervise and membership.role != Role.SUPERVISOR:
        raise AccessDenied("A boundary event is reviewed by the unit's supervisors.")
    if not write or audit_view:
        audit_record(actor=user, action="view", role=membership.role,
                     organisation_id=event.organisation_id, client_id=event.client_id,
                     obj=event)
    return event


def get_own_after_closure_event(*, membership: Membership, pk: int) -> BoundaryEvent:
    """A contact after an ending that this person declared about themselves: open to them
    even when the client's record no longer is, to reach the text for reaffirming the
    boundary. Audited like any read."""
    event = BoundaryEvent.objects.filter(
        pk=pk, organisation_id=membership.organisation_id, worker_id=membership.user_id,
        created_by_id=membership.user_id, kind=Kind.CONTACT_AFTER_ENDING,
        relationship__isnull=False).select_related(
        "relationship", "relationship__keyworker", "client").first()
    if event is None:
        audit_record(actor=membership.user, action="denied", role=membership.role,
                     organisation_id=membership.organisation_id,
                     object_type="boundaryevent", object_id=str(pk)[:40])
        raise AccessDenied("This boundary event is not open to you.")
    audit_record(actor=membership.user, action="view", role=membership.role,
                 organisation_id=event.organisation_id, client_id=event.client_id, obj=event,
                 detail="after-closure text")
    return event


def _events(qs: QuerySet[BoundaryEvent]) -> list[BoundaryEvent]:
    return list(qs.select_related("worker", "reviewed_by", "created_by", "client")
                .order_by("-occurred_on", "-id"))


def events_for_relationship(membership: Membership | None, relationship: Relationship
                            ) -> list[BoundaryEvent]:
    """Read only after the relationship accessor has been passed."""
    return _events(visible_events(membership, BoundaryEvent.objects.filter(
        relationship=relationship, organisation_id=relationship.organisation_id)))


def events_without_relationship(membership: Membership | None, client: Client
                                ) -> list[BoundaryEvent]:
    """Events about a client outside any relationship (a private connection known before
    allocation). Read only after the client accessor has been passed."""
    return _events(visible_events(membership, BoundaryEvent.objects.filter(
        client=client, organisation_id=client.organisation_id, relationship__isnull=True)))


@dataclass(frozen=True)
class DriftView:
    settings: BoundarySettings
    events: list[BoundaryEvent]     # every event counted, oldest first
    drift: rules.Drift | None
    in_run: set[int]
    alert: Any


def drift_for_relationship(relationship: Relationship) -> DriftView:
    """The timeline the drift rule looks at, and the run it found. Events the client raised
    are left out (they are the supervisor's alone). Read after the accessor."""
    conf = settings_for(relationship.organisation_id)
    events = list(BoundaryEvent.objects.filter(
        relationship=relationship, organisation_id=relationship.organisation_id)
        .exclude(source=Source.CLIENT).select_related("worker")
        .order_by("occurred_on", "id"))
    drift = rules.find_drift(
        [rules.EventFact(ref=e.pk, on=e.occurred_on, kind=e.kind, severity=e.severity)
         for e in events], count=conf.drift_count, window_days=conf.drift_window_days)
    alert = (Alert.objects.filter(relationship=relationship, code=DRIFT_CODE)
             .order_by("-raised_at").first())
    return DriftView(settings=conf, events=events, drift=drift,
                     in_run={e.ref for e in drift.events} if drift else set(), alert=alert)


@dataclass(frozen=True)
class OutsideContact:
    contact: Any
    reasons: list[str]


@dataclass(frozen=True)
class AgreementView:
    agreement: ContactAgreement | None
    weeks: list[rules.WeekCount]
    outside: list[OutsideContact]
    direction: str
    max_contacts: int


REASON_WORDS = {
    rules.OUTSIDE_HOURS: lambda: _("outside the agreed hours"),
    rules.OUTSIDE_CHANNEL: lambda: _("through a channel not agreed"),
    rules.OUTSIDE_DAYS: lambda: _("on a day not agreed"),
    rules.OVER_FREQUENCY: lambda: _("more than the agreed number that week"),
}


def agreement_for_relationship(relationship: Relationship, *, weeks: int = 8) -> AgreementView:
    """The agreement, contacts per week with those outside it, and the trend. Read after
    the relationship accessor."""
    agreement = ContactAgreement.objects.filter(relationship=relationship).first()
    today = timezone.localdate()
    since = rules.week_start(today) - dt.timedelta(weeks=weeks - 1)
    start = timezone.make_aware(dt.datetime.combine(since, dt.time.min))
    contacts = list(Contact.objects.filter(
        relationship=relationship, organisation_id=relationship.organisation_id,
        occurred_at__gte=start).order_by("occurred_at", "id"))
    facts = [rules.ContactFact(ref=c.pk, at=timezone.localtime(c.occurred_at).replace(
        tzinfo=None), channel=c.channel, initiated_by=c.initiated_by) for c in contacts]
    rule = agreement.as_rule() if agreement else None
    rows = rules.weekly_trend(facts, rule, until=today, weeks=weeks)
    outside: list[OutsideContact] = []
    if rule is not None:
        per_week: dict[dt.date, int] = {}
        for contact, fact in zip(contacts, facts, strict=True):
            week = rules.week_start(fact.at.date())
            per_week[week] = per_week.get(week, 0) + 1
            codes = list(rules.outside_agreement(fact, rule))
            if rule.per_week is not None and per_week[week] > rule.per_week:
                codes.append(rules.OVER_FREQUENCY)
            if codes:
                outside.append(OutsideContact(contact, [REASON_WORDS[c]() for c in codes]))
    outside.reverse()
    return AgreementView(agreement=agreement, weeks=rows, outside=outside,
                         direction=rules.trend_direction(rows),
                         max_contacts=max([r.contacts for r in rows] + [1]))


def review_queue(membership: Membership) -> list[BoundaryEvent]:
    """Events waiting for a supervisor's review about the clients they supervise (the
    client scope rule, as for the review itself), concerns the client raised included;
    never events about the supervisor."""
    if membership.role != Role.SUPERVISOR:
        return []
    qs = BoundaryEvent.objects.filter(
        organisation_id=membership.organisation_id, reviewed_on__isnull=True,
        client__in=clients_for_membership(membership, write=True),
    ).exclude(worker_id=membership.user_id)
    return _events(qs)


def my_events(membership: Membership) -> list[BoundaryEvent]:
    """Events about this person that they may see (never a client's private concern)."""
    return _events(BoundaryEvent.objects.filter(
        organisation_id=membership.organisation_id, worker_id=membership.user_id,
    ).exclude(source=Source.CLIENT))


def post_closure_relationships(membership: Membership) -> list[Relationship]:
    """Relationships this person key-worked that closed and are in their post-closure
    period now: contact with those clients is declared here."""
    conf = settings_for(membership.organisation_id)
    today = timezone.localdate()
    since = timezone.now() - dt.timedelta(days=conf.post_closure_days + 1)
    rels = Relationship.objects.filter(
        organisation_id=membership.organisation_id, keyworker_id=membership.user_id,
        status=Status.CLOSED).filter(
        Q(post_closure_until__gte=today)
        | Q(post_closure_until__isnull=True, closed_at__gte=since)).select_related("client")
    out = []
    for rel in rels:
        end = post_closure_end(rel, conf=conf)
        assert rel.closed_at is not None
        assert end is not None
        if timezone.localtime(rel.closed_at).date() <= today <= end:
            out.append(rel)
    return out


def post_closure_end(relationship: Relationship, *, conf: BoundarySettings | None = None
                     ) -> dt.date | None:
    """The last day of the post-closure period: as fixed when the relationship closed, or
    (for a relationship closed without one) the organisation's setting, read once by a
    caller that goes through many relationships."""
    if relationship.closed_at is None:
        return None
    if relationship.post_closure_until is not None:
        return relationship.post_closure_until
    conf = conf or settings_for(relationship.organisation_id)
    return rules.post_closure_until(timezone.localtime(relationship.closed_at).date(),
                                    conf.post_closure_days)


GIFT_KINDS = (Kind.GIFT, Kind.INVITATION)


def gifts_register(membership: Membership, *, start: dt.date | None, end: dt.date | None
                   ) -> list[BoundaryEvent]:
    """The organisation's gifts and hospitality: gifts and invitations, newest first."""
    qs = BoundaryEvent.objects.filter(organisation_id=membership.organisation_id,
                                      kind__in=GIFT_KINDS)
    if start is not None:
        qs = qs.filter(occurred_on__gte=start)
    if end is not None:
        qs = qs.filter(occurred_on__lte=end)
    rows = _events(qs)
    audit_list(user=membership.user, what=f"gifts register {start or '-'}..{end or '-'}",
               clients=list(dict.fromkeys(r.client_id for r in rows)))
    return rows


def openable_client_ids(membership: Membership, client_ids: set[int]) -> set[int]:
    return set(clients_for_membership(membership).filter(pk__in=client_ids)
               .values_list("pk", flat=True))


def agenda_items(scope: Scope) -> list[Any]:
    """The boundary matters for the keyworkers of ``scope``: events waiting for review, and
    open drift alerts in their relationships. The client's private concerns stay out: the
    keyworker takes part in supervision, and reads their own inbox. A supervisor's inbox
    leaves out events about the supervisor themselves (another supervisor reviews those)."""
    items: list[Matter] = []
    events = BoundaryEvent.objects.filter(
        organisation_id=scope.organisation_id, worker_id__in=scope.worker_ids,
        reviewed_on__isnull=True,
    ).exclude(source=Source.CLIENT).order_by("occurred_on", "id")
    viewer = scope.viewer
    if not scope.worker_copy and viewer is not None and viewer.role == Role.SUPERVISOR:
        events = events.exclude(worker_id=viewer.user_id)
    for event in events:
        serious = event.severity == Severity.SERIOUS
        items.append(Matter(
            source="boundaries", kind="event_to_review",
            title=_("Boundary event to review: %(kind)s") % {"kind": event.get_kind_display()},
            detail=_("%(day)s, %(severity)s.") % {
                "day": event.occurred_on.isoformat(),
                "severity": event.get_severity_display().lower()},
            url=reverse("boundaries:event", kwargs={"pk": event.pk}),
            relationship_id=event.relationship_id, client_id=event.client_id,
            ref=f"boundaryevent:{event.pk}", priority=20 if serious else 40,
            severity=HIGH if serious else LOW,
            severity_key="event_to_review_serious" if serious else "event_to_review",
            since=event.created_at,
            action=_("Talk it through in supervision and record the review.")))
    alerts = Alert.objects.filter(
        organisation_id=scope.organisation_id, code=DRIFT_CODE,
        relationship__keyworker_id__in=scope.worker_ids).exclude(
        status=Alert.Status.RESOLVED)
    for alert in alerts:
        params = (alert.facts or {}).get("params", {})
        items.append(Matter(
            source="boundaries", kind="drift",
            title=_("Boundary drift in a relationship"),
            detail=_("%(count)s minor events within %(days)s days.") % {
                "count": params.get("count", "?"), "days": params.get("days", "?")},
            url=reverse("boundaries:drift", kwargs={"pk": alert.relationship_id}),
            relationship_id=alert.relationship_id, client_id=alert.client_id,
            ref=f"alert:{alert.pk}", priority=15, severity=HIGH, since=alert.raised_at,
            action=_("Look at the run of events together and agree how to hold the "
                     "boundary.")))
    agreements = ContactAgreement.objects.filter(
        organisation_id=scope.organisation_id, review_on__lte=timezone.localdate(),
        relationship__keyworker_id__in=scope.worker_ids,
        relationship__status__in=OPEN_STATUSES).select_related("relationship")
    for agreement in agreements.order_by("review_on", "id"):
        assert agreement.review_on is not None
        items.append(Matter(
            source="boundaries", kind="agreement_review",
            title=_("Contact agreement to look at again"),
            detail=_("The review was set for %(day)s.") % {
                "day": agreement.review_on.isoformat()},
            url=reverse("boundaries:agreement", kwargs={"pk": agreement.relationship_id}),
            relationship_id=agreement.relationship_id,
            client_id=agreement.relationship.client_id, due=agreement.review_on,
            ref=f"agreement:{agreement.pk}:{agreement.review_on:%Y%m%d}", priority=40,
            severity=LOW,
            action=_("Talk with the client about how the agreed contact works, and "
                     "change it or set the next review.")))
    return items
