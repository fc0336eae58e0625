"""The manager's page: figures over the whole service for a period the manager picks, never
a client's name.

A fixed number of grouped queries, however many clients the service has; each query reads
only the rows of the period (contacts and check-ins by ``occurred_at``/``submitted_at``,
episodes by their dates). The page keeps the figures of one organisation, period and
language for ``KEYWORK_FIGURES_CACHE_SECONDS`` (``manager_figures_cached``), so a manager
moving between pages does not aggregate the same contacts again."""

from __future__ import annotations

import datetime as dt
import pickle
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db.models import Avg, Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import TruncMonth
from django.utils import dateformat, timezone, translation
from django.utils.translation import gettext as _

from keywork.checkins.models import CheckinResponse, Rater
from keywork.clients.models import Episode
from keywork.contacts.models import Contact, Initiator, Kind
from keywork.dashboards.models import Target
from keywork.dashboards.selectors.common import PATTERN_ORDER, pattern_code, user_names
from keywork.domain import figures
from keywork.domain import targets as target_rules
from keywork.domain.periods import Period, months_of
from keywork.domain.signals import SignalConfig
from keywork.organisations.models import Membership, Organisation, Role, Unit
from keywork.relationships.models import OPEN_STATUSES, Relationship, Status
from keywork.signals.charts import HEIGHT, PAD_B, PAD_L, PAD_R, PAD_T, WIDTH, Chart, Line
from keywork.signals.settings import config_for

CASELOAD_ROWS = 25
"""Caseloads the page lists against their limit, those furthest over it first; the export
has every one."""


def _bounds(period: Period) -> tuple[dt.datetime, dt.datetime]:
    """The period as aware datetimes: from its first midnight to the midnight after it."""
    start = timezone.make_aware(dt.datetime.combine(period.start, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(period.end + dt.timedelta(days=1),
                                                  dt.time.min))
    return start, end


def _in_care(organisation: Organisation, period: Period) -> QuerySet[Episode]:
    """Episodes open at some time in the period."""
    return Episode.objects.filter(organisation=organisation, start_date__lte=period.end).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=period.start))


def _active_during(organisation: Organisation, period: Period) -> QuerySet[Relationship]:
    """Relationships active (or ending) at some time in the period."""
    start, _end = _bounds(period)
    return Relationship.objects.filter(
        organisation=organisation, started_on__isnull=False, started_on__lte=period.end,
    ).filter(Q(closed_at__isnull=True) | Q(closed_at__gte=start))


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


@dataclass
class ContactRates:
    """Contacts in one unit (or all) over the period."""

    unit: str
    clients: int
    contacts: int  # attended
    planned: int
    everyday: int
    not_attended: int
    planned_booked: int
    client_started_n: int
    weeks: float

    @property
    def rate(self) -> float | None:
        """Attended contacts per client in care per week."""
        if not self.clients or not self.weeks:
            return None
        return round(self.contacts / self.clients / self.weeks, 2)

    @property
    def did_not_attend(self) -> int | None:
        """Share of planned sessions the client did not attend, in per cent."""
        if not self.planned_booked:
            return None
        return round(100 * self.not_attended / self.planned_booked)

    @property
    def client_started(self) -> int | None:
        return round(100 * self.client_started_n / self.contacts) if self.contacts else None


def contact_rates(organisation: Organisation, period: Period, units: list[Unit]
                  ) -> tuple[list[ContactRates], ContactRates]:
    """Per unit and in all: clients in care in the period and their contacts in it. Two
    grouped queries; the contacts are read by ``(organisation, occurred_at)``."""
    start, end = _bounds(period)
    clients = {r["unit_id"]: r["n"] for r in _in_care(organisation, period)
               .values("unit_id").annotate(n=Count("client", distinct=True)).order_by()}
    every_client = _in_care(organisation, period).values("client").distinct().count()
    attended = Q(attended=True)
    contacts = {
        r["relationship__episode__unit_id"]: r for r in
        Contact.objects.filter(organisation=organisation, occurred_at__gte=start,
                               occurred_at__lt=end)
        .values("relationship__episode__unit_id").annotate(
            n=Count("id", filter=attended),
            planned=Count("id", filter=attended & Q(kind=Kind.SESSION)),
            everyday=Count("id", filter=attended & Q(kind=Kind.EVERYDAY)),
            booked=Count("id", filter=Q(kind=Kind.SESSION)),
            dna=Count("id", filter=Q(kind=Kind.SESSION, attended=False)),
            by_client=Count("id", filter=attended & Q(initiated_by=Initiator.CLIENT)),
        ).order_by()
    }
    rows = []
    for unit in units:
        k = contacts.get(unit.pk, {})
        rows.append(ContactRates(
            unit=unit.name, clients=clients.get(unit.pk, 0), contacts=k.get("n", 0),
            planned=k.get("planned", 0), everyday=k.get("everyday", 0),
            not_attended=k.get("dna", 0), planned_booked=k.get("booked", 0),
            client_started_n=k.get("by_client", 0), weeks=period.weeks))
    total = ContactRates(
        unit=_("All units"), clients=every_client,
        contacts=sum(r.contacts for r in rows), planned=sum(r.planned for r in rows),
        everyday=sum(r.everyday for r in rows),
        not_attended=sum(r.not_attended for r in rows),
        planned_booked=sum(r.planned_booked for r in rows),
        client_started_n=sum(r.client_started_n for r in rows), weeks=period.weeks)
    return rows, total


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
    """Relationships active now, by the latest pattern the engine found. The engine keeps no
    earlier pattern, so this figure is of today whatever the period. One grouped query."""
    counts: dict[str, int] = defaultdict(int)
    for row in (Relationship.objects.filter(organisation=organisation, status=Status.ACTIVE)
                .values("signal_state__pattern").annotate(n=Count("id")).order_by()):
        counts[pattern_code(row["signal_state__pattern"])] += row["n"]
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


def checkin_completion(organisation: Organisation, period: Period, units: list[Unit]
                       ) -> tuple[list[Completion], Completion]:
    """Per unit and in all: relationships active at some time in the period, and how many
    had a client check-in and a keyworker check-in in it. One query."""
    start, end = _bounds(period)
    recent = Q(checkins__submitted_at__gte=start, checkins__submitted_at__lt=end)
    by_unit = {
        r["episode__unit_id"]: r for r in
        _active_during(organisation, period)
        .values("episode__unit_id").annotate(
            n=Count("id", distinct=True),
            client=Count("id", distinct=True, filter=recent & Q(checkins__rater=Rater.CLIENT)),
            worker=Count("id", distinct=True,
                         filter=recent & Q(checkins__rater=Rater.KEYWORKER)),
        ).order_by()
    }
    rows = []
    for unit in units:
        r = by_unit.get(unit.pk, {})
        rows.append(Completion(unit=unit.name, relationships=r.get("n", 0),
                               with_client=r.get("client", 0), with_worker=r.get("worker", 0)))
    total = Completion(unit=_("All units"), relationships=sum(c.relationships for c in rows),
                       with_client=sum(c.with_client for c in rows),
                       with_worker=sum(c.with_worker for c in rows))
    return rows, total


@dataclass
class MonthMean:
    month: dt.date
    client: float | None = None
    client_n: int = 0
    worker: float | None = None
    worker_n: int = 0
    client_sum: float = 0.0  # the sum of the client ratings, for the mean over the period


def rating_trends(organisation: Organisation, period: Period) -> list[MonthMean]:
    """The monthly mean of the client's and of the keyworker's overall rating, for every
    calendar month the period touches (check-ins inside the period only). One grouped
    query."""
    start, end = _bounds(period)
    months = {m: MonthMean(month=m) for m in months_of(period)}
    for row in (CheckinResponse.objects.filter(
            organisation=organisation, rater__in=(Rater.CLIENT, Rater.KEYWORKER),
            overall__isnull=False, submitted_at__gte=start, submitted_at__lt=end)
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
            cell.client_sum = float(row["mean"]) * row["n"]
        else:
            cell.worker, cell.worker_n = mean, row["n"]
    return [months[k] for k in sorted(months)]


def month_chart(months: list[MonthMean]) -> Chart | None:
    """The two monthly means as a line chart on a 0–100 axis, one step per month (the same
    geometry as the dyad charts, so ``signals/_chart.html`` draws it)."""
    if not any(m.client is not None or m.worker is not None for m in months):
        return None
    step = (WIDTH - PAD_L - PAD_R) / max(len(months) - 1, 1)
    every = max(1, (len(months) + 3) // 4)

    def y(value: float) -> float:
        return round(PAD_T + (100 - value) * (HEIGHT - PAD_T - PAD_B) / 100, 1)

    def line(values: list[float | None]) -> Line:
        dots = [(round(PAD_L + i * step, 1), y(v),
                 f"{dateformat.format(months[i].month, 'M Y')}: {v:.0f}",
                 round(PAD_L + i * step - 3, 1), round(y(v) - 3, 1))
                for i, v in enumerate(values) if v is not None]
        return Line(points=" ".join(f"{d[0]},{d[1]}" for d in dots), dots=dots)

    ticks = [(round(PAD_L + i * step, 1), dateformat.format(m.month, "M"))
             for i, m in enumerate(months) if i % every == 0 or i == len(months) - 1]
    return Chart(WIDTH, HEIGHT, line([m.client for m in months]),
                 line([m.worker for m in months]), [(y(v), v) for v in (0, 50, 100)], ticks)


def _number(value: float) -> str:
    return f"{value:g}"


def quality_labels(config: SignalConfig) -> dict[str, str]:
    """Each band of the client's mean rating in words, with the organisation's own
    thresholds."""
    low, high = config.low_below, config.warm_at_least
    if float(low).is_integer() and float(high).is_integer():
        middling = _("Middling (%(low)s to %(top)s)") % {
            "low": _number(low), "top": _number(high - 1)}
    else:
        middling = _("Middling (%(low)s to below %(high)s)") % {
            "low": _number(low), "high": _number(high)}
    return {
        figures.LOW: _("Low (below %(low)s)") % {"low": _number(low)},
        figures.MIDDLING: middling,
        figures.HIGH: _("High (%(high)s or more)") % {"high": _number(high)},
        figures.UNRATED: _("No client check-ins"),
    }


@dataclass
class QualityCell:
    n: int = 0
    completed: int = 0

    @property
    def enough(self) -> bool:
        return not figures.too_small(self.n)

    @property
    def rate(self) -> int | None:
        """Completed episodes in per cent, or None when the cell is too small."""
        return figures.share(self.completed, self.n)


@dataclass
class QualityBand:
    band: str
    label: str
    coerced: QualityCell
    voluntary: QualityCell

    @property
    def rated(self) -> bool:
        return self.band != figures.UNRATED


def quality_and_completion(organisation: Organisation, period: Period) -> list[QualityBand]:
    """Episodes that ended in the period, completed or dropped out, by the band of the
    client's mean overall rating over the episode (every client check-in with an overall
    score, across the episode's relationships; the bands follow the organisation's signal
    thresholds) and by whether the legal basis puts the client under formal power: how
    many, and how many completed. One query."""
    config = config_for(organisation.pk)
    mean = Subquery(
        CheckinResponse.objects.filter(relationship__episode_id=OuterRef("pk"),
                                       rater=Rater.CLIENT, overall__isnull=False)
        .order_by().values("relationship__episode_id").annotate(m=Avg("overall"))
        .values("m")[:1])
    rows = list(Episode.objects.filter(
        organisation=organisation, end_date__gte=period.start, end_date__lte=period.end,
        outcome__in=(Episode.Outcome.COMPLETED, Episode.Outcome.DROPPED_OUT))
        .annotate(mean=mean).values_list("mean", "legal_basis__is_coerced", "outcome")
        .order_by())
    bands = figures.quality_band(
        [None if m is None else float(m) for m, _c, _o in rows],
        low_below=config.low_below, high_at_least=config.warm_at_least)
    counts = figures.band_counts(
        bands, [bool(c) for _m, c, _o in rows],
        [o == Episode.Outcome.COMPLETED for _m, _c, o in rows])
    labels = quality_labels(config)
    return [QualityBand(band=key, label=labels[key],
                        coerced=QualityCell(*counts[(key, True)]),
                        voluntary=QualityCell(*counts[(key, False)]))
            for key in figures.QUALITY_BANDS]


@dataclass
class Caseload:
    """One keyworker's open relationships in one unit on the last day of the period,
    against the unit's caseload limit."""

    worker: str
    unit: str
    n: int
    limit: int

    @property
    def over(self) -> int:
        """How many relationships above the limit (0 at or below it)."""
        return max(0, self.n - self.limit)

    @property
    def over_limit(self) -> bool:
        return self.n > self.limit

    @property
    def at_limit(self) -> bool:
        return self.n == self.limit

    @property
    def load(self) -> int | None:
        """The caseload as a share of the limit, in per cent."""
        return round(100 * self.n / self.limit) if self.limit else None


def caseloads(organisation: Organisation, period: Period, units: list[Unit]
              ) -> tuple[dict[int, int], list[Caseload]]:
    """Open relationships on the last day of the period: per keyworker in all (every
    active keyworker counts, with none too), and per keyworker and unit against the
    unit's limit, furthest over it first. Four queries."""
    _start, end = _bounds(period)
    open_then = Relationship.objects.filter(
        organisation=organisation, proposed_on__lte=period.end,
    ).filter(Q(closed_at__isnull=True) | Q(closed_at__gte=end))
    if period.end >= timezone.localdate():
        open_then = open_then.filter(status__in=OPEN_STATUSES)
    load: dict[tuple[int, int], int] = {}
    for unit_id, user_id, n in (open_then.values("episode__unit_id", "keyworker_id")
                                .annotate(n=Count("id"))
                                .values_list("episode__unit_id", "keyworker_id", "n")
                                .order_by()):
        load[(unit_id, user_id)] = n
    staff = Membership.units.through.objects.filter(
        unit__organisation=organisation, membership__organisation=organisation,
        membership__is_active=True, membership__role=Role.KEYWORKER,
    ).values_list("unit_id", "membership__user_id")
    for unit_id, user_id in staff:
        load.setdefault((unit_id, user_id), 0)  # nothing yet still counts
    sizes: dict[int, int] = defaultdict(int)
    for (_unit_id, user_id), n in load.items():
        sizes[user_id] += n
    for user_id in Membership.objects.filter(organisation=organisation, is_active=True,
                                             role=Role.KEYWORKER).values_list("user_id",
                                                                              flat=True):
        sizes.setdefault(user_id, 0)  # a keyworker in no unit yet
    names = user_names(user_id for _unit, user_id in load)
    by_unit = {u.pk: u for u in units}
    rows = [Caseload(worker=names.get(user_id, "?"), unit=by_unit[unit_id].name, n=n,
                     limit=int(by_unit[unit_id].caseload_limit))
            for (unit_id, user_id), n in load.items() if unit_id in by_unit]
    rows.sort(key=lambda c: (-(c.n - c.limit), -c.n, c.worker, c.unit))
    return dict(sizes), rows


SECTION_TARGETS = {
    "caseloads": (target_rules.OVER_LIMIT,),
    "contacts": (target_rules.CONTACTS_PER_WEEK, target_rules.DID_NOT_ATTEND,
                 target_rules.CLIENT_STARTED),
    "outcomes": (target_rules.COMPLETED_SHARE,),
    "checkins": (target_rules.CLIENT_CHECKINS, target_rules.WORKER_CHECKINS),
    "ratings": (target_rules.CLIENT_RATING,),
}
"""Where on the page each figure's target is shown: beside the figure's table."""

PERCENT_FIGURES = frozenset({
    target_rules.DID_NOT_ATTEND, target_rules.CLIENT_STARTED, target_rules.CLIENT_CHECKINS,
    target_rules.WORKER_CHECKINS, target_rules.COMPLETED_SHARE})


@dataclass
class TargetState:
    """A figure's target beside the figure over the period."""

    key: str
    label: str
    direction: str
    target: float
    value: float | None
    met: bool | None

    @property
    def percent(self) -> bool:
        return self.key in PERCENT_FIGURES

    @property
    def at_least(self) -> bool:
        return self.direction == target_rules.AT_LEAST


@dataclass
class ManagerFigures:
    period: Period
    computed_at: dt.datetime
    by_legal_basis: list[Bar]
    caseload_buckets: list[Bar]
    caseload_mean: float | None
    caseload_median: float | None
    caseload_max: int | None
    keyworkers: int
    caseload_rows: list[Caseload]
    contact_rates: list[ContactRates]
    contact_total: ContactRates
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

    @property
    def over_limit(self) -> list[Caseload]:
        return [c for c in self.caseload_rows if c.over_limit]

    @property
    def caseloads_shown(self) -> list[Caseload]:
        return self.caseload_rows[:CASELOAD_ROWS]

    @property
    def caseloads_left_off(self) -> int:
        return max(0, len(self.caseload_rows) - CASELOAD_ROWS)

    @property
    def outcomes_completed_share(self) -> int | None:
        total = sum(o.total for o in self.outcomes)
        return round(100 * sum(o.completed for o in self.outcomes) / total) if total else None

    @property
    def client_rating(self) -> float | None:
        """The mean of every client overall rating in the period."""
        n = sum(m.client_n for m in self.trends)
        return round(sum(m.client_sum for m in self.trends) / n, 1) if n else None

    def figure(self, key: str) -> float | None:
        """The service-wide value of a figure a target may be set for."""
        total = self.completion_total
        values: dict[str, float | None] = {
            target_rules.CONTACTS_PER_WEEK: self.contact_total.rate,
            target_rules.DID_NOT_ATTEND: self.contact_total.did_not_attend,
            target_rules.CLIENT_STARTED: self.contact_total.client_started,
            target_rules.CLIENT_CHECKINS: total.client_share if total else None,
            target_rules.WORKER_CHECKINS: total.worker_share if total else None,
            target_rules.COMPLETED_SHARE: self.outcomes_completed_share,
            target_rules.CLIENT_RATING: self.client_rating,
            target_rules.OVER_LIMIT: len(self.over_limit),
        }
        return values[key]


def manager_figures(organisation: Organisation, period: Period) -> ManagerFigures:
    """Every figure of the manager's page over ``period``. A fixed number of queries."""
    units = list(Unit.objects.filter(organisation=organisation).order_by("name"))

    by_basis = [
        Bar(label=r["legal_basis__name"], value=r["n"], coerced=r["legal_basis__is_coerced"])
        for r in _in_care(organisation, period)
        .values("legal_basis__name", "legal_basis__is_coerced", "legal_basis__order")
        .annotate(n=Count("client", distinct=True))
        .order_by("legal_basis__order", "legal_basis__name")
    ]

    sizes, rows = caseloads(organisation, period, units)
    values = sorted(sizes.values())
    buckets = [Bar(label=label, value=n) for (_low, _high, label), n
               in zip(figures.CASELOAD_BUCKETS, figures.caseload_buckets(values), strict=True)]

    rates, rate_total = contact_rates(organisation, period, units)
    completion, completion_total = checkin_completion(organisation, period, units)
    trends = rating_trends(organisation, period)

    outcomes = [
        Outcomes(legal_basis=r["legal_basis__name"], coerced=r["legal_basis__is_coerced"],
                 completed=r["completed"], dropped_out=r["dropped"], other=r["other"])
        for r in Episode.objects.filter(organisation=organisation,
                                        end_date__gte=period.start, end_date__lte=period.end)
        .values("legal_basis__name", "legal_basis__is_coerced", "legal_basis__order")
        .annotate(
            completed=Count("id", filter=Q(outcome=Episode.Outcome.COMPLETED)),
            dropped=Count("id", filter=Q(outcome=Episode.Outcome.DROPPED_OUT)),
            other=Count("id", filter=~Q(outcome__in=(Episode.Outcome.COMPLETED,
                                                     Episode.Outcome.DROPPED_OUT))),
        ).order_by("legal_basis__order", "legal_basis__name")
    ]
    patterns = pattern_distribution(organisation)
    return ManagerFigures(
        period=period,
        computed_at=timezone.now(),
        by_legal_basis=scale(by_basis),
        caseload_buckets=scale(buckets),
        caseload_mean=round(statistics.fmean(values), 1) if values else None,
        caseload_median=statistics.median(values) if values else None,
        caseload_max=max(values) if values else None,
        keyworkers=len(values),
        caseload_rows=rows,
        contact_rates=rates,
        contact_total=rate_total,
        contact_bars=scale([Bar(label=r.unit, value=r.rate or 0) for r in rates]),
        outcomes=outcomes,
        patterns=patterns,
        pattern_bars=scale([Bar(label=p.label, value=p.n, kind=p.code) for p in patterns]),
        completion=completion,
        completion_total=completion_total,
        trends=trends,
        trend_chart=month_chart(trends),
        quality=quality_and_completion(organisation, period),
    )


FIGURES_VERSION = 1
"""Part of the cache key: raise it when ``ManagerFigures`` changes shape, so figures kept by
an earlier version are not read back."""


def _cache_key(organisation: Organisation, period: Period) -> str:
    return (f"dashboards:manager:v{FIGURES_VERSION}:{organisation.pk}:"
            f"{period.start:%Y%m%d}:{period.end:%Y%m%d}:{translation.get_language()}")


def manager_figures_cached(organisation: Organisation, period: Period) -> ManagerFigures:
    """``manager_figures``, kept for ``KEYWORK_FIGURES_CACHE_SECONDS`` per organisation,
    period and language (the figures carry words); 0 keeps nothing. ``keywork
    count_figures`` counts the presets ahead of the first request."""
    if settings.KEYWORK_FIGURES_CACHE_SECONDS <= 0:
        return manager_figures(organisation, period)
    try:
        found = cache.get(_cache_key(organisation, period))
    except (AttributeError, ImportError, TypeError, EOFError, pickle.UnpicklingError):
        found = None  # kept by another version of the code: count again
    if isinstance(found, ManagerFigures):
        return found
    return manager_figures_store(organisation, period)


def manager_figures_store(organisation: Organisation, period: Period) -> ManagerFigures:
    """Count the figures of ``period`` now and keep them (in the active language)."""
    computed = manager_figures(organisation, period)
    seconds = settings.KEYWORK_FIGURES_CACHE_SECONDS
    if seconds > 0:
        cache.set(_cache_key(organisation, period), computed, seconds)
    return computed


def targets_for_organisation(organisation_id: int) -> dict[str, Decimal]:
    """The organisation's targets by figure key; a figure without a target is missing."""
    return dict(Target.objects.filter(organisation_id=organisation_id)
                .values_list("figure", "value"))


def target_states(f: ManagerFigures, stored: dict[str, Decimal]) -> dict[str, TargetState]:
    """Each figure that has a target: its value over the period and whether it meets it."""
    from_choices = dict(target_labels())
    out = {}
    for figure in target_rules.FIGURES:
        if figure.key not in stored:
            continue
        target = float(stored[figure.key])
        value = f.figure(figure.key)
        out[figure.key] = TargetState(
            key=figure.key, label=from_choices[figure.key], direction=figure.direction,
            target=target, value=value,
            met=target_rules.met(value, direction=figure.direction, target=target))
    return out


def targets_by_section(states: dict[str, TargetState]) -> dict[str, list[TargetState]]:
    """The targets set, grouped by the section of the page that shows their figure."""
    return {section: [states[k] for k in keys if k in states]
            for section, keys in SECTION_TARGETS.items()}


def target_labels() -> list[tuple[str, str]]:
    """Each figure a target may be set for, in the page's order, in words."""
    return [(k, str(v)) for k, v in Target.Figure.choices]
