"""The keyworker's page: the caseload, what needs attention first, a next step for each.

A fixed number of queries for any caseload: no query per client or per relationship."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from keywork.checkins.models import CheckinResponse, Rater
from keywork.checkins.selectors import feedback_shown
from keywork.clients.models import Client, Episode
from keywork.clients.selectors import audit_list
from keywork.dashboards.selectors.common import CHECKIN_DAYS, days_since, last_attended_contact
from keywork.organisations.models import Membership
from keywork.relationships.models import OPEN_STATUSES, Relationship, Status
from keywork.relationships.selectors import caseload_for_worker
from keywork.signals.models import Alert, Pattern, RelationshipState
from keywork.signals.selectors import AlertView, alert_shown, describe
from keywork.signals.settings import config_for

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


class IntroState:
    DONE = "done"
    INCOMPLETE = "incomplete"
    MISSING = "missing"


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
    threshold: int = 14  # days without contact after which this client is flagged
    coerced: bool = False  # under a legal basis that gives formal power

    @property
    def pattern_pending(self) -> bool:
        """No pattern named yet although the relationship was evaluated: a pattern needs
        check-ins from both sides, an alert reads single check-ins or contacts."""
        return self.state is not None and self.state.pattern == Pattern.UNKNOWN

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
    # The thresholds of the no-contact alert: the same rule flags the row, so the page and
    # the alert never disagree about when a client has waited too long.
    config = config_for(membership.organisation_id)
    last_checkin = Subquery(
        CheckinResponse.objects.filter(relationship=OuterRef("pk"), rater=Rater.CLIENT)
        .order_by("-submitted_at").values("submitted_at")[:1])
    rels = list(
        caseload_for_worker(membership.user)
        .filter(status__in=OPEN_STATUSES)
        .select_related("introduction", "signal_state")
        .annotate(last_contact=last_attended_contact(relationship=OuterRef("pk")),
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
        days = days_since(last, today)
        since_start = (today - (rel.started_on or rel.proposed_on)).days
        intro = getattr(rel, "introduction", None)
        state = (IntroState.MISSING if intro is None
                 else IntroState.DONE if intro.is_complete else IntroState.INCOMPLETE)
        for alert in alerts[rel.pk]:
            alert.relationship = rel  # describe() and the page need no further query
        coerced = bool(rel.episode.legal_basis.is_coerced)
        gap = config.coerced_no_contact_days if coerced else config.no_contact_days
        row = CaseloadRow(
            relationship=rel,
            is_deputy=rel.deputy_id == membership.user.pk,
            last_contact=last,
            days_since=days,
            overdue=(days >= gap) if days is not None else since_start >= gap,
            intro=state,
            waived=bool(rel.introduction_waiver),
            shown=shown[rel.pk],
            state=getattr(rel, "signal_state", None) if shown[rel.pk] else None,
            alerts=[describe(a, seen[rel.pk].figures)
                    for a in sorted(alerts[rel.pk], key=alert_importance)],
            last_client_checkin=rel.last_client_checkin,
            threshold=gap,
            coerced=coerced,
        )
        row.next_step = next_step(row, now)
        rows.append(row)
    never = 10**6
    rows.sort(key=lambda r: (-r.attention, -(r.days_since if r.days_since is not None
                                             else never), r.client.display_name))
    audit_list(user=membership.user, what="caseload", clients=[r.client.pk for r in rows])
    return rows


@dataclass(frozen=True)
class SharedFacts:
    """What every row of a caseload has in common, said once above the table."""

    unit: str = ""
    legal_basis: str = ""
    coerced: bool | None = None  # every row under formal power (True), none (False), mixed
    status: str = ""
    thresholds: tuple[int, ...] = ()  # the distinct no-contact thresholds, lowest first
    pattern_needs: int = 2  # check-ins from each side before a pattern is named
    pending_beside_alerts: bool = False  # a row without a pattern yet shows alerts


def shared_facts(rows: list[CaseloadRow], organisation_id: int) -> SharedFacts:
    needs = config_for(organisation_id).min_checkins_per_side
    if not rows:
        return SharedFacts(pattern_needs=needs)

    def common(values: list[str]) -> str:
        return values[0] if len(set(values)) == 1 else ""

    coerced = {r.coerced for r in rows}
    return SharedFacts(
        unit=common([r.episode.unit.name for r in rows]),
        legal_basis=common([r.episode.legal_basis.name for r in rows]),
        coerced=coerced.pop() if len(coerced) == 1 else None,
        status=common([r.relationship.get_status_display() for r in rows]),
        thresholds=tuple(sorted({r.threshold for r in rows})),
        pattern_needs=needs,
        pending_beside_alerts=any(r.pattern_pending and r.alerts for r in rows),
    )


CASELOAD_SORTS = ("attention", "name", "contact", "started")
CASELOAD_FILTERS = ("attention", "overdue", "alerts", "formal", "deputy")


def caseload_view(rows: list[CaseloadRow], *, sort: str = "", only: str = ""
                  ) -> list[CaseloadRow]:
    """The rows in the order asked for, narrowed to one kind: no further query."""
    keep = {
        "attention": lambda r: r.attention > 0,
        "overdue": lambda r: r.overdue,
        "alerts": lambda r: bool(r.alerts),
        "formal": lambda r: r.coerced,
        "deputy": lambda r: r.is_deputy,
    }.get(only)
    out = [r for r in rows if keep(r)] if keep else list(rows)
    never = 10**6
    if sort == "name":
        out.sort(key=lambda r: (r.client.display_name.casefold(), r.relationship.pk))
    elif sort == "contact":
        out.sort(key=lambda r: (-(r.days_since if r.days_since is not None else never),
                                r.client.display_name))
    elif sort == "started":
        out.sort(key=lambda r: (r.episode.start_date, r.relationship.pk))
    return out
