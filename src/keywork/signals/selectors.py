"""Reads of relationship states and alerts, filtered by what each person may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from keywork.audit.services import audit_record
from keywork.checkins.models import CheckinResponse, Rater
from keywork.checkins.selectors import (
    TREND_NEEDS,
    WITHHELD_FROM_KEYWORKER,
    relationship_feedback_shown,
    supervises,
)
from keywork.core.errors import AccessDenied
from keywork.domain.instruments import DIMENSIONS
from keywork.organisations.models import Membership, Role
from keywork.organisations.selectors import active_membership
from keywork.relationships.models import Relationship
from keywork.relationships.selectors import get_relationship_for_user
from keywork.signals import settings as signal_settings
from keywork.signals import text
from keywork.signals.models import Alert, Pattern, RelationshipState


@dataclass(frozen=True)
class AlertView:
    alert: Alert
    title: str
    reason: str
    evidence: str
    next_step: str


def describe(alert: Alert, figures: str | None) -> AlertView:
    """An alert in words for someone to whom the client's figures reach as ``figures``
    says (``checkins.selectors.Shown.figures``; a supervisor of the unit: "all"): with the
    client's numbers only for "all"; otherwise an alert from the client's ratings keeps its
    title and gives its reason without them."""
    facts = alert.facts or {}
    return AlertView(
        alert=alert,
        title=text.alert_title(alert.code),
        reason=text.alert_text(alert.code, facts.get("params", {}),
                               figures=figures == "all"),
        evidence=text.evidence_text(facts.get("evidence", "")),
        next_step=text.next_step_text(facts.get("next_step", "")),
    )


def describe_for(membership: Membership | None, alert: Alert) -> AlertView:
    """An alert in words as this person may read it (after ``get_alert_for_user``)."""
    return describe(alert, relationship_feedback_shown(membership, alert.relationship,
                                                       figures=True).figures)


def alert_shown(alert: Alert, checkins_shown: str | None, *, worker: bool) -> bool:
    """Whether this alert is shown to someone who sees ``checkins_shown`` of the client's
    check-ins ("all", "pattern" or None; the level of the client's figures gives the same
    answer). Alerts that reveal the client's ratings follow the ratings, and the keyworker
    or deputy (``worker``) is not shown one that drew on a check-in the client gave
    without sharing anything (marked ``withheld`` when it was raised). Other alerts are not
    filtered."""
    if alert.code not in text.FROM_CLIENT_RATINGS:
        return True
    if checkins_shown is None:
        return False
    return not (worker and (alert.facts or {}).get("withheld"))


def alert_visible(membership: Membership | None, alert: Alert, relationship: Relationship
                  ) -> bool:
    """Alerts that reveal the client's ratings follow the same rule as the ratings themselves
    (``Shown.checkins``): the unit's supervisors always see them; the keyworker and
    deputy (a supervisor included, when they key-work this client) only as far as the policy
    and the client's choices allow (``alert_shown``). Other alerts are not filtered."""
    if membership is None:
        return False
    shown = relationship_feedback_shown(membership, relationship)
    return alert_shown(alert, shown.checkins, worker=shown.worker)


def get_alert_for_user(*, user: Any, pk: int, write: bool = False,
                       audit_view: bool = False) -> Alert:
    """An alert through its relationship's accessor (scope and audit), then the visibility
    rule. Refusals are audited as refusals of the alert."""
    membership = active_membership(user)
    alert = None
    if membership is not None:
        try:
            alert = Alert.objects.get(pk=pk, organisation_id=membership.organisation_id)
        except (Alert.DoesNotExist, ValueError, TypeError):
            alert = None
    if alert is None:
        _refuse(user, membership, pk)
    assert alert is not None
    rel = get_relationship_for_user(user=user, pk=alert.relationship_id, write=write,
                                    audit_view=audit_view)
    if not alert_visible(membership, alert, rel):
        _refuse(user, membership, pk, client_id=alert.client_id)
    alert.relationship = rel
    return alert


def _refuse(user: Any, membership: Membership | None, pk: Any, client_id: int | None = None
            ) -> None:
    audit_record(actor=user, action="denied", role=membership.role if membership else "",
                 organisation_id=membership.organisation_id if membership else None,
                 client_id=client_id, object_type="alert", object_id=str(pk)[:40])
    raise AccessDenied("This alert is not open to you.")


def open_alerts_for_relationship(relationship: Relationship, figures: str | None, *,
                                 worker: bool) -> list[AlertView]:
    """The unresolved alerts of one relationship that someone to whom the client's figures
    reach as ``figures`` says may see (the rule of ``alert_visible``, worked out once;
    ``worker``: they are its keyworker or deputy), worded for them."""
    qs = (Alert.objects.filter(relationship=relationship)
          .exclude(status=Alert.Status.RESOLVED).order_by("-raised_at"))
    return [describe(a, figures) for a in qs if alert_shown(a, figures, worker=worker)]


def state_of(relationship: Relationship) -> RelationshipState | None:
    return RelationshipState.objects.filter(relationship=relationship).first()


def facts_of(state: RelationshipState | None, figures: str | None
             ) -> list[tuple[bool, str]]:
    """The facts behind a relationship's pattern, in words: with the client's numbers only
    for ``figures`` "all"; otherwise the facts from the client's ratings in their plain
    wording, and those that have none left out."""
    if state is None or figures is None:
        return []
    facts = []
    for f in state.facts:
        said = text.fact_text(f["code"], f.get("params", {}), figures=figures == "all")
        if said is not None:
            facts.append((bool(f.get("decisive")), said))
    return facts


# --- The dyad view --------------------------------------------------------------------------


@dataclass(frozen=True)
class Point:
    day: dt.date
    value: float | None


@dataclass(frozen=True)
class Series:
    key: str
    label: str
    client: list[Point]
    worker: list[Point]


@dataclass(frozen=True)
class DyadRow:
    day: dt.date
    rater: str
    overall: float | None
    dims: list[float | None]
    estimate: float | None
    helped: str
    could_be_better: str


@dataclass(frozen=True)
class Dyad:
    shown: str | None  # "all", "pattern" or None for the client's side
    figures: str | None  # how the client's figures in facts and alerts reach this person
    series: list[Series]
    rows: list[DyadRow]
    state: RelationshipState | None
    facts: list[tuple[bool, str]]


DIM_FIELDS = ["score_" + d for d in DIMENSIONS]


def dyad_for(*, membership: Membership, relationship: Relationship, months: int = 12) -> Dyad:
    """Both sides of one relationship over time, as this person may see them."""
    # A manager sees the keyworker's side only, whatever else they may be.
    manager = membership.role == Role.MANAGER
    seen = relationship_feedback_shown(membership, relationship, figures=not manager)
    shown = None if manager else seen.checkins
    figures = None if manager else seen.figures
    since = timezone.now() - dt.timedelta(days=31 * months)
    qs = (CheckinResponse.objects.filter(relationship=relationship, submitted_at__gte=since,
                                         rater__in=(Rater.CLIENT, Rater.KEYWORKER))
          .order_by("submitted_at", "id"))
    if shown != "all":
        qs = qs.filter(rater=Rater.KEYWORKER)
    elif figures != "all":
        # A keyworker to whom some check-ins were not given in full: only the others.
        qs = qs.exclude(WITHHELD_FROM_KEYWORKER)
    if not supervises(membership, relationship):
        # A worker's own check-ins are theirs and their supervisor's to read.
        qs = qs.exclude(~Q(submitted_by_id=membership.user_id), rater=Rater.KEYWORKER)
    rows: list[DyadRow] = []
    for r in qs.values("submitted_at", "rater", "overall", "estimate_overall", "helped",
                       "could_be_better", *DIM_FIELDS):
        rows.append(DyadRow(
            day=timezone.localtime(r["submitted_at"]).date(), rater=r["rater"],
            overall=r["overall"], dims=[r[f] for f in DIM_FIELDS],
            estimate=r["estimate_overall"], helped=r["helped"],
            could_be_better=r["could_be_better"]))
    labels = [("overall", gettext("overall"))] + [
        (d, str(text.DIMENSION_NAMES[d])) for d in DIMENSIONS]
    series = []
    for j, (key, label) in enumerate(labels):
        def pick(row: DyadRow, j: int = j) -> float | None:
            return row.overall if j == 0 else row.dims[j - 1]
        series.append(Series(
            key=key, label=label,
            client=[Point(r.day, pick(r)) for r in rows if r.rater == Rater.CLIENT],
            worker=[Point(r.day, pick(r)) for r in rows if r.rater == Rater.KEYWORKER]))
    state = state_of(relationship) if shown else None
    return Dyad(shown=shown, figures=figures, series=series, rows=list(reversed(rows)),
                state=state, facts=facts_of(state, figures))


def pattern_label(relationship: Relationship) -> str:
    """The pattern the signal engine last found for the relationship, in words (the check-in
    page shows it through ``checkins.hooks.pattern_label``)."""
    code = (RelationshipState.objects.filter(relationship=relationship)
            .values_list("pattern", flat=True).first()) or Pattern.UNKNOWN
    return str(dict(Pattern.choices).get(code, Pattern.UNKNOWN.label))


# --- The rules that apply to one client --------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """A threshold as it applies to one relationship: the alert it belongs to, its value in
    days and the rule in words (``signals.text.RULES``)."""

    code: str
    days: int
    text: str


def rules_for(relationship: Relationship) -> list[Rule]:
    """When this relationship is flagged for no contact and when a check-in is due, with the
    values of its organisation and, for a client in care under formal power, the shorter
    contact limit. An alert the organisation does not use has no rule. Needs
    ``episode__legal_basis`` (the accessors load it)."""
    cfg = signal_settings.config_for(relationship.organisation_id)
    coerced = bool(relationship.episode.legal_basis.is_coerced)
    rules = []
    if "no_contact" not in cfg.disabled_alerts:
        days = int(cfg.no_contact_limit(coerced))
        if days != cfg.no_contact_days:
            said = text.rule_text("no_contact_coerced", {"days": days,
                                                         "usual": cfg.no_contact_days})
        else:
            said = text.rule_text("no_contact", {"days": days})
        rules.append(Rule("no_contact", days, said))
    if "no_checkin" not in cfg.disabled_alerts:
        rules.append(Rule("no_checkin", cfg.no_checkin_days,
                          text.rule_text("no_checkin", {"days": cfg.no_checkin_days})))
    return rules


def why_both_hold(alerts: list[AlertView], *, pattern_unknown: bool, trend_unknown: bool,
                  organisation_id: int) -> str:
    """Beside "not enough check-ins yet" (for a pattern or a trend) and open alerts about
    the ratings, the reason both are true; "" when nothing needs explaining."""
    if not (pattern_unknown or trend_unknown):
        return ""
    if not any(a.alert.code in text.RATING_ALERTS for a in alerts):
        return ""
    parts = []
    if pattern_unknown:
        needed = signal_settings.config_for(organisation_id).min_checkins_per_side
        parts.append(text.rule_text("pattern_needs", {"needed": needed}))
    if trend_unknown:
        parts.append(text.rule_text("trend_needs", {"needed": TREND_NEEDS}))
    parts.append(text.rule_text("alerts_before_pattern"))
    return " ".join(parts)


def pattern_unknown(state: RelationshipState | None) -> bool:
    return state is None or state.pattern == Pattern.UNKNOWN
