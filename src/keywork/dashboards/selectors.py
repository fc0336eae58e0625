"""Reads behind the dashboards. Each page is a fixed number of grouped queries, however
many clients it covers: no query per client or per relationship."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import ExtractYear
from django.utils import timezone

from keywork.accounts.models import User
from keywork.audit.services import audit_record
from keywork.clients.models import Client, Episode
from keywork.clients.selectors import audit_list
from keywork.contacts.models import Contact, Initiator, Kind
from keywork.organisations.models import LegalBasis, Membership, Organisation, Role, Unit
from keywork.relationships.models import OPEN_STATUSES, Relationship, Status
from keywork.relationships.selectors import caseload_for_worker


def _last_attended_contact(**match: Any) -> Subquery:
    """The time of the latest attended contact matching ``match`` (OuterRef values)."""
    return Subquery(
        Contact.objects.filter(attended=True, **match)
        .order_by("-occurred_at")
        .values("occurred_at")[:1]
    )


def _days_since(when: dt.datetime | None, today: dt.date) -> int | None:
    if when is None:
        return None
    return (today - timezone.localtime(when).date()).days


def _names(user_ids: Iterable[int | None]) -> dict[int, str]:
    ids = {i for i in user_ids if i is not None}
    return {
        u.pk: u.get_full_name() or u.get_username()
        for u in User.objects.filter(pk__in=ids).only("pk", "username", "first_name",
                                                       "last_name")
    }


# --- Keyworker: my caseload -----------------------------------------------------------------


class IntroState:
    DONE = "done"
    INCOMPLETE = "incomplete"
    MISSING = "missing"


@dataclass
class CaseloadRow:
    relationship: Relationship
    is_deputy: bool
    last_contact: dt.datetime | None
    days_since: int | None
    overdue: bool
    intro: str
    waived: bool

    @property
    def client(self) -> Client:
        return self.relationship.client

    @property
    def episode(self) -> Episode:
        return self.relationship.episode

    @property
    def intro_missing(self) -> bool:
        return self.intro == IntroState.MISSING

    @property
    def attention(self) -> int:
        return int(self.overdue) + int(self.intro != IntroState.DONE)


def caseload(membership: Membership, *, today: dt.date | None = None) -> list[CaseloadRow]:
    """The open relationships this person key-works or covers, what needs attention first.

    One query: the last attended contact is a subquery, the introduction a join.
    """
    today = today or timezone.localdate()
    gap = membership.organisation.contact_gap_days
    rels = (
        caseload_for_worker(membership.user)
        .filter(status__in=OPEN_STATUSES)
        .select_related("introduction")
        .annotate(last_contact=_last_attended_contact(relationship=OuterRef("pk")))
    )
    rows = []
    for rel in rels:
        last = rel.last_contact
        days = _days_since(last, today)
        since_start = (today - (rel.started_on or rel.proposed_on)).days
        intro = getattr(rel, "introduction", None)
        state = (IntroState.MISSING if intro is None
                 else IntroState.DONE if intro.is_complete else IntroState.INCOMPLETE)
        rows.append(CaseloadRow(
            relationship=rel,
            is_deputy=rel.deputy_id == membership.user.pk,
            last_contact=last,
            days_since=days,
            overdue=(days > gap) if days is not None else since_start > gap,
            intro=state,
            waived=bool(rel.introduction_waiver),
        ))
    never = 10**6
    rows.sort(key=lambda r: (-r.attention, -(r.days_since if r.days_since is not None
                                             else never), r.client.display_name))
    audit_list(user=membership.user, what="caseload", clients=[r.client.pk for r in rows])
    return rows


# --- Supervisor: the units I am responsible for ------------------------------------------


@dataclass
class WorkerLoad:
    name: str
    keyworker_of: int
    deputy_for: int
    limit: int

    @property
    def over_limit(self) -> bool:
        return self.keyworker_of > self.limit

    @property
    def at_limit(self) -> bool:
        return self.keyworker_of == self.limit

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.keyworker_of / self.limit)) if self.limit else 100


@dataclass
class NoContactRow:
    client: Client
    episode: Episode
    last_contact: dt.datetime | None
    days_since: int | None
    keyworker: str


@dataclass
class UnitOverview:
    unit: Unit
    open_episodes: int = 0
    workers: list[WorkerLoad] = field(default_factory=list)
    without_introduction: list[Relationship] = field(default_factory=list)
    no_contact: list[NoContactRow] = field(default_factory=list)
    proposed: list[Relationship] = field(default_factory=list)
    for_review: list[Contact] = field(default_factory=list)


def supervisor_overview(membership: Membership, *, days: int,
                        today: dt.date | None = None) -> list[UnitOverview]:
    """Per unit the supervisor is responsible for: open episodes, caseloads, relationships
    without an introduction, clients without contact for ``days`` days, proposals waiting
    and personal-device contacts to review. Seven queries, whatever the size."""
    today = today or timezone.localdate()
    org = membership.organisation
    units = list(membership.units.filter(organisation=org).order_by("name"))
    ids = [u.pk for u in units]
    out = {u.pk: UnitOverview(unit=u) for u in units}
    if not units:
        return []

    for row in (Episode.objects.filter(organisation=org, unit_id__in=ids, end_date__isnull=True)
                .values("unit_id").annotate(n=Count("id"))):
        out[row["unit_id"]].open_episodes = row["n"]

    # Caseloads: keyworkers of the unit and anyone carrying a relationship in it.
    open_rels = Relationship.objects.filter(organisation=org, status__in=OPEN_STATUSES,
                                            episode__unit_id__in=ids)
    load: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
    for row in open_rels.values("episode__unit_id", "keyworker_id").annotate(n=Count("id")):
        load[(row["episode__unit_id"], row["keyworker_id"])][0] = row["n"]
    for row in (open_rels.filter(deputy__isnull=False).values("episode__unit_id", "deputy_id")
                .annotate(n=Count("id"))):
        load[(row["episode__unit_id"], row["deputy_id"])][1] = row["n"]
    staff = Membership.units.through.objects.filter(
        unit_id__in=ids, membership__organisation=org, membership__is_active=True,
        membership__role=Role.KEYWORKER,
    ).values_list("unit_id", "membership__user_id")
    for unit_id, user_id in staff:
        load.setdefault((unit_id, user_id), [0, 0])  # nothing yet still counts
    names = _names(user_id for _, user_id in load)
    for (unit_id, user_id), (kw, dep) in load.items():
        out[unit_id].workers.append(WorkerLoad(
            name=names.get(user_id, "?"), keyworker_of=kw, deputy_for=dep,
            limit=out[unit_id].unit.caseload_limit))
    for overview in out.values():
        overview.workers.sort(key=lambda w: (-w.keyworker_of, w.name))

    rel_qs = open_rels.select_related("client", "episode", "keyworker")
    for rel in rel_qs.filter(status__in=(Status.PROPOSED, Status.ACTIVE),
                             introduction__isnull=True).order_by("proposed_on"):
        out[rel.episode.unit_id].without_introduction.append(rel)
    for rel in rel_qs.filter(status=Status.PROPOSED).order_by("proposed_on"):
        rel.days_waiting = (today - rel.proposed_on).days  # type: ignore[attr-defined]
        out[rel.episode.unit_id].proposed.append(rel)

    cutoff = timezone.now() - dt.timedelta(days=days)
    keyworker_now = Subquery(
        Relationship.objects.filter(episode=OuterRef("pk"), status__in=OPEN_STATUSES)
        .order_by("-proposed_on").values("keyworker_id")[:1])
    quiet = (
        Episode.objects.filter(organisation=org, unit_id__in=ids, end_date__isnull=True)
        .select_related("client")
        .annotate(last_contact=_last_attended_contact(client=OuterRef("client_id")),
                  keyworker_id=keyworker_now)
        .filter(Q(last_contact__lt=cutoff)
                | Q(last_contact__isnull=True, start_date__lte=cutoff.date()))
        .order_by(F("last_contact").asc(nulls_first=True), "start_date")
    )
    quiet_list = list(quiet)
    kw_names = _names(e.keyworker_id for e in quiet_list)
    for ep in quiet_list:
        last = ep.last_contact
        out[ep.unit_id].no_contact.append(NoContactRow(
            client=ep.client, episode=ep, last_contact=last,
            days_since=_days_since(last, today),
            keyworker=kw_names.get(ep.keyworker_id, ""),
        ))

    for contact in (Contact.objects.filter(organisation=org, needs_review=True,
                                           relationship__episode__unit_id__in=ids)
                    .select_related("client", "worker", "relationship__episode")
                    .order_by("-occurred_at")):
        out[contact.relationship.episode.unit_id].for_review.append(contact)

    shown = {r.client.pk for o in out.values() for r in o.no_contact}
    shown |= {r.client_id for o in out.values() for r in o.without_introduction + o.proposed}
    shown |= {c.client_id for o in out.values() for c in o.for_review}
    audit_list(user=membership.user, what="supervisor overview", clients=sorted(shown))
    return [out[u.pk] for u in units]


# --- Manager: figures only, no names ------------------------------------------------------


@dataclass
class Bar:
    label: str
    value: float
    percent: float = 0.0
    coerced: bool = False


def scale(bars: list[Bar]) -> list[Bar]:
    """Set each bar's width as a share of the largest value (0–100)."""
    top = max((b.value for b in bars), default=0)
    for b in bars:
        b.percent = round(100 * b.value / top, 1) if top else 0.0
    return bars


CASELOAD_BUCKETS = ((0, 0, "0"), (1, 5, "1–5"), (6, 10, "6–10"), (11, 15, "11–15"),
                    (16, 20, "16–20"), (21, None, "21+"))


@dataclass
class ContactRates:
    unit: str
    clients_4: int
    clients_12: int
    contacts_4: int
    contacts_12: int
    planned_12: int
    everyday_12: int
    not_attended_12: int
    planned_booked_12: int
    client_started_12: int

    @property
    def rate_4(self) -> float:
        return round(self.contacts_4 / self.clients_4 / 4, 2) if self.clients_4 else 0.0

    @property
    def rate_12(self) -> float:
        return round(self.contacts_12 / self.clients_12 / 12, 2) if self.clients_12 else 0.0

    @property
    def did_not_attend(self) -> int | None:
        """Share of planned sessions the client did not attend, in per cent."""
        if not self.planned_booked_12:
            return None
        return round(100 * self.not_attended_12 / self.planned_booked_12)

    @property
    def client_started(self) -> int | None:
        if not self.contacts_12:
            return None
        return round(100 * self.client_started_12 / self.contacts_12)


@dataclass
class Outcomes:
    legal_basis: str
    coerced: bool
    completed: int
    dropped_out: int
    other: int

    @property
    def total(self) -> int:
        return self.completed + self.dropped_out + self.other

    @property
    def completed_share(self) -> int | None:
        return round(100 * self.completed / self.total) if self.total else None

    def _pct(self, n: int) -> float:
        return round(100 * n / self.total, 1) if self.total else 0.0

    @property
    def segments(self) -> list[tuple[str, float, float]]:
        """(kind, x, width) of each part of a 100-wide stacked bar."""
        out, x = [], 0.0
        for kind, n in (("completed", self.completed), ("dropped", self.dropped_out),
                        ("other", self.other)):
            width = self._pct(n)
            out.append((kind, x, width))
            x = round(x + width, 1)
        return out


@dataclass
class ManagerFigures:
    by_legal_basis: list[Bar]
    caseload_buckets: list[Bar]
    caseload_mean: float | None
    caseload_median: float | None
    caseload_max: int | None
    keyworkers: int
    contact_rates: list[ContactRates]
    contact_bars: list[Bar]
    outcomes: list[Outcomes]


def manager_figures(organisation: Organisation, *, now: dt.datetime | None = None
                    ) -> ManagerFigures:
    now = now or timezone.now()
    today = timezone.localdate(now)
    open_eps = Episode.objects.filter(organisation=organisation, end_date__isnull=True)

    by_basis = [
        Bar(label=r["legal_basis__name"], value=r["n"], coerced=r["legal_basis__is_coerced"])
        for r in open_eps.values("legal_basis__name", "legal_basis__is_coerced",
                                 "legal_basis__order")
        .annotate(n=Count("client", distinct=True))
        .order_by("legal_basis__order", "legal_basis__name")
    ]

    # Caseload sizes: every active keyworker, and anyone else who carries a relationship.
    sizes: dict[int, int] = dict(
        Relationship.objects.filter(organisation=organisation, status__in=OPEN_STATUSES)
        .values("keyworker_id").annotate(n=Count("id")).values_list("keyworker_id", "n")
    )
    for user_id in Membership.objects.filter(organisation=organisation, is_active=True,
                                             role=Role.KEYWORKER).values_list("user_id",
                                                                              flat=True):
        sizes.setdefault(user_id, 0)
    values = sorted(sizes.values())
    buckets = []
    for low, high, label in CASELOAD_BUCKETS:
        n = sum(1 for v in values if v >= low and (high is None or v <= high))
        buckets.append(Bar(label=label, value=n))

    start_4 = now - dt.timedelta(weeks=4)
    start_12 = now - dt.timedelta(weeks=12)
    in_care = Episode.objects.filter(organisation=organisation, start_date__lte=today)
    clients: dict[int, dict[str, int]] = {
        r["unit_id"]: r for r in in_care.filter(
            Q(end_date__isnull=True) | Q(end_date__gte=start_12.date()))
        .values("unit_id").annotate(
            c4=Count("client", distinct=True,
                     filter=Q(end_date__isnull=True) | Q(end_date__gte=start_4.date())),
            c12=Count("client", distinct=True))
    }
    attended = Q(attended=True)
    contacts = {
        r["relationship__episode__unit_id"]: r for r in
        Contact.objects.filter(organisation=organisation, occurred_at__gte=start_12,
                               occurred_at__lte=now)
        .values("relationship__episode__unit_id").annotate(
            n4=Count("id", filter=attended & Q(occurred_at__gte=start_4)),
            n12=Count("id", filter=attended),
            planned=Count("id", filter=attended & Q(kind=Kind.SESSION)),
            everyday=Count("id", filter=attended & Q(kind=Kind.EVERYDAY)),
            booked=Count("id", filter=Q(kind=Kind.SESSION)),
            dna=Count("id", filter=Q(kind=Kind.SESSION, attended=False)),
            by_client=Count("id", filter=attended & Q(initiated_by=Initiator.CLIENT)),
        )
    }
    rates = []
    for unit in Unit.objects.filter(organisation=organisation).order_by("name"):
        c, k = clients.get(unit.pk, {}), contacts.get(unit.pk, {})
        rates.append(ContactRates(
            unit=unit.name, clients_4=c.get("c4", 0), clients_12=c.get("c12", 0),
            contacts_4=k.get("n4", 0), contacts_12=k.get("n12", 0),
            planned_12=k.get("planned", 0), everyday_12=k.get("everyday", 0),
            not_attended_12=k.get("dna", 0), planned_booked_12=k.get("booked", 0),
            client_started_12=k.get("by_client", 0),
        ))

    year_ago = today - dt.timedelta(days=365)
    outcomes = [
        Outcomes(legal_basis=r["legal_basis__name"], coerced=r["legal_basis__is_coerced"],
                 completed=r["completed"], dropped_out=r["dropped"], other=r["other"])
        for r in Episode.objects.filter(organisation=organisation, end_date__gte=year_ago,
                                        end_date__lte=today)
        .values("legal_basis__name", "legal_basis__is_coerced", "legal_basis__order")
        .annotate(
            completed=Count("id", filter=Q(outcome=Episode.Outcome.COMPLETED)),
            dropped=Count("id", filter=Q(outcome=Episode.Outcome.DROPPED_OUT)),
            other=Count("id", filter=~Q(outcome__in=(Episode.Outcome.COMPLETED,
                                                     Episode.Outcome.DROPPED_OUT))),
        ).order_by("legal_basis__order", "legal_basis__name")
    ]
    return ManagerFigures(
        by_legal_basis=scale(by_basis),
        caseload_buckets=scale(buckets),
        caseload_mean=round(statistics.fmean(values), 1) if values else None,
        caseload_median=statistics.median(values) if values else None,
        caseload_max=max(values) if values else None,
        keyworkers=len(values),
        contact_rates=rates,
        contact_bars=scale([Bar(label=r.unit, value=r.rate_4) for r in rates]),
        outcomes=outcomes,
    )


# --- Researcher: pseudonymised figures and the episode export -----------------------------


@dataclass
class ResearchCell:
    unit_kind: str
    legal_basis: str
    coerced: bool
    episodes: int = 0
    open: int = 0
    completed: int = 0
    dropped_out: int = 0
    other_outcome: int = 0
    contacts: int = 0

    @property
    def contacts_per_episode(self) -> float | None:
        return round(self.contacts / self.episodes, 1) if self.episodes else None


def research_table(organisation: Organisation) -> list[ResearchCell]:
    """Episodes, outcomes and contacts per unit kind × legal basis. Two queries."""
    kinds = dict(Unit.Kind.choices)
    cells: dict[tuple[str, str], ResearchCell] = {}
    for r in (Episode.objects.filter(organisation=organisation)
              .values("unit__kind", "legal_basis__code", "legal_basis__is_coerced")
              .annotate(
                  n=Count("id"),
                  open=Count("id", filter=Q(end_date__isnull=True)),
                  completed=Count("id", filter=Q(outcome=Episode.Outcome.COMPLETED)),
                  dropped=Count("id", filter=Q(outcome=Episode.Outcome.DROPPED_OUT)),
                  other=Count("id", filter=Q(end_date__isnull=False) & ~Q(
                      outcome__in=(Episode.Outcome.COMPLETED, Episode.Outcome.DROPPED_OUT))),
              )):
        cells[(r["unit__kind"], r["legal_basis__code"])] = ResearchCell(
            unit_kind=str(kinds.get(r["unit__kind"], r["unit__kind"])),
            legal_basis=r["legal_basis__code"], coerced=r["legal_basis__is_coerced"],
            episodes=r["n"], open=r["open"], completed=r["completed"],
            dropped_out=r["dropped"], other_outcome=r["other"],
        )
    for r in (Contact.objects.filter(organisation=organisation)
              .values("relationship__episode__unit__kind",
                      "relationship__episode__legal_basis__code")
              .annotate(n=Count("id"))):
        key = (r["relationship__episode__unit__kind"],
               r["relationship__episode__legal_basis__code"])
        if key in cells:
            cells[key].contacts = r["n"]
    return sorted(cells.values(), key=lambda c: (c.unit_kind, c.legal_basis))


RESEARCH_COLUMNS = ("pseudonym", "birth_year", "unit_kind", "legal_basis", "coerced",
                    "start_date", "end_date", "outcome", "contacts", "relationships")


def research_export(membership: Membership) -> list[tuple[Any, ...]]:
    """One row per episode keyed by the client's pseudonym: never a name, the birth year
    only. The export is audited."""
    episodes = (
        Episode.objects.filter(organisation=membership.organisation)
        .annotate(
            n_contacts=Count("relationships__contacts", distinct=True),
            n_relationships=Count("relationships", distinct=True),
            birth_year=ExtractYear("client__date_of_birth"),
        )
        .values_list("client__pseudonym", "birth_year", "unit__kind", "legal_basis__code",
                     "legal_basis__is_coerced", "start_date", "end_date", "outcome",
                     "n_contacts", "n_relationships")
        .order_by("client__pseudonym", "start_date")
    )
    rows: list[tuple[Any, ...]] = [
        (pseudonym, year, kind, code, int(coerced), start, end or "", outcome, contacts, rels)
        for (pseudonym, year, kind, code, coerced, start, end, outcome, contacts, rels)
        in episodes
    ]
    audit_record(actor=membership.user, action="export", role=membership.role,
                 organisation_id=membership.organisation_id, object_type="episode",
                 detail=f"research export: {len(rows)} episodes, pseudonymised")
    return rows


def legal_bases_in_use(organisation: Organisation) -> QuerySet[LegalBasis]:
    return LegalBasis.objects.filter(organisation=organisation, episodes__isnull=False
                                     ).distinct().order_by("order", "name")
