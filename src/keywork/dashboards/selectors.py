"""Reads behind the dashboards. Each page is a fixed number of grouped queries, however
many clients it covers: no query per client or per relationship."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Avg,
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import ExtractYear, TruncMonth
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from keywork.accounts.models import User
from keywork.audit.services import audit_record
from keywork.checkins.models import CheckinResponse, Rater
from keywork.checkins.selectors import feedback_shown
from keywork.clients.models import Client, Episode
from keywork.clients.selectors import audit_list
from keywork.contacts.models import Contact, Initiator, Kind
from keywork.organisations.models import LegalBasis, Membership, Organisation, Role, Unit
from keywork.relationships.models import OPEN_STATUSES, Relationship, Status
from keywork.relationships.selectors import caseload_for_worker
from keywork.signals import text
from keywork.signals.charts import HEIGHT, PAD_B, PAD_L, PAD_R, PAD_T, WIDTH, Chart, Line
from keywork.signals.models import Alert, Pattern, RelationshipState
from keywork.signals.selectors import AlertView, alert_shown, describe


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


ALERT_PRIORITY = ("client_drop", "client_low", "gap_widening", "worker_low_early",
                  "no_contact", "client_initiated_only", "no_checkin", "client_ceiling")
"""The order in which alerts call for action, most pressing first. The client's own view
falling or low comes first (it is the rating most closely tied to staying in treatment),
then a worker who sees the relationship better than the client, an early low rating by the
worker, the worker's absence, and last the gaps in the record. Codes not listed come after."""


def alert_importance(alert: Alert) -> tuple[int, int, dt.datetime, int]:
    """Sort key: open before acknowledged, then ``ALERT_PRIORITY``, then the oldest."""
    rank = (ALERT_PRIORITY.index(alert.code) if alert.code in ALERT_PRIORITY
            else len(ALERT_PRIORITY))
    return (int(alert.status != Alert.Status.OPEN), rank, alert.raised_at, alert.pk)


# --- Keyworker: my caseload -----------------------------------------------------------------


class IntroState:
    DONE = "done"
    INCOMPLETE = "incomplete"
    MISSING = "missing"


CHECKIN_DAYS = 28
"""A relationship without a client check-in for this many days is offered one: about a
month, the window the signal engine reads recent check-ins over."""


class NextKind:
    ALERT = "alert"
    INTRODUCTION = "introduction"
    CONTACT = "contact"
    CHECKIN = "checkin"


@dataclass(frozen=True)
class NextStep:
    kind: str  # NextKind
    text: str
    alert: Alert | None = None


@dataclass
class CaseloadRow:
    relationship: Relationship
    is_deputy: bool
    last_contact: dt.datetime | None
    days_since: int | None
    overdue: bool
    intro: str
    waived: bool
    shown: str | None = None  # what the worker sees of the client's check-ins
    state: RelationshipState | None = None  # only when ``shown``
    alerts: list[AlertView] = field(default_factory=list)
    last_client_checkin: dt.datetime | None = None
    next_step: NextStep | None = None

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
    def open_alerts(self) -> int:
        return sum(1 for a in self.alerts if a.alert.status == Alert.Status.OPEN)

    @property
    def attention(self) -> int:
        return int(self.overdue) + int(self.intro != IntroState.DONE) + int(self.open_alerts > 0)


def next_step(row: CaseloadRow, now: dt.datetime) -> NextStep:
    """What to do next with one relationship: the suggested step of its most important
    visible alert; otherwise record the introduction, make contact when it is overdue,
    offer a check-in when the client has not given one for ``CHECKIN_DAYS`` days, and
    otherwise keep in contact."""
    if row.alerts:
        first = row.alerts[0]
        if first.next_step:
            return NextStep(NextKind.ALERT, first.next_step, first.alert)
    if row.intro != IntroState.DONE:
        return NextStep(NextKind.INTRODUCTION, _("Record the introduction"))
    if row.overdue:
        return NextStep(NextKind.CONTACT, _("Log a contact"))
    recent = now - dt.timedelta(days=CHECKIN_DAYS)
    if row.relationship.status != Status.PROPOSED and (
            row.last_client_checkin is None or row.last_client_checkin < recent):
        return NextStep(NextKind.CHECKIN, _("Offer a check-in"))
    return NextStep(NextKind.CONTACT, _("Log a contact"))


def caseload(membership: Membership, *, today: dt.date | None = None) -> list[CaseloadRow]:
    """The open relationships this person key-works or covers, what needs attention first,
    each with its pattern (where the client shares it), its open alerts and a next step.

    A fixed number of queries for any caseload: the relationships with their last attended
    contact and last client check-in (subqueries), introduction and signal state (joins);
    the policy and the sharing choices; the open alerts.
    """
    now = timezone.now()
    today = today or timezone.localdate(now)
    gap = membership.organisation.contact_gap_days
    last_checkin = Subquery(
        CheckinResponse.objects.filter(relationship=OuterRef("pk"), rater=Rater.CLIENT)
        .order_by("-submitted_at").values("submitted_at")[:1])
    rels = list(
        caseload_for_worker(membership.user)
        .filter(status__in=OPEN_STATUSES)
        .select_related("introduction", "signal_state")
        .annotate(last_contact=_last_attended_contact(relationship=OuterRef("pk")),
                  last_client_checkin=last_checkin)
    )
    seen = feedback_shown(membership, rels, figures=True)
    shown = {pk: s.checkins for pk, s in seen.items()}
    alerts: dict[int, list[Alert]] = defaultdict(list)
    if rels:
        for alert in (Alert.objects.filter(organisation_id=membership.organisation_id,
                                           relationship_id__in=[r.pk for r in rels])
                      .exclude(status=Alert.Status.RESOLVED)):
            if alert_shown(alert, shown[alert.relationship_id], worker=True):
                alerts[alert.relationship_id].append(alert)
    rows = []
    for rel in rels:
        last = rel.last_contact
        days = _days_since(last, today)
        since_start = (today - (rel.started_on or rel.proposed_on)).days
        intro = getattr(rel, "introduction", None)
        state = (IntroState.MISSING if intro is None
                 else IntroState.DONE if intro.is_complete else IntroState.INCOMPLETE)
        for alert in alerts[rel.pk]:
            alert.relationship = rel  # describe() and the page need no further query
        row = CaseloadRow(
            relationship=rel,
            is_deputy=rel.deputy_id == membership.user.pk,
            last_contact=last,
            days_since=days,
            overdue=(days > gap) if days is not None else since_start > gap,
            intro=state,
            waived=bool(rel.introduction_waiver),
            shown=shown[rel.pk],
            state=getattr(rel, "signal_state", None) if shown[rel.pk] else None,
            alerts=[describe(a, seen[rel.pk].figures)
                    for a in sorted(alerts[rel.pk], key=alert_importance)],
            last_client_checkin=rel.last_client_checkin,
        )
        row.next_step = next_step(row, now)
        rows.append(row)
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
                        today: dt.date | None = None, audit: bool = True
                        ) -> list[UnitOverview]:
    """Per unit the supervisor is responsible for: open episodes, caseloads, relationships
    without an introduction, clients without contact for ``days`` days, proposals waiting
    and personal-device contacts to review. Seven queries, whatever the size. With
    ``audit=False`` the caller audits the clients shown (``overview_clients``)."""
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


# --- Supervisor: patterns by worker, the alert queue, changed patterns -------------------

PATTERN_ORDER = (Pattern.FRIENDLY, Pattern.POLITE, Pattern.AMBIVALENT, Pattern.UNKNOWN)
"""The patterns in the order the pages show them. A relationship the engine has not
evaluated yet counts as "not enough check-ins yet"."""

EVALUATED_STATUSES = (Status.ACTIVE, Status.ENDING)
CHANGED_DAYS = 30
"""Pattern changes newer than this many days are listed for the supervisor."""

PRIVATE = "private"
QUEUE_STATUSES = (Alert.Status.OPEN, Alert.Status.ACKNOWLEDGED)
QUEUE_LIMIT = 200


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


def _pattern(code: str | None) -> str:
    return code or Pattern.UNKNOWN.value


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
        key = _pattern(row["signal_state__pattern"])
        worker.counts[key] = worker.counts.get(key, 0) + row["n"]
    if private:
        for row in (rels.filter(pk__in=private).values("keyworker_id")
                    .annotate(n=Count("id")).order_by()):
            rows.setdefault(row["keyworker_id"], WorkerPatterns(name="")).private += row["n"]
    names = _names(rows)
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
            age_days=_days_since(alert.raised_at, today) or 0))
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


def supervisor_page(membership: Membership, *, days: int, alert_status: str = "",
                    alert_code: str = "", parts: frozenset[str] = SUPERVISOR_PARTS,
                    today: dt.date | None = None) -> SupervisorPage:
    """The parts of the supervisor's page that are asked for, audited as one list naming
    every client shown. A fixed number of queries, whatever the size of the units."""
    page = SupervisorPage()
    ids = list(membership.units.filter(organisation_id=membership.organisation_id)
               .values_list("pk", flat=True))
    if "units" in parts:
        page.units = supervisor_overview(membership, days=days, today=today, audit=False)
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


# --- Manager: figures only, no names ------------------------------------------------------


@dataclass
class Bar:
    label: str
    value: float
    percent: float = 0.0
    coerced: bool = False
    kind: str = ""  # a pattern code: the bar takes the pattern's colour


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
class PatternShare:
    code: str
    label: str
    n: int
    share: int | None  # per cent of the active relationships


def pattern_distribution(organisation: Organisation) -> list[PatternShare]:
    """Active relationships by pattern, with shares. One grouped query."""
    counts: dict[str, int] = defaultdict(int)
    for row in (Relationship.objects.filter(organisation=organisation, status=Status.ACTIVE)
                .values("signal_state__pattern").annotate(n=Count("id")).order_by()):
        counts[_pattern(row["signal_state__pattern"])] += row["n"]
    total = sum(counts.values())
    return [PatternShare(code=p.value, label=str(p.label), n=counts[p.value],
                         share=round(100 * counts[p.value] / total) if total else None)
            for p in PATTERN_ORDER]


@dataclass
class Completion:
    unit: str
    relationships: int
    with_client: int
    with_worker: int

    @property
    def client_share(self) -> int | None:
        return round(100 * self.with_client / self.relationships) if self.relationships else None

    @property
    def worker_share(self) -> int | None:
        return round(100 * self.with_worker / self.relationships) if self.relationships else None


def checkin_completion(organisation: Organisation, *, now: dt.datetime
                       ) -> tuple[list[Completion], Completion]:
    """Per unit and in all: active relationships, and how many had a client check-in and a
    keyworker check-in in the last ``CHECKIN_DAYS`` days. Two queries."""
    since = now - dt.timedelta(days=CHECKIN_DAYS)
    recent = Q(checkins__submitted_at__gte=since, checkins__submitted_at__lte=now)
    by_unit = {
        r["episode__unit_id"]: r for r in
        Relationship.objects.filter(organisation=organisation, status=Status.ACTIVE)
        .values("episode__unit_id").annotate(
            n=Count("id", distinct=True),
            client=Count("id", distinct=True, filter=recent & Q(checkins__rater=Rater.CLIENT)),
            worker=Count("id", distinct=True,
                         filter=recent & Q(checkins__rater=Rater.KEYWORKER)),
        ).order_by()
    }
    rows = []
    for unit in Unit.objects.filter(organisation=organisation).order_by("name"):
        r = by_unit.get(unit.pk, {})
        rows.append(Completion(unit=unit.name, relationships=r.get("n", 0),
                               with_client=r.get("client", 0), with_worker=r.get("worker", 0)))
    total = Completion(unit=_("All units"), relationships=sum(c.relationships for c in rows),
                       with_client=sum(c.with_client for c in rows),
                       with_worker=sum(c.with_worker for c in rows))
    return rows, total


TREND_MONTHS = 12


@dataclass
class MonthMean:
    month: dt.date
    client: float | None = None
    client_n: int = 0
    worker: float | None = None
    worker_n: int = 0


def _month_start(day: dt.date, back: int = 0) -> dt.date:
    index = day.year * 12 + day.month - 1 - back
    return dt.date(index // 12, index % 12 + 1, 1)


def rating_trends(organisation: Organisation, *, now: dt.datetime) -> list[MonthMean]:
    """The monthly mean of the client's and of the keyworker's overall rating over the last
    ``TREND_MONTHS`` months, this month included. One grouped query."""
    first = _month_start(timezone.localdate(now), TREND_MONTHS - 1)
    start = timezone.make_aware(dt.datetime.combine(first, dt.time.min))
    months = {_month_start(first, -i): MonthMean(month=_month_start(first, -i))
              for i in range(TREND_MONTHS)}
    for row in (CheckinResponse.objects.filter(
            organisation=organisation, rater__in=(Rater.CLIENT, Rater.KEYWORKER),
            overall__isnull=False, submitted_at__gte=start, submitted_at__lte=now)
            .annotate(month=TruncMonth("submitted_at")).values("month", "rater")
            .annotate(mean=Avg("overall"), n=Count("id")).order_by()):
        month = row["month"]
        day = timezone.localtime(month).date() if isinstance(month, dt.datetime) else month
        cell = months.get(day)
        if cell is None:
            continue
        mean = round(float(row["mean"]), 1)
        if row["rater"] == Rater.CLIENT:
            cell.client, cell.client_n = mean, row["n"]
        else:
            cell.worker, cell.worker_n = mean, row["n"]
    return [months[k] for k in sorted(months)]


def month_chart(months: list[MonthMean]) -> Chart | None:
    """The two monthly means as a line chart on a 0–100 axis, one step per month (the same
    geometry as the dyad charts, so ``signals/_chart.html`` draws it)."""
    if not any(m.client is not None or m.worker is not None for m in months):
        return None
    step = (WIDTH - PAD_L - PAD_R) / max(len(months) - 1, 1)

    def y(value: float) -> float:
        return round(PAD_T + (100 - value) * (HEIGHT - PAD_T - PAD_B) / 100, 1)

    def line(values: list[float | None]) -> Line:
        dots = [(round(PAD_L + i * step, 1), y(v),
                 f"{dateformat.format(months[i].month, 'M Y')}: {v:.0f}",
                 round(PAD_L + i * step - 3, 1), round(y(v) - 3, 1))
                for i, v in enumerate(values) if v is not None]
        return Line(points=" ".join(f"{d[0]},{d[1]}" for d in dots), dots=dots)

    ticks = [(round(PAD_L + i * step, 1), dateformat.format(m.month, "M"))
             for i, m in enumerate(months) if i % 3 == 0 or i == len(months) - 1]
    return Chart(WIDTH, HEIGHT, line([m.client for m in months]),
                 line([m.worker for m in months]), [(y(v), v) for v in (0, 50, 100)], ticks)


QUALITY_LOW_BELOW = 50.0
"""A client's mean overall rating below this is a low-rated relationship: more bad than
good on a 0–100 scale whose middle is 50 (the signal engine's ``low_below``)."""

QUALITY_HIGH_AT_LEAST = 70.0
"""A mean of at least this is a high-rated relationship, "7 of 10" on every side (the
signal engine's ``warm_at_least``). Between the two is middling."""

MIN_CELL = 5
"""A completion rate is shown only when at least this many episodes stand behind it: fewer
say little, and a small cell could point to a person."""

QUALITY_BANDS = (
    ("low", gettext_lazy("Low (below 50)")),
    ("middling", gettext_lazy("Middling (50 to 69)")),
    ("high", gettext_lazy("High (70 or more)")),
    ("none", gettext_lazy("No client check-ins")),
)


@dataclass
class QualityCell:
    n: int = 0
    completed: int = 0

    @property
    def enough(self) -> bool:
        return self.n >= MIN_CELL

    @property
    def rate(self) -> int | None:
        """Completed episodes in per cent, or None when the cell is too small."""
        return round(100 * self.completed / self.n) if self.enough else None


@dataclass
class QualityBand:
    band: str
    label: str
    coerced: QualityCell
    voluntary: QualityCell

    @property
    def rated(self) -> bool:
        return self.band != "none"


def quality_and_completion(organisation: Organisation, *, today: dt.date
                           ) -> list[QualityBand]:
    """Episodes that ended in the last 365 days, completed or dropped out, by the band of
    the client's mean overall rating over the episode (every client check-in with an
    overall score, across the episode's relationships) and by whether the legal basis puts
    the client under formal power: how many, and how many completed. One grouped query."""
    mean = Subquery(
        CheckinResponse.objects.filter(relationship__episode_id=OuterRef("pk"),
                                       rater=Rater.CLIENT, overall__isnull=False)
        .order_by().values("relationship__episode_id").annotate(m=Avg("overall"))
        .values("m")[:1])
    band = Case(
        When(mean__lt=QUALITY_LOW_BELOW, then=Value("low")),
        When(mean__lt=QUALITY_HIGH_AT_LEAST, then=Value("middling")),
        When(mean__gte=QUALITY_HIGH_AT_LEAST, then=Value("high")),
        default=Value("none"),
    )
    cells = {key: {True: QualityCell(), False: QualityCell()} for key, _l in QUALITY_BANDS}
    for row in (Episode.objects.filter(
            organisation=organisation, end_date__gte=today - dt.timedelta(days=365),
            end_date__lte=today,
            outcome__in=(Episode.Outcome.COMPLETED, Episode.Outcome.DROPPED_OUT))
            .annotate(mean=mean).annotate(band=band)
            .values("band", "legal_basis__is_coerced")
            .annotate(n=Count("id"),
                      completed=Count("id", filter=Q(outcome=Episode.Outcome.COMPLETED)))
            .order_by()):
        cell = cells[row["band"]][bool(row["legal_basis__is_coerced"])]
        cell.n, cell.completed = row["n"], row["completed"]
    return [QualityBand(band=key, label=str(label), coerced=cells[key][True],
                        voluntary=cells[key][False]) for key, label in QUALITY_BANDS]


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
    patterns: list[PatternShare] = field(default_factory=list)
    pattern_bars: list[Bar] = field(default_factory=list)
    completion: list[Completion] = field(default_factory=list)
    completion_total: Completion | None = None
    trends: list[MonthMean] = field(default_factory=list)
    trend_chart: Chart | None = None
    quality: list[QualityBand] = field(default_factory=list)

    @property
    def active_relationships(self) -> int:
        return sum(p.n for p in self.patterns)


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

    patterns = pattern_distribution(organisation)
    completion, completion_total = checkin_completion(organisation, now=now)
    trends = rating_trends(organisation, now=now)

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
        patterns=patterns,
        pattern_bars=scale([Bar(label=p.label, value=p.n, kind=p.code) for p in patterns]),
        completion=completion,
        completion_total=completion_total,
        trends=trends,
        trend_chart=month_chart(trends),
        quality=quality_and_completion(organisation, today=today),
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
