"""The supervisor's page: per unit the caseloads and who waits for what, the patterns by
worker, the alert queue and the patterns that changed.

A fixed number of queries, whatever the size of the units: no query per client or per
relationship."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber
from django.utils import timezone

from keywork.checkins.selectors import feedback_shown
from keywork.clients.models import Client, Episode
from keywork.clients.selectors import audit_list
from keywork.contacts.models import Contact
from keywork.dashboards.selectors.common import (
    EVALUATED_STATUSES,
    PATTERN_ORDER,
    days_since,
    last_attended_contact,
    pattern_code,
    user_names,
)
from keywork.organisations.models import Membership, Role, Unit
from keywork.relationships.models import OPEN_STATUSES, Relationship, Status
from keywork.signals import text
from keywork.signals.models import Alert, Pattern, RelationshipState
from keywork.signals.selectors import AlertView, describe
from keywork.signals.settings import config_for

# --- the units I am responsible for ---------------------------------------------------------


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
    # How many there are in each list, when more exist than are shown.
    totals: dict[str, int] = field(default_factory=dict)

    def more(self, part: str) -> int:
        """How many of ``part`` are not shown."""
        shown = len(getattr(self, part))
        return max(0, self.totals.get(part, shown) - shown)

    @property
    def more_without_introduction(self) -> int:
        return self.more("without_introduction")

    @property
    def more_no_contact(self) -> int:
        return self.more("no_contact")

    @property
    def more_proposed(self) -> int:
        return self.more("proposed")

    @property
    def more_for_review(self) -> int:
        return self.more("for_review")


SECTION_LIMIT = 8
"""Each list of a unit shows this many rows first, with how many there are and a way to
every row: a unit of 400 clients stays one screen, not 750 rows."""


M = TypeVar("M", bound=Model)


def bounded(qs: QuerySet[M], unit: str, order: tuple[Any, ...], limit: int | None
            ) -> tuple[list[M], dict[int, int]]:
    """The first ``limit`` rows of each unit (None: every row) and how many each unit has,
    in one query: a row number and a count over each unit, then the rows numbered up to
    the limit."""
    order_by = [F(o[1:]).desc() if isinstance(o, str) and o.startswith("-")
                else F(o) if isinstance(o, str) else o for o in order]
    qs = qs.annotate(
        unit_row=Window(RowNumber(), partition_by=[F(unit)], order_by=order_by),
        unit_total=Window(Count("pk"), partition_by=[F(unit)]),
    ).order_by(*order)
    if limit is not None:
        qs = qs.filter(unit_row__lte=limit)
    rows = list(qs)
    totals: dict[int, int] = {}
    for row in rows:
        totals[_unit_of(row, unit)] = row.unit_total  # type: ignore[attr-defined]
    return rows, totals


def _unit_of(row: Model, path: str) -> int:
    value: object = row
    for part in path.split("__"):
        value = getattr(value, part)
    assert isinstance(value, int)
    return value


def supervisor_overview(membership: Membership, *, days: int | None,
                        today: dt.date | None = None, audit: bool = True,
                        limit: int | None = SECTION_LIMIT) -> list[UnitOverview]:
    """Per unit the supervisor is responsible for: open episodes, caseloads, relationships
    without an introduction, clients without contact for ``days`` days (None: as long as
    the no-contact alert waits for each client), proposals waiting
    and personal-device contacts to review; each list its first ``limit`` rows (None:
    all) and how many there are. Eight queries, whatever the size. With ``audit=False``
    the caller audits the clients shown (``overview_clients``)."""
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
    names = user_names(user_id for _, user_id in load)
    for (unit_id, user_id), (kw, dep) in load.items():
        out[unit_id].workers.append(WorkerLoad(
            name=names.get(user_id, "?"), keyworker_of=kw, deputy_for=dep,
            limit=out[unit_id].unit.caseload_limit))
    for overview in out.values():
        overview.workers.sort(key=lambda w: (-w.keyworker_of, w.name))

    rel_qs = open_rels.select_related("client", "episode", "keyworker")
    rels, totals = bounded(rel_qs.filter(status__in=(Status.PROPOSED, Status.ACTIVE),
                                         introduction__isnull=True),
                           "episode__unit_id", ("proposed_on", "pk"), limit)
    for rel in rels:
        out[rel.episode.unit_id].without_introduction.append(rel)
    for unit_id, n in totals.items():
        out[unit_id].totals["without_introduction"] = n
    rels, totals = bounded(rel_qs.filter(status=Status.PROPOSED), "episode__unit_id",
                           ("proposed_on", "pk"), limit)
    for rel in rels:
        rel.days_waiting = (today - rel.proposed_on).days  # type: ignore[attr-defined]
        out[rel.episode.unit_id].proposed.append(rel)
    for unit_id, n in totals.items():
        out[unit_id].totals["proposed"] = n

    now = timezone.now()
    if days is None:
        # The no-contact alert's own thresholds: fewer days for a client under formal power.
        config = config_for(org.pk)
        late = Q()
        for coerced, limit_days in ((True, config.coerced_no_contact_days),
                                    (False, config.no_contact_days)):
            # Flagged once ``limit_days`` whole days have passed, counted by the local
            # date as the engine counts them: the last contact was before this midnight.
            last_day = today - dt.timedelta(days=limit_days)
            midnight = timezone.make_aware(
                dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time.min))
            late |= Q(legal_basis__is_coerced=coerced) & (
                Q(last_contact__lt=midnight)
                | Q(last_contact__isnull=True, start_date__lte=last_day))
    else:
        cutoff = now - dt.timedelta(days=days)
        late = (Q(last_contact__lt=cutoff)
                | Q(last_contact__isnull=True, start_date__lte=cutoff.date()))
    keyworker_now = Subquery(
        Relationship.objects.filter(episode=OuterRef("pk"), status__in=OPEN_STATUSES)
        .order_by("-proposed_on").values("keyworker_id")[:1])
    quiet = (
        Episode.objects.filter(organisation=org, unit_id__in=ids, end_date__isnull=True)
        .select_related("client", "legal_basis")
        .annotate(last_contact=last_attended_contact(client=OuterRef("client_id")),
                  keyworker_id=keyworker_now)
        .filter(late)
    )
    quiet_rows, totals = bounded(
        quiet, "unit_id", (F("last_contact").asc(nulls_first=True), "start_date", "pk"), limit)
    quiet_list: list[Any] = list(quiet_rows)  # episodes with their two annotations
    for unit_id, n in totals.items():
        out[unit_id].totals["no_contact"] = n
    kw_names = user_names(e.keyworker_id for e in quiet_list)
    for ep in quiet_list:
        last = ep.last_contact
        out[ep.unit_id].no_contact.append(NoContactRow(
            client=ep.client, episode=ep, last_contact=last,
            days_since=days_since(last, today),
            keyworker=kw_names.get(ep.keyworker_id, ""),
        ))

    contacts, totals = bounded(
        Contact.objects.filter(organisation=org, needs_review=True,
                               relationship__episode__unit_id__in=ids)
        .select_related("client", "worker", "relationship__episode"),
        "relationship__episode__unit_id", ("-occurred_at", "pk"), limit)
    for contact in contacts:
        out[contact.relationship.episode.unit_id].for_review.append(contact)
    for unit_id, n in totals.items():
        out[unit_id].totals["for_review"] = n

    overviews = [out[u.pk] for u in units]
    if audit:
        audit_list(user=membership.user, what="supervisor overview",
                   clients=sorted(overview_clients(overviews)))
    return overviews


def overview_clients(overviews: list[UnitOverview]) -> set[int]:
    """The clients an overview names."""
    shown = {r.client.pk for o in overviews for r in o.no_contact}
    shown |= {r.client_id for o in overviews for r in o.without_introduction + o.proposed}
    shown |= {c.client_id for o in overviews for c in o.for_review}
    return shown


# --- patterns by worker, the alert queue, changed patterns ----------------------------------

CHANGED_DAYS = 30
"""Pattern changes newer than this many days are listed for the supervisor."""

PRIVATE = "private"
QUEUE_STATUSES = (Alert.Status.OPEN, Alert.Status.ACKNOWLEDGED)
QUEUE_LIMIT = 50


@dataclass(frozen=True)
class Segment:
    """One part of a stacked bar on a 0–100 axis."""

    kind: str
    x: float
    width: float


def stack(parts: Iterable[tuple[str, int]], top: int) -> list[Segment]:
    """The parts of a stacked bar, scaled so that ``top`` fills the row."""
    out, x = [], 0.0
    for kind, n in parts:
        width = round(100 * n / top, 1) if top else 0.0
        if width:
            out.append(Segment(kind, x, width))
        x = round(x + width, 1)
    return out


@dataclass
class WorkerPatterns:
    name: str
    counts: dict[str, int] = field(default_factory=dict)
    private: int = 0
    bar: list[Segment] = field(default_factory=list)

    @property
    def cells(self) -> list[int]:
        return [self.counts.get(p.value, 0) for p in PATTERN_ORDER]

    @property
    def total(self) -> int:
        return sum(self.counts.values()) + self.private


@dataclass
class PatternsByWorker:
    rows: list[WorkerPatterns]

    @property
    def columns(self) -> list[tuple[str, str]]:
        return [(p.value, str(p.label)) for p in PATTERN_ORDER]

    @property
    def totals(self) -> list[int]:
        return [sum(r.cells[i] for r in self.rows) for i in range(len(PATTERN_ORDER))]

    @property
    def private(self) -> int:
        return sum(r.private for r in self.rows)

    @property
    def total(self) -> int:
        return sum(r.total for r in self.rows)


def _own_figures(membership: Membership, ids: list[int]) -> dict[int, str | None]:
    """How the client's figures reach this supervisor (``Shown.figures``) in the
    relationships of the units that they work themselves as keyworker or deputy: the
    client's choice applies to them too. None: the client keeps their check-ins private
    (no pattern shown); "pattern": alerts are worded without the client's numbers."""
    user_id = membership.user_id
    own = list(Relationship.objects.filter(
        organisation_id=membership.organisation_id, status__in=EVALUATED_STATUSES,
        episode__unit_id__in=ids).filter(Q(keyworker_id=user_id) | Q(deputy_id=user_id))
        .only("pk", "keyworker_id", "deputy_id"))
    return {pk: seen.figures
            for pk, seen in feedback_shown(membership, own, figures=True).items()}


def patterns_by_worker(membership: Membership, ids: list[int], private: set[int]
                       ) -> PatternsByWorker:
    """Active and ending relationships in the units, counted by keyworker and pattern.
    Relationships in ``private`` are counted apart, without their pattern. Three queries."""
    rels = Relationship.objects.filter(organisation_id=membership.organisation_id,
                                       status__in=EVALUATED_STATUSES, episode__unit_id__in=ids)
    rows: dict[int, WorkerPatterns] = {}
    for row in (rels.exclude(pk__in=private).values("keyworker_id", "signal_state__pattern")
                .annotate(n=Count("id")).order_by()):
        worker = rows.setdefault(row["keyworker_id"], WorkerPatterns(name=""))
        key = pattern_code(row["signal_state__pattern"])
        worker.counts[key] = worker.counts.get(key, 0) + row["n"]
    if private:
        for row in (rels.filter(pk__in=private).values("keyworker_id")
                    .annotate(n=Count("id")).order_by()):
            rows.setdefault(row["keyworker_id"], WorkerPatterns(name="")).private += row["n"]
    names = user_names(rows)
    for user_id, worker in rows.items():
        worker.name = names.get(user_id, "?")
    top = max((w.total for w in rows.values()), default=0)
    for worker in rows.values():
        worker.bar = stack([(p.value, worker.counts.get(p.value, 0)) for p in PATTERN_ORDER]
                           + [(PRIVATE, worker.private)], top)
    return PatternsByWorker(rows=sorted(rows.values(), key=lambda w: (-w.total, w.name)))


@dataclass
class QueueRow:
    view: AlertView
    client: str
    worker: str
    age_days: int

    @property
    def alert(self) -> Alert:
        return self.view.alert


def alert_queue(membership: Membership, ids: list[int], private: set[int], *,
                status: str = "", code: str = "", today: dt.date | None = None,
                without_figures: frozenset[int] | set[int] = frozenset()
                ) -> tuple[list[QueueRow], int]:
    """Open and acknowledged alerts of relationships in the units, open ones first and the
    oldest first within each; filtered by ``status`` and ``code`` when given. At most
    ``QUEUE_LIMIT`` rows, and how many there are in all. The rule of
    ``signals.selectors.alert_visible`` applies: alerts that reveal the client's ratings are
    left out for ``private`` relationships (the supervisor key-works them and the client
    keeps their check-ins private), and worded without the client's numbers for those in
    ``without_figures``. Nobody but a supervisor is given this queue."""
    if membership.role != Role.SUPERVISOR:
        return [], 0
    today = today or timezone.localdate()
    qs = Alert.objects.filter(organisation_id=membership.organisation_id,
                              relationship__episode__unit_id__in=ids,
                              status__in=QUEUE_STATUSES).exclude(
        relationship_id__in=private, code__in=text.FROM_CLIENT_RATINGS)
    # Where the supervisor key-works the client: not an alert that drew on a check-in the
    # client kept from their keyworker (``alert_shown``). A filter, not an exclude on the
    # JSON key: alerts without the key must stay.
    drew_on_private = Alert.objects.filter(
        Q(relationship__keyworker_id=membership.user_id)
        | Q(relationship__deputy_id=membership.user_id),
        organisation_id=membership.organisation_id, code__in=text.FROM_CLIENT_RATINGS,
        facts__withheld=True).values("pk")
    qs = qs.exclude(pk__in=drew_on_private)
    if status:
        qs = qs.filter(status=status)
    if code:
        qs = qs.filter(code=code)
    first_open = Case(When(status=Alert.Status.OPEN, then=Value(0)), default=Value(1),
                      output_field=IntegerField())
    alerts = list(qs.select_related("relationship__client", "relationship__keyworker")
                  .order_by(first_open, "raised_at", "id")[:QUEUE_LIMIT + 1])
    total = len(alerts) if len(alerts) <= QUEUE_LIMIT else qs.count()
    rows = []
    for alert in alerts[:QUEUE_LIMIT]:
        rel = alert.relationship
        rows.append(QueueRow(
            view=describe(alert, "pattern" if rel.pk in without_figures else "all"),
            client=rel.client.display_name,
            worker=rel.keyworker.get_full_name() or rel.keyworker.get_username(),
            age_days=days_since(alert.raised_at, today) or 0))
    return rows, total


@dataclass
class PatternChange:
    relationship: Relationship
    previous: str
    previous_label: str
    pattern: str
    label: str
    since: dt.datetime
    worker: str


def changed_patterns(membership: Membership, ids: list[int], private: set[int], *,
                     days: int = CHANGED_DAYS, now: dt.datetime | None = None
                     ) -> list[PatternChange]:
    """Active and ending relationships in the units whose pattern changed in the last
    ``days`` days, newest change first. One query."""
    now = now or timezone.now()
    labels = dict(Pattern.choices)
    states = (RelationshipState.objects.filter(
        organisation_id=membership.organisation_id,
        relationship__status__in=EVALUATED_STATUSES, relationship__episode__unit_id__in=ids,
        pattern_since__gte=now - dt.timedelta(days=days))
        .pattern_changed().exclude(relationship_id__in=private)
        .select_related("relationship__client", "relationship__keyworker")
        .order_by("-pattern_since", "-id"))
    out = []
    for state in states:
        rel = state.relationship
        assert state.pattern_since is not None
        out.append(PatternChange(
            relationship=rel, previous=state.previous_pattern,
            previous_label=str(labels.get(state.previous_pattern, state.previous_pattern)),
            pattern=state.pattern, label=str(labels.get(state.pattern, state.pattern)),
            since=state.pattern_since,
            worker=rel.keyworker.get_full_name() or rel.keyworker.get_username()))
    return out


SUPERVISOR_PARTS = frozenset({"units", "patterns", "queue", "changes"})


@dataclass
class SupervisorPage:
    units: list[UnitOverview] = field(default_factory=list)
    patterns: PatternsByWorker | None = None
    queue: list[QueueRow] = field(default_factory=list)
    queue_total: int = 0
    changes: list[PatternChange] = field(default_factory=list)


def supervisor_page(membership: Membership, *, days: int | None, alert_status: str = "",
                    alert_code: str = "", parts: frozenset[str] = SUPERVISOR_PARTS,
                    today: dt.date | None = None, show_all: bool = False) -> SupervisorPage:
    """The parts of the supervisor's page that are asked for, audited as one list naming
    every client shown. A fixed number of queries, whatever the size of the units; each
    list of a unit bounded to ``SECTION_LIMIT`` rows unless ``show_all``."""
    page = SupervisorPage()
    ids = list(membership.units.filter(organisation_id=membership.organisation_id)
               .values_list("pk", flat=True))
    if "units" in parts:
        page.units = supervisor_overview(membership, days=days, today=today, audit=False,
                                         limit=None if show_all else SECTION_LIMIT)
    own = (_own_figures(membership, ids)
           if ids and parts & {"patterns", "changes", "queue"} else {})
    private = {pk for pk, value in own.items() if value is None}
    if ids and "patterns" in parts:
        page.patterns = patterns_by_worker(membership, ids, private)
    if ids and "changes" in parts:
        page.changes = changed_patterns(membership, ids, private)
    if ids and "queue" in parts:
        page.queue, page.queue_total = alert_queue(
            membership, ids, private, status=alert_status, code=alert_code, today=today,
            without_figures={pk for pk, value in own.items() if value == "pattern"})
    shown = overview_clients(page.units)
    shown |= {row.alert.client_id for row in page.queue}
    shown |= {change.relationship.client_id for change in page.changes}
    audit_list(user=membership.user, what="supervisor overview", clients=sorted(shown))
    return page
