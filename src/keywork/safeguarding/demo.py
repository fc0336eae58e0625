"""Demo rows for safeguarding: on two of the demo keyworker's relationships, a household
with a child, routine enquiries (one of them overdue), and a concern with its decision,
review and safety plan; across the service, routine enquiries asked within the interval
for most open episodes, with a few left overdue. Rows are written as they are stored; the
overdue enquiry's alert is raised the first time someone opens the client or
``check_safeguarding`` runs."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from keywork.clients.models import Episode
from keywork.organisations.models import Membership, Role
from keywork.relationships.models import OPEN_STATUSES, Relationship, Status
from keywork.safeguarding.models import (
    DEFAULT_ENQUIRY_INTERVAL_DAYS,
    Category,
    Concern,
    ConcernStatus,
    Enquiry,
    EnquiryOutcome,
    HouseholdMember,
    LivesWith,
    MemberKind,
    Responsibility,
    Risk,
    SafetyPlan,
    Topic,
)

CHILD_NAMES = ("Elin", "Noah", "Saga", "Liam", "Maja", "Hugo")


def _membership(organisation_id: int, username: str, role: str) -> Membership | None:
    return (Membership.objects.filter(organisation_id=organisation_id, role=role,
                                      user__username=username, is_active=True)
            .select_related("user").first())


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def seed(*, organisation_id: int, seed: int, as_of: dt.date) -> None:
    kim = _membership(organisation_id, "kim", Role.KEYWORKER)
    sam = _membership(organisation_id, "sam", Role.SUPERVISOR)
    if kim is None or sam is None:
        return
    rels = list(Relationship.objects.filter(
        organisation_id=organisation_id, keyworker_id=kim.user_id, status=Status.ACTIVE,
        episode__end_date__isnull=True,
        episode__start_date__lte=as_of - dt.timedelta(days=45))
        .select_related("episode").order_by("id")[:10])
    if len(rels) < 2:
        return
    rng = random.Random(seed * 7907 + 11)  # noqa: S311 - demo data, not security
    household_rel, concern_rel = rng.sample(rels, 2)
    _household(organisation_id, kim, household_rel, as_of, rng)
    _concern(organisation_id, kim, sam, concern_rel, as_of)
    _routine(organisation_id, as_of, rng,
             skip={household_rel.episode_id, concern_rel.episode_id})


# Most keyworkers ask; some put it off. The rest of the service's open episodes get routine
# enquiries asked within the interval, except this share per topic, left overdue.
OVERDUE_SHARE = 0.04
# Enough for the demo service as `make demo` loads it; a service loaded for a benchmark
# (100,000 clients) keeps its load time for the figures that matter there.
MAX_ROUTINE_EPISODES = 5000


def _routine(organisation_id: int, as_of: dt.date, rng: random.Random, skip: set[int]
             ) -> None:
    """Routine enquiries across the service, so that an overdue one stands out."""
    worker_of = dict(Relationship.objects.filter(
        organisation_id=organisation_id, status__in=OPEN_STATUSES,
        episode__end_date__isnull=True).order_by("episode_id", "id")
        .values_list("episode_id", "keyworker_id"))
    episodes = (Episode.objects.filter(organisation_id=organisation_id, end_date__isnull=True,
                                       start_date__lt=as_of)
                .order_by("id").values_list("id", "client_id", "start_date")
                [:MAX_ROUTINE_EPISODES])
    rows = []
    for episode_id, client_id, start in episodes:
        worker_id = worker_of.get(episode_id)
        if worker_id is None or episode_id in skip:
            continue
        for topic in Topic:
            if rng.random() < OVERDUE_SHARE:
                continue
            span = min((as_of - start).days, DEFAULT_ENQUIRY_INTERVAL_DAYS - 7)
            asked = as_of - dt.timedelta(days=rng.randint(0, max(span, 0)))
            rows.append(Enquiry(
                organisation_id=organisation_id, client_id=client_id, episode_id=episode_id,
                topic=topic, asked_on=asked, asked_in_private=True,
                outcome=(EnquiryOutcome.DECLINED if rng.random() < 0.1
                         else EnquiryOutcome.NO_CONCERN), asked_by_id=worker_id))
    Enquiry.objects.bulk_create(rows, batch_size=5000)


def _household(organisation_id: int, kim: Membership, rel: Relationship, as_of: dt.date,
               rng: random.Random) -> None:
    client_id = rel.client_id
    HouseholdMember.objects.create(
        organisation_id=organisation_id, client_id=client_id, kind=MemberKind.CHILD,
        name=rng.choice(CHILD_NAMES), birth_year=as_of.year - rng.randint(4, 11),
        relation="daughter", lives_with=LivesWith.PART,
        parental_responsibility=Responsibility.SHARED,
        agencies="Social services, family unit; the school's health team.",
        note="Lives with her father on weekdays, with the client every other weekend.",
        created_by_id=kim.user_id)
    HouseholdMember.objects.create(
        organisation_id=organisation_id, client_id=client_id, kind=MemberKind.ADULT,
        name="J.", relation="partner", lives_with=LivesWith.YES, created_by_id=kim.user_id)
    # The children's welfare was asked about; partner violence never was: it is overdue.
    Enquiry.objects.create(
        organisation_id=organisation_id, client_id=client_id, episode_id=rel.episode_id,
        topic=Topic.CHILDREN, asked_on=as_of - dt.timedelta(days=20), asked_in_private=True,
        outcome=EnquiryOutcome.NO_CONCERN,
        note="Weekend visits go well; she looks forward to them.", asked_by_id=kim.user_id)


def _concern(organisation_id: int, kim: Membership, sam: Membership, rel: Relationship,
             as_of: dt.date) -> None:
    raised = as_of - dt.timedelta(days=12)
    for topic in Topic:
        Enquiry.objects.create(
            organisation_id=organisation_id, client_id=rel.client_id,
            episode_id=rel.episode_id, topic=topic, asked_on=raised, asked_in_private=True,
            outcome=(EnquiryOutcome.CONCERN if topic == Topic.PARTNER_VIOLENCE
                     else EnquiryOutcome.NO_CONCERN), asked_by_id=kim.user_id)
    concern = Concern.objects.create(
        organisation_id=organisation_id, client_id=rel.client_id, relationship=rel,
        category=Category.PARTNER_VIOLENCE, risk_level=Risk.MEDIUM,
        description="Said her ex-partner shouted and pushed her at the door when she "
                    "collected her things; no children were there.",
        raised_by_id=kim.user_id, notify_authority=False,
        decision_reason="No child involved and she is no longer living with him. She wants "
                        "to go to the women's shelter counselling herself; we agreed a "
                        "safety plan.",
        decided_by_id=kim.user_id, decided_at=_at(raised, 15), client_told=True,
        client_told_on=raised, reviewed_by_id=sam.user_id,
        reviewed_at=_at(raised + dt.timedelta(days=3), 10),
        review_note="Sound decision. Ask again at the next enquiry whether contact has "
                    "stopped.", status=ConcernStatus.OPEN)
    Concern.objects.filter(pk=concern.pk).update(created_at=_at(raised, 14))
    SafetyPlan.objects.create(
        organisation_id=organisation_id, concern=concern,
        warning_signs="He texts late at night; he turns up at her sister's.",
        steps="She goes to her sister's by taxi; staff keep the door closed to him.",
        contacts="Emergency 112; the women's shelter helpline; the unit's night staff.",
        agreed_with_client=True, review_on=as_of + dt.timedelta(days=30),
        updated_by_id=kim.user_id)
