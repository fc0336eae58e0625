"""Demo rows for the boundary register: a few of the demo keyworker's relationships get a
declared gift (reflected on and reviewed), a drifting run of minor events with its alert,
and a contact agreement; a relationship in its post-closure period gets a contact after the
ending. Rows are written as they are stored: loading the demo adds no audit rows of its own
beyond the load itself."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.utils import timezone

from keywork.boundaries import services
from keywork.boundaries.models import BoundaryEvent, ContactAgreement, Kind, Severity, Source
from keywork.domain import boundaries as rules
from keywork.organisations.models import Membership, Role
from keywork.relationships.models import Relationship, Status
from keywork.signals.models import Alert

DRIFT = (
    (70, Kind.PERSONAL_DETAILS, "Told him about my own divorce when he talked about his."),
    (41, Kind.MESSAGES, "Long text conversation in the evening about his girlfriend."),
    (12, Kind.GIFT, "He gave me a lottery ticket; I accepted it so as not to hurt him."),
)


def _membership(organisation_id: int, username: str, role: str) -> Membership | None:
    return (Membership.objects.filter(organisation_id=organisation_id, role=role,
                                      user__username=username, is_active=True)
            .select_related("user").first())


def _noon(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


def _event(organisation_id: int, worker_id: int, rel: Relationship, **fields: Any
           ) -> BoundaryEvent:
    fields.setdefault("severity", rules.severity_for(fields["kind"]))
    return BoundaryEvent.objects.create(
        organisation_id=organisation_id, worker_id=worker_id, client_id=rel.client_id,
        relationship=rel, source=Source.DECLARED, created_by_id=worker_id, **fields)


def seed(*, organisation_id: int, seed: int, as_of: dt.date) -> None:
    kim = _membership(organisation_id, "kim", Role.KEYWORKER)
    sam = _membership(organisation_id, "sam", Role.SUPERVISOR)
    if kim is None or sam is None:
        return
    rng = random.Random(seed * 7919 + 4)  # noqa: S311 - demo data, not security
    open_rels = list(Relationship.objects.filter(
        organisation_id=organisation_id, keyworker_id=kim.user_id,
        status__in=(Status.ACTIVE, Status.ENDING)).order_by("id")[:12])
    if not open_rels:
        return
    # A small caseload shares relationships: the gift and the agreement go together.
    shuffled = rng.sample(open_rels, len(open_rels))
    drift_rel = shuffled[0]
    gift_rel = shuffled[1 % len(shuffled)]
    agreement_rel = shuffled[2] if len(shuffled) > 2 else gift_rel
    worker = kim.user_id

    _event(organisation_id, worker, gift_rel, kind=Kind.GIFT,
           occurred_on=as_of - dt.timedelta(days=20), accepted=False,
           value=Decimal(rng.choice((150, 200, 300))),
           context="Offered a gift card after the court hearing went well. I thanked her "
                   "and explained that I cannot accept gifts.",
           reflection="It felt unkind to say no, so I named what she had achieved instead. "
                      "She seemed to understand.",
           reflected_at=_noon(as_of - dt.timedelta(days=19)),
           outcome="noted", review_note="Declined well, with warmth. Nothing more to do.",
           reviewed_on=as_of - dt.timedelta(days=14), reviewed_by_id=sam.user_id)

    facts = []
    for days_ago, kind, context in DRIFT:
        row = _event(organisation_id, worker, drift_rel, kind=kind, severity=Severity.MINOR,
                     occurred_on=as_of - dt.timedelta(days=days_ago),
                     accepted=True if kind == Kind.GIFT else None,
                     value=Decimal(50) if kind == Kind.GIFT else None, context=context)
        facts.append(rules.EventFact(ref=row.pk, on=row.occurred_on, kind=kind,
                                     severity=Severity.MINOR))
    drift = rules.find_drift(facts)
    if drift is not None:
        Alert.objects.create(
            organisation_id=organisation_id, relationship=drift_rel,
            client_id=drift_rel.client_id, source="boundaries", code=services.DRIFT_CODE,
            raised_at=_noon(drift.last),
            facts={"params": services.drift_params(drift),
                   "evidence": services.DRIFT_EVIDENCE,
                   "next_step": services.DRIFT_NEXT_STEP})

    ContactAgreement.objects.create(
        organisation_id=organisation_id, relationship=agreement_rel, per_week=2,
        channels=["in_person", "org_phone"], weekdays=[0, 1, 2, 3, 4],
        hours_from=dt.time(9, 0), hours_to=dt.time(16, 0),
        client_tasks="Calls the housing office and the benefits office herself; books her "
                     "own dentist.",
        note="Between contacts she writes down what she wants to bring up.",
        agreed_on=as_of - dt.timedelta(days=30), review_on=as_of + dt.timedelta(days=30),
        updated_by_id=worker)

    closed = (Relationship.objects.filter(
        organisation_id=organisation_id, keyworker_id=worker, status=Status.CLOSED,
        closed_at__lt=_noon(as_of - dt.timedelta(days=10)),
        closed_at__gte=_noon(as_of - dt.timedelta(days=300)))
        .order_by("-closed_at", "id").first())
    if closed is not None:
        _event(organisation_id, worker, closed, kind=Kind.CONTACT_AFTER_ENDING,
               occurred_on=as_of - dt.timedelta(days=5),
               context="He called the unit and asked for me, to tell me he has a job.",
               after_closure_reason="He wanted to share good news. I congratulated him and "
                                    "reminded him whom to call at the service now.")
