"""Reads for matching: who is free, what each worker and client brings, the ranked list for
an episode, the intake group of a unit, and the client's requests for a change."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db.models import Count, Q, QuerySet

from keywork.audit.services import audit_record
from keywork.boundaries.models import BoundaryEvent
from keywork.boundaries.models import Kind as BoundaryKind
from keywork.checkins.selectors import supervises
from keywork.clients.models import Client, Episode
from keywork.clients.selectors import clients_for_membership
from keywork.core.errors import AccessDenied
from keywork.domain import matching as dm
from keywork.matching.models import (
    ChangeRequest,
    ClientPreference,
    ConflictDeclaration,
    MatchingWeights,
    Skill,
    StaffProfile,
)
from keywork.organisations.models import Membership, Organisation, Role, Unit
from keywork.organisations.selectors import active_membership, unit_ids
from keywork.relationships.models import EndReason, Relationship, Status
from keywork.safeguarding.models import Concern
from keywork.signals.models import Pattern

# Counted on a caseload: relationships that are proposed or active (an ending one is being
# handed over and no longer takes a place).
CASELOAD_STATUSES = (Status.PROPOSED, Status.ACTIVE)
# A closed relationship "ended well" when it ended for a reason outside the relationship.
ENDED_WELL = (EndReason.EPISODE_ENDED, EndReason.WORKER_LEFT, EndReason.TRANSFER,
              EndReason.CAPACITY)
LANGUAGE_ALIASES = {
    "sv": "swedish", "svenska": "swedish", "en": "english", "engelska": "english",
    "ar": "arabic", "arabiska": "arabic", "fi": "finnish", "finska": "finnish",
    "so": "somali", "somaliska": "somali", "fa": "persian", "persiska": "persian",
    "pl": "polish", "polska": "polish", "es": "spanish", "spanska": "spanish",
}


def language_words(text: str) -> frozenset[str]:
    return frozenset(LANGUAGE_ALIASES.get(w, w) for w in dm.split_words(text))


# --- settings of the organisation -------------------------------------------------------------


def weights_for(organisation_id: int) -> dm.Weights:
    row = MatchingWeights.objects.filter(organisation_id=organisation_id).first()
    if row is None:
        return dm.Weights()
    return dm.Weights(capacity=row.capacity, language=row.language, preference=row.preference,
                      skills=row.skills, experience=row.experience, continuity=row.continuity,
                      demanding_factor=row.demanding_factor)


def skills_for(organisation_id: int, *, active_only: bool = True) -> list[Skill]:
    qs = Skill.objects.filter(organisation_id=organisation_id)
    if active_only:
        qs = qs.filter(is_active=True)
    return list(qs.order_by("-is_core", "name"))


def profile_of(membership: Membership) -> StaffProfile | None:
    return StaffProfile.objects.filter(membership=membership).prefetch_related("skills").first()


def staff_for_profiles(organisation: Organisation) -> list[tuple[Membership, StaffProfile | None]]:
    """Keyworkers and supervisors of the organisation with their profiles (administrator)."""
    memberships = list(
        Membership.objects.filter(organisation=organisation,
                                  role__in=(Role.KEYWORKER, Role.SUPERVISOR))
        .select_related("user").prefetch_related("units")
        .order_by("-is_active", "user__first_name", "user__last_name", "user__username"))
    profiles = {p.membership_id: p for p in StaffProfile.objects.filter(
        membership__in=memberships).prefetch_related("skills")}
    return [(m, profiles.get(m.pk)) for m in memberships]


def get_profile_membership_for_admin(*, user: Any, pk: int) -> Membership:
    membership = active_membership(user)
    if membership is None or membership.role != Role.ADMINISTRATOR:
        raise AccessDenied("Only an administrator edits other people's profiles.")
    try:
        return Membership.objects.select_related("user").get(
            pk=pk, organisation_id=membership.organisation_id,
            role__in=(Role.KEYWORKER, Role.SUPERVISOR))
    except (Membership.DoesNotExist, ValueError) as exc:
        raise AccessDenied("No such person.") from exc


def preference_of(client: Client) -> ClientPreference | None:
    return ClientPreference.objects.filter(client=client).prefetch_related("skills").first()


def conflicts_of_client(client: Client) -> list[ConflictDeclaration]:
    return list(ConflictDeclaration.objects.filter(
        client=client, organisation_id=client.organisation_id).select_related(
        "worker", "declared_by"))


# --- candidates and what they bring -----------------------------------------------------------


@dataclass(frozen=True)
class Worker:
    user_id: int
    name: str
    caseload: int
    limit: int
    experience: float
    gender: str
    languages: frozenset[str]
    skills: frozenset[str]

    @property
    def free(self) -> int:
        return max(self.limit - self.caseload, 0)


def workers_for_unit(unit: Unit) -> list[Worker]:
    """The unit's active keyworkers, by name, with caseload, limit and profile."""
    memberships = list(
        Membership.objects.filter(organisation_id=unit.organisation_id, is_active=True,
                                  user__is_active=True, role=Role.KEYWORKER, units=unit)
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "user__username"))
    user_ids = [m.user_id for m in memberships]
    loads = dict(
        Relationship.objects.filter(organisation_id=unit.organisation_id,
                                    keyworker_id__in=user_ids, status__in=CASELOAD_STATUSES)
        .values("keyworker_id").annotate(n=Count("id")).values_list("keyworker_id", "n"))
    profiles = {p.membership_id: p for p in StaffProfile.objects.filter(
        membership__in=memberships).prefetch_related("skills")}
    out = []
    for m in memberships:
        p = profiles.get(m.pk)
        out.append(Worker(
            user_id=m.user_id, name=str(m.user), caseload=int(loads.get(m.user_id, 0)),
            limit=int(unit.caseload_limit),
            experience=float(p.experience_years) if p else 0.0,
            gender=dm.normalise(p.gender) if p else "",
            languages=language_words(p.languages) if p else frozenset(),
            skills=frozenset(s.code for s in p.skills.all() if s.is_active) if p else frozenset(),
        ))
    return out


@dataclass(frozen=True)
class Need:
    episode: Episode
    client: Client
    languages: frozenset[str]
    gender: str
    skills: frozenset[str]
    demanding: bool


def _safeguarding_heavy(client_ids: Sequence[int]) -> set[int]:
    """Clients with a recorded safeguarding concern."""
    return set(Concern.objects.filter(client_id__in=client_ids)
               .values_list("client_id", flat=True))


def needs_for(episodes: Sequence[Episode], *, demanding: bool | None = None) -> list[Need]:
    """What each episode's client needs in a worker. ``demanding`` overrides the rule
    (coerced basis or a safeguarding concern) when the supervisor says so."""
    client_ids = [e.client_id for e in episodes]
    prefs = {p.client_id: p for p in ClientPreference.objects.filter(
        client_id__in=client_ids).prefetch_related("skills")}
    heavy = _safeguarding_heavy(client_ids)
    core: dict[int, frozenset[str]] = {}
    out = []
    for e in episodes:
        org_id = e.organisation_id
        if org_id not in core:
            core[org_id] = frozenset(Skill.objects.filter(
                organisation_id=org_id, is_core=True, is_active=True)
                .values_list("code", flat=True))
        p = prefs.get(e.client_id)
        langs = language_words(p.languages) if p and p.languages.strip() else frozenset()
        if not langs:
            langs = language_words(e.client.preferred_language)
        chosen = frozenset(s.code for s in p.skills.all() if s.is_active) if p else frozenset()
        out.append(Need(
            episode=e, client=e.client, languages=langs,
            gender=dm.normalise(p.worker_gender) if p else "",
            skills=chosen or core[org_id],
            demanding=(e.legal_basis.is_coerced or e.client_id in heavy)
            if demanding is None else demanding))
    return out


def _boundary_conflicts(organisation_id: int, client_ids: Sequence[int]) -> set[tuple[int, int]]:
    """Private connections and conflicts of interest recorded in the boundary register."""
    rows = BoundaryEvent.objects.filter(
        organisation_id=organisation_id, client_id__in=client_ids,
        kind=BoundaryKind.CONFLICT_OF_INTEREST).values_list("worker_id", "client_id")
    return {(int(w), int(c)) for w, c in rows}


def exclusions(organisation_id: int, client_ids: Sequence[int]) -> dict[tuple[int, int], int]:
    """(worker, client) → why the pairing is excluded (a domain exclusion code)."""
    out: dict[tuple[int, int], int] = {}
    for w, c in Relationship.objects.filter(
            organisation_id=organisation_id, client_id__in=client_ids,
            end_reason=EndReason.CLIENT_ASKED_FOR_CHANGE).values_list("keyworker_id",
                                                                       "client_id"):
        out[(w, c)] = dm.EXCLUDED_CLIENT_LEFT
    declared = ConflictDeclaration.objects.filter(
        organisation_id=organisation_id, client_id__in=client_ids).values_list(
        "worker_id", "client_id")
    for pair in [*declared, *_boundary_conflicts(organisation_id, client_ids)]:
        out[(int(pair[0]), int(pair[1]))] = dm.EXCLUDED_CONFLICT
    return out


def continuity(organisation_id: int, client_ids: Sequence[int]) -> set[tuple[int, int]]:
    """(worker, client) pairs with an earlier good relationship: friendly and trustful as
    the signal engine saw it, or closed for a reason outside the relationship and not
    conflicted."""
    out: set[tuple[int, int]] = set()
    rows = Relationship.objects.filter(organisation_id=organisation_id,
                                       client_id__in=client_ids).values_list(
        "keyworker_id", "client_id", "status", "end_reason", "signal_state__pattern")
    for worker, client, status, end_reason, pattern in rows:
        good = pattern == Pattern.FRIENDLY or (
            status == Status.CLOSED and end_reason in ENDED_WELL
            and pattern != Pattern.AMBIVALENT)
        if good:
            out.add((worker, client))
    return out


def build_batch(needs: Sequence[Need], workers: Sequence[Worker], *,
                exclude: Iterable[tuple[int, int]] = ()) -> dm.MatchBatch:
    """Columns for the domain: the needs as rows, the workers as columns. ``exclude``
    adds (worker, client) pairs the client is leaving now."""
    org_ids = {n.episode.organisation_id for n in needs}
    client_ids = [n.client.pk for n in needs]
    excl: dict[tuple[int, int], int] = {}
    good: set[tuple[int, int]] = set()
    for org_id in org_ids:
        excl.update(exclusions(org_id, client_ids))
        good |= continuity(org_id, client_ids)
    for pair in exclude:
        excl[pair] = dm.EXCLUDED_CLIENT_LEFT
    languages = tuple(sorted(set().union(*(n.languages for n in needs),
                                         *(w.languages for w in workers))))
    skills = tuple(sorted(set().union(*(n.skills for n in needs), *(w.skills for w in workers))))
    m, n = len(needs), len(workers)
    excluded = np.zeros((m, n), dtype=np.int8)
    cont = np.zeros((m, n), dtype=np.float64)
    for i, need in enumerate(needs):
        for j, w in enumerate(workers):
            excluded[i, j] = excl.get((w.user_id, need.client.pk), dm.ALLOWED)
            cont[i, j] = 1.0 if (w.user_id, need.client.pk) in good else 0.0
    return dm.MatchBatch(
        languages=languages, skills=skills,
        worker_free=np.array([w.free for w in workers], dtype=np.int64),
        worker_limit=np.array([w.limit for w in workers], dtype=np.int64),
        worker_experience=np.array([w.experience for w in workers], dtype=np.float64),
        worker_gender=np.array([w.gender for w in workers], dtype=str),
        worker_languages=dm.encode_sets([w.languages for w in workers], languages),
        worker_skills=dm.encode_sets([w.skills for w in workers], skills),
        client_languages=dm.encode_sets([n.languages for n in needs], languages),
        client_gender=np.array([n.gender for n in needs], dtype=str),
        client_skills=dm.encode_sets([n.skills for n in needs], skills),
        client_demanding=np.array([n.demanding for n in needs], dtype=bool),
        excluded=excluded, continuity=cont,
    )


# --- the ranked list for one episode ----------------------------------------------------------


@dataclass(frozen=True)
class Ranked:
    worker: Worker
    score: float | None
    reasons: list[dm.Reason]
    excluded: str = ""


@dataclass(frozen=True)
class Ranking:
    need: Need
    ranked: list[Ranked]
    excluded: list[Ranked]


def rank_for_episode(episode: Episode, *, demanding: bool | None = None,
                     leaving_worker_id: int | None = None) -> Ranking:
    """The unit's keyworkers for this episode's client, best first, with reasons; the
    excluded ones apart with why. Read only after the episode's accessor was passed."""
    need = needs_for([episode], demanding=demanding)[0]
    workers = workers_for_unit(episode.unit)
    extra = [(leaving_worker_id, episode.client_id)] if leaving_worker_id else []
    batch = build_batch([need], workers, exclude=extra)
    result = dm.score(batch, weights_for(episode.organisation_id))
    ranked = [Ranked(workers[j], round(float(result.score[0, j]), 1),
                     dm.explain(batch, result, 0, j)) for j in dm.ranking(result, 0)]
    excluded = [Ranked(w, None, dm.explain(batch, result, 0, j),
                       dm.EXCLUSION_CODES.get(int(result.excluded[0, j]), "other"))
                for j, w in enumerate(workers) if result.excluded[0, j] != dm.ALLOWED]
    return Ranking(need=need, ranked=ranked, excluded=excluded)


def pairing_exclusion(*, episode: Episode, worker_id: int) -> str:
    """Why this worker cannot be this client's keyworker, or "" when nothing excludes it."""
    code = exclusions(episode.organisation_id, [episode.client_id]).get(
        (worker_id, episode.client_id), dm.ALLOWED)
    return dm.EXCLUSION_CODES.get(code, "") if code != dm.ALLOWED else ""


# --- the intake group -------------------------------------------------------------------------


def _waiting(organisation_id: int, units: Iterable[Unit]) -> QuerySet[Episode]:
    """Open episodes of these units without a proposed or active keyworker."""
    taken = Relationship.objects.filter(organisation_id=organisation_id,
                                        status__in=CASELOAD_STATUSES).values("episode_id")
    return Episode.objects.filter(organisation_id=organisation_id, unit__in=units,
                                  end_date__isnull=True).exclude(pk__in=taken)


def waiting_episodes(unit: Unit) -> list[Episode]:
    """Open episodes of the unit without a proposed or active keyworker, oldest first."""
    return list(
        _waiting(unit.organisation_id, [unit])
        .select_related("client", "legal_basis", "unit")
        .order_by("start_date", "id"))


@dataclass(frozen=True)
class IntakeRow:
    need: Need
    proposed: Worker | None
    score: float | None
    reasons: list[dm.Reason]
    options: list[tuple[Worker, float]]


@dataclass(frozen=True)
class Intake:
    unit: Unit
    rows: list[IntakeRow]
    workers: list[Worker]
    value: float
    greedy_value: float


def intake_for_unit(unit: Unit) -> Intake:
    """The optimal allocation for the unit's waiting clients, with each client's options."""
    episodes = waiting_episodes(unit)
    workers = workers_for_unit(unit)
    needs = needs_for(episodes)
    if not needs or not workers:
        return Intake(unit, [IntakeRow(n, None, None, [], []) for n in needs], workers, 0, 0)
    batch = build_batch(needs, workers)
    result = dm.score(batch, weights_for(unit.organisation_id))
    free = batch.worker_free
    best = dm.assign(result.score, free, result.excluded)
    rows = []
    for i, need in enumerate(needs):
        j = int(best[i])
        options = [(workers[k], round(float(result.score[i, k]), 1))
                   for k in dm.ranking(result, i)]
        rows.append(IntakeRow(
            need=need, proposed=workers[j] if j >= 0 else None,
            score=round(float(result.score[i, j]), 1) if j >= 0 else None,
            reasons=dm.explain(batch, result, i, j) if j >= 0 else [], options=options))
    return Intake(unit=unit, rows=rows, workers=workers,
                  value=dm.assignment_value(np.nan_to_num(result.score), best),
                  greedy_value=dm.assignment_value(
                      np.nan_to_num(result.score),
                      dm.greedy(result.score, free, result.excluded)))


def units_for_supervisor(membership: Membership) -> list[Unit]:
    return list(Unit.objects.filter(pk__in=unit_ids(membership),
                                    organisation_id=membership.organisation_id).order_by("name"))


def get_unit_for_supervisor(*, user: Any, pk: int) -> Unit:
    membership = active_membership(user)
    if membership is None or membership.role != Role.SUPERVISOR:
        raise AccessDenied("Only a supervisor of the unit allocates keyworkers.")
    try:
        return Unit.objects.get(pk=pk, organisation_id=membership.organisation_id,
                                pk__in=unit_ids(membership))
    except (Unit.DoesNotExist, ValueError) as exc:
        raise AccessDenied("This unit is not yours.") from exc


# --- the client's request for another keyworker -----------------------------------------------


def _is_outgoing(membership: Membership, request: ChangeRequest) -> bool:
    rel = request.relationship
    return membership.user_id in (rel.keyworker_id, rel.deputy_id)


def get_change_request_for_user(*, user: Any, pk: int, write: bool = False,
                                audit_view: bool = False, supervise: bool = False
                                ) -> ChangeRequest:
    """A supervisor of the unit sees every request of its clients. The outgoing keyworker
    (and deputy) see a request only once the supervisor has approved the change, while
    they still have access to the relationship, and never its reason if the client asked
    so (`reason_shown`). ``supervise`` (deciding): the unit's supervisors only."""
    membership = active_membership(user)
    try:
        if membership is None:
            raise ChangeRequest.DoesNotExist
        request = ChangeRequest.objects.select_related(
            "relationship", "relationship__episode__client", "relationship__episode__unit",
            "relationship__episode__legal_basis", "relationship__keyworker",
            "relationship__deputy", "client", "new_relationship",
            "new_relationship__keyworker", "decided_by", "handover_by").get(
            pk=pk, organisation_id=membership.organisation_id,
            client__in=clients_for_membership(membership, write=write))
        if not supervises(membership, request.relationship) and not (
                membership.role == Role.KEYWORKER and _is_outgoing(membership, request)
                and request.status == ChangeRequest.Status.APPROVED
                and request.relationship.status != Status.CLOSED):
            raise ChangeRequest.DoesNotExist
    except (ChangeRequest.DoesNotExist, ValueError) as exc:
        audit_record(actor=user, action="denied", role=membership.role if membership else "",
                     organisation_id=membership.organisation_id if membership else None,
                     object_type="changerequest", object_id=str(pk)[:40])
        raise AccessDenied("This request is not open to you.") from exc
    if supervise and membership.role != Role.SUPERVISOR:
        raise AccessDenied("A request is decided by the unit's supervisors.")
    if not write or audit_view:
        audit_record(actor=user, action="view", role=membership.role,
                     organisation_id=request.organisation_id, client_id=request.client_id,
                     obj=request)
    return request


def reason_shown(membership: Membership | None, request: ChangeRequest) -> str | None:
    """The client's reason as this person may see it: the unit's supervisor always; the
    outgoing keyworker or deputy only if the client did not keep it from them."""
    if membership is None:
        return None
    if supervises(membership, request.relationship):
        return request.reason
    if request.reason_private:
        return None
    return request.reason


def pending_requests(membership: Membership) -> list[ChangeRequest]:
    """Requests waiting for this supervisor's decision, oldest first."""
    if membership.role != Role.SUPERVISOR:
        return []
    return list(ChangeRequest.objects.filter(
        organisation_id=membership.organisation_id, status=ChangeRequest.Status.PENDING,
        relationship__episode__unit_id__in=unit_ids(membership))
        .select_related("client", "relationship", "relationship__keyworker",
                        "relationship__episode__unit")
        .order_by("asked_at", "id"))


def requests_on_relationship(membership: Membership | None, relationship: Relationship
                             ) -> list[ChangeRequest]:
    """What the relationship page shows of change requests to this person: every request to
    the unit's supervisor; to the workers, approved changes only."""
    if membership is None:
        return []
    qs = ChangeRequest.objects.filter(relationship=relationship,
                                      organisation_id=relationship.organisation_id)
    if supervises(membership, relationship):
        return list(qs.select_related("new_relationship__keyworker"))
    if membership.user_id in (relationship.keyworker_id, relationship.deputy_id):
        return list(qs.filter(status=ChangeRequest.Status.APPROVED)
                    .select_related("new_relationship__keyworker"))
    return []


def handover_for_new_relationship(membership: Membership | None, relationship: Relationship
                                  ) -> ChangeRequest | None:
    """The handover note the new keyworker receives (no reason: that stays with the
    supervisor and, if the client allowed it, the outgoing worker)."""
    if membership is None:
        return None
    return ChangeRequest.objects.filter(
        new_relationship=relationship, status=ChangeRequest.Status.APPROVED).select_related(
        "handover_by", "relationship__keyworker").first()


def request_for_space(relationship: Relationship) -> ChangeRequest | None:
    """The client's latest request on this relationship (their own page)."""
    return ChangeRequest.objects.filter(relationship=relationship).order_by(
        "-asked_at", "-id").first()


@dataclass
class SupervisorOverview:
    pending: list[ChangeRequest] = field(default_factory=list)
    units: list[tuple[Unit, int]] = field(default_factory=list)


def overview_for_supervisor(membership: Membership) -> SupervisorOverview:
    units = units_for_supervisor(membership)
    counts = defaultdict(int, _waiting(membership.organisation_id, units)
                         .values("unit_id").annotate(n=Count("id")).values_list("unit_id", "n"))
    return SupervisorOverview(pending=pending_requests(membership),
                              units=[(u, int(counts[u.pk])) for u in units])


def open_relationship_of_episode(episode: Episode) -> Relationship | None:
    return episode.relationships.filter(
        Q(status=Status.ACTIVE) | Q(status=Status.PROPOSED)).first()
