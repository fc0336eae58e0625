"""The manager's page: figures over the whole service, never a name.

A fixed number of grouped queries, however many clients the service has."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Avg, Count, OuterRef, Q, Subquery
from django.db.models.functions import TruncMonth
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _

from keywork.checkins.models import CheckinResponse, Rater
from keywork.clients.models import Episode
from keywork.contacts.models import Contact, Initiator, Kind
from keywork.dashboards.selectors.common import CHECKIN_DAYS, PATTERN_ORDER, pattern_code
from keywork.domain import figures
from keywork.domain.signals import SignalConfig
from keywork.organisations.models import Membership, Organisation, Role, Unit
from keywork.relationships.models import OPEN_STATUSES, Relationship, Status
from keywork.signals.charts import HEIGHT, PAD_B, PAD_L, PAD_R, PAD_T, WIDTH, Chart, Line
from keywork.signals.settings import config_for


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


def quality_and_completion(organisation: Organisation, *, today: dt.date
                           ) -> list[QualityBand]:
    """Episodes that ended in the last 365 days, completed or dropped out, by the band of
    the client's mean overall rating over the episode (every client check-in with an
    overall score, across the episode's relationships; the bands follow the
    organisation's signal thresholds) and by whether the legal basis puts the client under
    formal power: how many, and how many completed. One query."""
    config = config_for(organisation.pk)
    mean = Subquery(
        CheckinResponse.objects.filter(relationship__episode_id=OuterRef("pk"),
                                       rater=Rater.CLIENT, overall__isnull=False)
        .order_by().values("relationship__episode_id").annotate(m=Avg("overall"))
        .values("m")[:1])
    rows = list(Episode.objects.filter(
        organisation=organisation, end_date__gte=today - dt.timedelta(days=365),
        end_date__lte=today,
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
    buckets = [Bar(label=label, value=n) for (_low, _high, label), n
               in zip(figures.CASELOAD_BUCKETS, figures.caseload_buckets(values), strict=True)]

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
