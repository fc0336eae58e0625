"""Reads of safeguarding records. Each entity is opened through one accessor that checks
scope with the client rule (``clients_for_membership``: the unit's supervisors always,
whatever the client chose to share of their feedback) and audits the read or refusal."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NoReturn

from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from keywork.audit.services import audit_record
from keywork.clients.models import Client, Episode
from keywork.clients.selectors import clients_for_membership
from keywork.core.errors import AccessDenied
from keywork.domain.safeguarding import days_overdue, enquiry_due
from keywork.organisations.models import Membership, Role
from keywork.organisations.selectors import active_membership, unit_ids
from keywork.relationships.models import OPEN_STATUSES, Relationship, Status
from keywork.safeguarding.models import (
    DEFAULT_ENQUIRY_INTERVAL_DAYS,
    DEFAULT_FIRST_ENQUIRY_DAYS,
    Concern,
    ConcernStatus,
    Enquiry,
    HouseholdMember,
    SafeguardingPolicy,
    SafetyPlan,
    Topic,
)


def _refuse(user: Any, membership: Membership | None, what: str, pk: Any) -> NoReturn:
    audit_record(actor=user, action="denied", role=membership.role if membership else "",
                 organisation_id=membership.organisation_id if membership else None,
                 object_type=what, object_id=str(pk)[:40])
    raise AccessDenied("This safeguarding record is not open to you.")


def _viewed(user: Any, membership: Membership, obj: Any, client_id: int, detail: str) -> None:
    audit_record(actor=user, action="view", role=membership.role,
                 organisation_id=membership.organisation_id, client_id=client_id, obj=obj,
                 detail=detail)


def get_safeguarding_for_user(*, user: Any, pk: int, write: bool = False,
                              audit_view: bool = False) -> Client:
    """The client whose safeguarding page is opened: the client rule decides, and the read
    of the safeguarding record is audited as such."""
    membership = active_membership(user)
    try:
        client = clients_for_membership(membership, write=write).get(pk=pk)
    except (Client.DoesNotExist, ValueError, TypeError):
        _refuse(user, membership, "safeguarding", pk)
    assert membership is not None
    if not write or audit_view:
        _viewed(user, membership, client, client.pk, "safeguarding record")
    return client


def get_household_member_for_user(*, user: Any, pk: int, write: bool = False,
                                  audit_view: bool = False
                                  ) -> HouseholdMember:
    membership = active_membership(user)
    try:
        member = HouseholdMember.objects.select_related("client").get(
            pk=pk, client__in=clients_for_membership(membership, write=write))
    except (HouseholdMember.DoesNotExist, ValueError, TypeError):
        _refuse(user, membership, "householdmember", pk)
    assert membership is not None
    if not write or audit_view:
        _viewed(user, membership, member, member.client_id, "household member")
    return member


def get_concern_for_user(*, user: Any, pk: int, write: bool = False,
                         audit_view: bool = False, supervise: bool = False) -> Concern:
    """``supervise`` (the review of a decision): the unit's supervisors only."""
    membership = active_membership(user)
    try:
        concern = Concern.objects.select_related(
            "client", "raised_by", "decided_by", "reviewed_by", "closed_by").get(
            pk=pk, client__in=clients_for_membership(membership, write=write))
    except (Concern.DoesNotExist, ValueError, TypeError):
        _refuse(user, membership, "concern", pk)
    assert membership is not None
    if supervise and membership.role != Role.SUPERVISOR:
        raise AccessDenied("A decision is reviewed by the unit's supervisors.")
    if not write or audit_view:
        _viewed(user, membership, concern, concern.client_id, "safeguarding concern")
    return concern


def get_safety_plan_for_user(*, user: Any, concern_pk: int, write: bool = False,
                             audit_view: bool = False
                             ) -> SafetyPlan:
    """The safety plan of a concern, through the concern's scope."""
    membership = active_membership(user)
    try:
        plan = SafetyPlan.objects.select_related("concern", "concern__client").get(
            concern_id=concern_pk,
            concern__client__in=clients_for_membership(membership, write=write))
    except (SafetyPlan.DoesNotExist, ValueError, TypeError):
        _refuse(user, membership, "safetyplan", concern_pk)
    assert membership is not None
    if not write or audit_view:
        _viewed(user, membership, plan, plan.concern.client_id, "safety plan")
    return plan


# --- What a page shows, after the accessor has been passed ----------------------------------


def policy_for(organisation_id: int) -> SafeguardingPolicy:
    """The organisation's enquiry settings (the defaults until an administrator sets them)."""
    policy = SafeguardingPolicy.objects.filter(organisation_id=organisation_id).first()
    return policy or SafeguardingPolicy(
        organisation_id=organisation_id, first_enquiry_days=DEFAULT_FIRST_ENQUIRY_DAYS,
        enquiry_interval_days=DEFAULT_ENQUIRY_INTERVAL_DAYS)


def household_of(client: Client) -> list[HouseholdMember]:
    return list(HouseholdMember.objects.filter(client=client,
                                               organisation_id=client.organisation_id))


def concerns_of(client: Client) -> list[Concern]:
    return list(Concern.objects.filter(client=client, organisation_id=client.organisation_id)
                .select_related("raised_by", "decided_by", "reviewed_by"))


def enquiries_of(client: Client) -> list[Enquiry]:
    return list(Enquiry.objects.filter(client=client, organisation_id=client.organisation_id)
                .select_related("asked_by", "episode"))


def open_episode(client: Client) -> Episode | None:
    return (client.episodes.filter(end_date__isnull=True).select_related("unit")
            .order_by("-start_date", "-id").first())


@dataclass(frozen=True)
class EnquiryDue:
    topic: str
    label: str
    due: dt.date
    overdue_days: int
    last_asked: dt.date | None

    @property
    def is_overdue(self) -> bool:
        return self.overdue_days > 0


def _due_rows(episodes: Iterable[Episode], policy: SafeguardingPolicy, today: dt.date
              ) -> dict[int, list[EnquiryDue]]:
    episodes = list(episodes)
    last: dict[tuple[int, str], dt.date] = {
        (row["episode_id"], row["topic"]): row["last"]
        for row in Enquiry.objects.filter(episode__in=[e.pk for e in episodes])
        .values("episode_id", "topic").annotate(last=Max("asked_on"))}
    out: dict[int, list[EnquiryDue]] = {}
    for episode in episodes:
        rows = []
        for topic in Topic:
            asked = last.get((episode.pk, topic.value))
            due = enquiry_due(episode_start=episode.start_date, last_asked=asked,
                              first_within_days=policy.first_enquiry_days,
                              interval_days=policy.enquiry_interval_days)
            rows.append(EnquiryDue(topic=topic.value, label=str(topic.label), due=due,
                                   overdue_days=days_overdue(due, today), last_asked=asked))
        out[episode.pk] = rows
    return out


def enquiries_due(client: Client, *, today: dt.date | None = None) -> list[EnquiryDue]:
    """When each routine enquiry is next due in the client's open episode (none when no
    episode is open)."""
    episode = open_episode(client)
    if episode is None:
        return []
    today = today or timezone.localdate()
    return _due_rows([episode], policy_for(client.organisation_id), today)[episode.pk]


@dataclass(frozen=True)
class OverdueEnquiry:
    episode: Episode
    relationship: Relationship | None
    due: EnquiryDue


def overdue_enquiries(*, organisation_id: int, today: dt.date | None = None,
                      client_ids: Iterable[int] | None = None,
                      worker_id: int | None = None,
                      worker_ids: Iterable[int] | None = None) -> list[OverdueEnquiry]:
    """Overdue routine enquiries in open episodes, with the relationship that carries them
    (the active one first)."""
    today = today or timezone.localdate()
    policy = policy_for(organisation_id)
    rels = Relationship.objects.filter(organisation_id=organisation_id,
                                       status__in=OPEN_STATUSES)
    if worker_id is not None:
        rels = rels.filter(keyworker_id=worker_id)
    if worker_ids is not None:
        rels = rels.filter(keyworker_id__in=list(worker_ids))
    episodes = Episode.objects.filter(organisation_id=organisation_id, end_date__isnull=True)
    if client_ids is not None:
        episodes = episodes.filter(client_id__in=client_ids)
    if worker_id is not None or worker_ids is not None:
        episodes = episodes.filter(pk__in=rels.values("episode_id"))
    episodes = episodes.select_related("client", "unit")
    order = {Status.ACTIVE: 0, Status.PROPOSED: 1, Status.ENDING: 2}
    carrier: dict[int, Relationship] = {}
    for rel in rels.filter(episode__in=episodes).select_related("keyworker"):
        held = carrier.get(rel.episode_id)
        if held is None or order[Status(rel.status)] < order[Status(held.status)]:
            carrier[rel.episode_id] = rel
    episode_list = list(episodes)
    due_rows = _due_rows(episode_list, policy, today)
    return [OverdueEnquiry(episode=e, relationship=carrier.get(e.pk), due=row)
            for e in episode_list for row in due_rows[e.pk] if row.is_overdue]


def concerns_to_review(*, organisation_id: int, client_ids: Any = None,
                       worker_id: int | None = None) -> QuerySet[Concern]:
    """Concerns that supervision should take up: open without a decision, or decided and
    not yet reviewed by a supervisor."""
    qs = Concern.objects.filter(organisation_id=organisation_id).filter(
        Q(status=ConcernStatus.OPEN, decided_at__isnull=True)
        | Q(decided_at__isnull=False, reviewed_at__isnull=True))
    if client_ids is not None:
        qs = qs.filter(client_id__in=client_ids)
    if worker_id is not None:
        qs = qs.filter(relationship__keyworker_id=worker_id)
    return qs.select_related("client", "raised_by", "decided_by").order_by("created_at")


def supervisor_clients(membership: Membership) -> QuerySet[Episode, Any]:
    """Client ids of the episodes (open or ended) in the units this supervisor is
    responsible for, as a subquery."""
    return Episode.objects.filter(organisation_id=membership.organisation_id,
                                  unit_id__in=unit_ids(membership)).values("client_id")
