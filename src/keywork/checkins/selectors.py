"""Reads of check-ins: instruments, links, what each person may see, the client's history.

Who sees a check-in (``get_checkin_for_user``):

- A client's check-in: the relationship's keyworker and deputy see what the most private
  of the organisation's policy now, the client's current choice (``keyworker_visibility``)
  and the choice the client gave with that check-in allows: everything ("scores"), only
  the relationship pattern and the trend ("pattern"), or nothing. So a client can always
  share less later, and a wider choice never opens a check-in given with a narrower one.
  The pattern and the trend follow the policy and the current choice alone
  (``Shown.checkins``); the client's figures in the engine's facts and alerts are
  shown only where every check-in of the client in the relationship was shared in full
  (``Shown.figures``). The rule is ``keywork.domain.visibility.seen``; ``feedback_shown``
  feeds it many relationships at once, ``relationship_feedback_shown`` one. A supervisor
  of the client's unit sees everything, unless that supervisor is the keyworker or deputy
  of the relationship: then the client's choices apply to them too.
- A keyworker's check-in: its author and the supervisors of the client's unit.
- Nobody else: managers, administrators and researchers see figures elsewhere, never a
  single check-in.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from keywork.audit.services import audit_record
from keywork.checkins import hooks
from keywork.checkins.models import (
    VISIBILITY_ORDER,
    CheckinLink,
    CheckinPolicy,
    CheckinResponse,
    InstrumentVersion,
    PrivateComment,
    Rater,
    SharingChoice,
    Visibility,
)
from keywork.clients.selectors import get_client_for_user
from keywork.core.errors import AccessDenied
from keywork.domain import visibility
from keywork.domain.instruments import (
    DIMENSIONS,
    ESTIMATE_PREFIX,
    Instrument,
    instrument_from_dict,
)
from keywork.domain.visibility import Level, Viewer
from keywork.organisations.models import Membership, Organisation, Role
from keywork.organisations.selectors import active_membership, unit_ids
from keywork.relationships.models import Relationship
from keywork.relationships.selectors import get_relationship_for_user

CLIENT_SHORT = "checkin-client-short"
KEYWORKER_SHORT = "checkin-keyworker-short"
KEYWORKER_MONTHLY = "checkin-keyworker-monthly"

DIMENSION_LABELS = {
    "match": gettext_lazy("Match"),
    "presence": gettext_lazy("Presence"),
    "personal_professional": gettext_lazy("Personal but professional"),
    "cooperation": gettext_lazy("Trustful cooperation"),
    "flexible_support": gettext_lazy("Flexible, many-sided support"),
    "role_clarity": gettext_lazy("Role clarity"),
    "confirmed_power": gettext_lazy("Confirmed power"),
}
SCORE_FIELDS = {d: f"score_{d}" for d in DIMENSIONS}

# --- instruments ------------------------------------------------------------------------------

_INSTRUMENTS: dict[tuple[int, str], Instrument] = {}
_CACHE_SIZE = 64


def domain_instrument(version: InstrumentVersion) -> Instrument:
    """The pure instrument of a stored version, built once per version and digest."""
    key = (version.pk, version.digest)
    found = _INSTRUMENTS.get(key)
    if found is None:
        found = instrument_from_dict(version.definition)
        if len(_INSTRUMENTS) >= _CACHE_SIZE:
            _INSTRUMENTS.clear()
        _INSTRUMENTS[key] = found
    return found


def current_version(code: str) -> InstrumentVersion | None:
    """The highest loaded version of an instrument, or None if it is not loaded."""
    return (InstrumentVersion.objects.select_related("instrument")
            .filter(instrument__code=code).order_by("-version").first())


def _current_forms(rater: str, default: str) -> list[InstrumentVersion]:
    """The current version of every form of one rater, the default one first (locally
    loaded forms, such as a licensed published one, are offered beside the shipped ones)."""
    latest: dict[str, InstrumentVersion] = {}
    for version in (InstrumentVersion.objects.select_related("instrument")
                    .filter(instrument__rater=rater).order_by("-version")):
        latest.setdefault(version.instrument.code, version)
    return sorted(latest.values(), key=lambda v: (v.instrument.code != default,
                                                  v.instrument.code))


def client_forms() -> list[InstrumentVersion]:
    """Every form the client answers, the short weekly one first."""
    return _current_forms(Rater.CLIENT, CLIENT_SHORT)


def keyworker_forms() -> list[InstrumentVersion]:
    """Every form the keyworker gives of their own view, the short one first."""
    return _current_forms(Rater.KEYWORKER, KEYWORKER_SHORT)


def form_language(instrument: Instrument, language: str) -> str:
    """The language to show a form in: the one asked for if the form has it."""
    if language in instrument.languages:
        return language
    return "en" if "en" in instrument.languages else instrument.languages[0]


# --- policy and the client's choice ---------------------------------------------------------


# The client check-ins given with less than everything: never shown in full to the
# keyworker, whatever the client chooses later.
WITHHELD_FROM_KEYWORKER = Q(rater=Rater.CLIENT, visibility__in=[
    level.code for level in Level if level < Level.SCORES])


# Set on the relationship and organisation that ``link_for_token`` loaded together with
# the policy and the client's choice, for the one request that uses them.
LOADED_WITH_LINK = "_loaded_with_link"


def preloaded(instance: Any, name: str) -> tuple[bool, Any]:
    """A reverse one-to-one row loaded together with ``instance`` by ``link_for_token``:
    (True, the row or None when there is none). Only there: on any other object the cache
    may be older than the database (a row deleted since), so the row is read again."""
    if not instance.__dict__.get(LOADED_WITH_LINK):
        return False, None
    descriptor = getattr(type(instance), name)
    if not descriptor.is_cached(instance):
        return False, None
    row = descriptor.related.get_cached_value(instance)
    if row is not None and row.pk is None:
        return False, None
    return True, row


def policy_of(organisation: Organisation) -> CheckinPolicy:
    """The organisation's policy; the defaults (not saved) when it has none yet."""
    loaded, policy = preloaded(organisation, "checkin_policy")
    if loaded:
        # Known to have none: the defaults, left off the organisation so that it keeps
        # saying so.
        return policy or CheckinPolicy(organisation_id=organisation.pk)
    policy = CheckinPolicy.objects.filter(organisation=organisation).first()
    return policy or CheckinPolicy(organisation=organisation)


def sharing_choice(relationship: Relationship) -> SharingChoice | None:
    """The client's stored choice for this relationship, if they made one."""
    loaded, choice = preloaded(relationship, "sharing_choice")
    if not loaded:
        choice = SharingChoice.objects.filter(relationship=relationship).first()
    return choice


def sharing_choice_of(relationship: Relationship) -> str | None:
    loaded, choice = preloaded(relationship, "sharing_choice")
    if loaded:
        return choice.visibility if choice is not None else None
    return (SharingChoice.objects.filter(relationship=relationship)
            .values_list("visibility", flat=True).first())


def keyworker_visibility(relationship: Relationship) -> Visibility:
    """What the keyworker and deputy see of the client's check-ins now, whoever asks: the
    rule of ``keywork.domain.visibility`` for a worker, by the organisation's policy and
    the client's current choice."""
    level = visibility.seen_one(
        Viewer.WORKER, policy_of(relationship.organisation).keyworker_visibility,
        sharing_choice_of(relationship))
    return Visibility(level.code)


def sharing_options(relationship: Relationship) -> list[tuple[str, str]]:
    """The choices a client is offered, most private first, capped by the policy."""
    cap = Level.of(policy_of(relationship.organisation).keyworker_visibility)
    labels = {
        Visibility.SCORES: _("My answers, the pattern and how it changes"),
        Visibility.PATTERN: _("Only the overall pattern and how it changes"),
        Visibility.NOTHING: _("Nothing"),
    }
    return [(v.value, str(labels[v])) for v in VISIBILITY_ORDER if Level.of(v) <= cap]


def sharing_default(relationship: Relationship) -> str:
    return sharing_choice_of(relationship) or str(
        policy_of(relationship.organisation).keyworker_visibility)


# --- links ------------------------------------------------------------------------------------


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def link_for_token(token: str) -> CheckinLink | None:
    """The link a token opens, or None. Only digests are stored and compared. One query
    brings what the client's pages and a submission need: the relationship, its client
    and organisation, the organisation's policy, the client's sharing choice and the
    form. (Each table joined costs planning time on every request: the form's instrument
    row is left out, its rater is in the form's definition.)"""
    if not token or len(token) > 200:
        return None
    digest = token_digest(token)
    # The digest is unique: no ORDER BY or LIMIT, which would multiply the plans
    # PostgreSQL weighs for this join on every request.
    found = list(CheckinLink.objects.select_related(
        "relationship", "relationship__client", "relationship__organisation",
        "relationship__organisation__checkin_policy", "relationship__sharing_choice",
        "instrument_version", *hooks.link_loads)
        .filter(token_digest=digest))
    link = found[0] if found else None
    if link is None or not hmac.compare_digest(link.token_digest, digest):
        return None
    link.relationship.__dict__[LOADED_WITH_LINK] = True
    link.relationship.organisation.__dict__[LOADED_WITH_LINK] = True
    return link


def link_is_open(link: CheckinLink) -> bool:
    """Unused, not expired, and its relationship still open."""
    return (link.used_at is None and link.expires_at > timezone.now()
            and link.relationship.is_open)


def history_for_link(link: CheckinLink) -> list[HistoryRow]:
    """The client's own check-ins, shown to whoever holds their link. The read is
    recorded like any other read of client data (without a staff actor)."""
    rows = client_history(link.relationship)
    audit_record(actor=None, action="view", organisation_id=link.organisation_id,
                 client_id=link.relationship.client_id, obj=link,
                 detail="the client's own check-ins, through their link")
    return rows


# --- who sees what ------------------------------------------------------------------------------


def is_worker(user_id: int, relationship: Relationship) -> bool:
    """The relationship's keyworker or deputy."""
    return user_id in (relationship.keyworker_id, relationship.deputy_id)


def supervises(membership: Membership | None, relationship: Relationship) -> bool:
    """A supervisor responsible for the unit of the relationship's episode."""
    return (membership is not None and membership.role == Role.SUPERVISOR
            and relationship.episode.unit_id in unit_ids(membership))


@dataclass(frozen=True)
class Shown:
    """What one person sees of the client's feedback in one relationship, in the words the
    pages use: "all", "pattern" or None (nothing). ``checkins``: the client's check-ins
    now, and the pattern and the trend, which follow them."""

    viewer: Viewer
    policy: Level
    choice: Level | None
    checkins: str | None
    figures_asked: bool = False
    figures_level: str | None = None

    @property
    def worker(self) -> bool:
        """The viewer is the keyworker or the deputy: the client's choices bind them."""
        return self.viewer == Viewer.WORKER

    @property
    def figures(self) -> str | None:
        """How the client's numbers in the engine's facts and alerts reach the viewer: "all"
        (with the numbers), "pattern" (in words without them) or None (not at all). Only
        when asked for (``figures=True``)."""
        if not self.figures_asked:
            raise ValueError("the figures were not asked for")
        return self.figures_level

    def checkin(self, given: str | None) -> str | None:
        """How much the viewer sees of one client check-in given with the choice ``given``
        (None: no choice was recorded with it)."""
        return visibility.seen_one(self.viewer, self.policy, self.choice,
                                   None if given is None else Level.of(given)).shown


def _choices(organisation_id: int, relationships: list[Relationship]) -> dict[int, str]:
    """The clients' current choices, where they made one; those that ``link_for_token``
    loaded with their relationship are not read again."""
    found: dict[int, str] = {}
    ask = []
    for rel in relationships:
        loaded, choice = preloaded(rel, "sharing_choice")
        if not loaded:
            ask.append(rel.pk)
        elif choice is not None:
            found[rel.pk] = choice.visibility
    if ask:
        found.update(SharingChoice.objects.filter(
            organisation_id=organisation_id, relationship_id__in=ask)
            .values_list("relationship_id", "visibility"))
    return found


def feedback_shown(membership: Membership | None, relationships: Iterable[Relationship], *,
                   figures: bool = False) -> dict[int, Shown]:
    """What this person sees of the client's feedback in each relationship (by its id),
    by the rule of ``keywork.domain.visibility``, in at most four queries whatever their
    number: the organisation's policy and the clients' choices (for the relationships the
    person works), the person's units (a supervisor's, for the others; those need
    ``episode``), and with ``figures`` whether any client check-in was given without being
    shared in full (for the relationships the person works and sees in full)."""
    rels = list(relationships)
    user_id = membership.user_id if membership is not None else None
    worked = [r for r in rels if user_id is not None and is_worker(user_id, r)]
    policy = Level.SCORES
    chosen: dict[int, str] = {}
    if membership is not None and worked:
        policy = Level.of(policy_of(membership.organisation).keyworker_visibility)
        chosen = _choices(membership.organisation_id, worked)
    units: set[int] = set()
    if membership is not None and membership.role == Role.SUPERVISOR and len(worked) < len(
            rels):
        units = set(unit_ids(membership))
    worked_ids = {r.pk for r in worked}
    kinds = [Viewer.WORKER if r.pk in worked_ids
             else Viewer.SUPERVISOR if units and r.episode.unit_id in units
             else Viewer.OTHER for r in rels]
    choices = [Level.of(chosen[r.pk]) if r.pk in chosen else None for r in rels]
    levels = visibility.seen(kinds, policy, choices)
    found: list[str | None] = [None] * len(rels)
    if figures and membership is not None:
        full = [r.pk for r, kind, level in zip(rels, kinds, levels, strict=True)
                if kind == Viewer.WORKER and level == Level.SCORES]
        withheld: set[int] = set()
        if full:
            withheld = set(CheckinResponse.objects.filter(
                WITHHELD_FROM_KEYWORKER, organisation_id=membership.organisation_id,
                relationship_id__in=full)
                .order_by().values_list("relationship_id", flat=True).distinct())
        shown = visibility.seen(kinds, policy, choices,
                                withheld=[r.pk in withheld for r in rels])
        found = [Level(int(v)).shown for v in shown]
    return {r.pk: Shown(viewer=kind, policy=policy, choice=choice,
                        checkins=Level(int(level)).shown, figures_asked=figures,
                        figures_level=fig)
            for r, kind, choice, level, fig in zip(rels, kinds, choices, levels, found,
                                                  strict=True)}


def relationship_feedback_shown(membership: Membership | None, relationship: Relationship,
                                *, figures: bool = False) -> Shown:
    """``feedback_shown`` for one relationship."""
    return feedback_shown(membership, [relationship], figures=figures)[relationship.pk]


def _shown(membership: Membership, response: CheckinResponse) -> str | None:
    if response.rater == Rater.CLIENT:
        return relationship_feedback_shown(membership, response.relationship).checkin(
            response.visibility)
    if response.submitted_by_id == membership.user_id:
        return "all"
    return "all" if supervises(membership, response.relationship) else None


@dataclass(frozen=True)
class CheckinAccess:
    """A check-in and how much of it the viewer may see: ``full`` (answers, scores and
    words) or only the relationship pattern and the trend."""

    response: CheckinResponse
    full: bool


def get_checkin_for_user(*, user: Any, pk: int, purpose: str = "check-in") -> CheckinAccess:
    """The one way to open a check-in. Goes through the client accessor (scope, audit),
    then applies the visibility rules of this module. Raises AccessDenied."""
    membership = active_membership(user)
    response = None
    if membership is not None:
        response = (CheckinResponse.objects.select_related(
            "relationship", "relationship__episode", "relationship__organisation", "client",
            "instrument_version", "instrument_version__instrument", "submitted_by")
            .filter(pk=pk, organisation_id=membership.organisation_id).first())
    shown = _shown(membership, response) if membership and response else None
    if response is None or shown is None:
        audit_record(
            actor=user, action="denied", role=membership.role if membership else "",
            organisation_id=membership.organisation_id if membership else None,
            client_id=response.client_id if response else None,
            object_type="checkinresponse", object_id=str(pk)[:40], detail=purpose[:200],
        )
        raise AccessDenied("This check-in is not open to you.")
    get_client_for_user(user=user, pk=response.client_id, purpose=purpose)
    return CheckinAccess(response=response, full=shown == "all")


# --- what a page shows ---------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None


@dataclass(frozen=True)
class HistoryRow:
    """One of the client's check-ins as the client sees it."""

    response_id: int
    when: Any
    overall: float | None
    dimensions: list[Bar]
    helped: str
    could_be_better: str


def dimension_bars(response: CheckinResponse) -> list[Bar]:
    return [Bar(str(DIMENSION_LABELS[d]), getattr(response, SCORE_FIELDS[d]))
            for d in DIMENSIONS]


def client_history(relationship: Relationship, *, limit: int = 12) -> list[HistoryRow]:
    """The client's own check-ins in this relationship, newest first, with their words."""
    rows = (CheckinResponse.objects.filter(relationship=relationship, rater=Rater.CLIENT)
            .order_by("-submitted_at", "-id")[:limit])
    return [HistoryRow(response_id=r.pk, when=r.submitted_at, overall=r.overall,
                       dimensions=dimension_bars(r), helped=r.helped,
                       could_be_better=r.could_be_better) for r in rows]


TREND_LABELS = {
    "better": gettext_lazy("Better than before"),
    "same": gettext_lazy("About the same as before"),
    "worse": gettext_lazy("Worse than before"),
    "unknown": gettext_lazy("Not enough check-ins yet to tell"),
}


@dataclass(frozen=True)
class Trend:
    """How the client's latest overall rating compares with the few before it. A change
    counts only when it is larger than the reliable change of the form."""

    direction: str  # better | same | worse | unknown
    scored: int

    @property
    def label(self) -> str:
        return str(TREND_LABELS[self.direction])


TREND_EARLIER = 3
# Scored client check-ins needed before a trend is told (the latest and one before it).
TREND_NEEDS = 2


def client_trend(relationship: Relationship) -> Trend:
    rows = list(CheckinResponse.objects.filter(
        relationship=relationship, rater=Rater.CLIENT, overall__isnull=False)
        .select_related("instrument_version").order_by("-submitted_at", "-id")
        [:TREND_EARLIER + 1])
    if len(rows) < TREND_NEEDS:
        return Trend("unknown", len(rows))
    latest, earlier = rows[0], rows[1:]
    assert latest.overall is not None
    before = sum(r.overall or 0.0 for r in earlier) / len(earlier)
    change = latest.overall - before
    # Check-ins of different forms carry different amounts: the largest among those
    # compared decides, as the larger of a pair does in the signal engine's drop alert.
    threshold = max(domain_instrument(r.instrument_version).scoring.reliability.reliable_change
                    for r in rows)
    direction = "better" if change >= threshold else "worse" if change <= -threshold else "same"
    return Trend(direction, len(rows))


@dataclass(frozen=True)
class RelationshipCheckins:
    """What one person sees on a relationship's check-in page."""

    client_shown: str | None  # "all", "pattern" or None
    client_responses: list[CheckinResponse]
    worker_responses: list[CheckinResponse]
    pattern: str
    trend: Trend | None
    visibility: str  # what the keyworker sees, in words
    supervises: bool
    unread_comments: int | None  # None: this person does not read the private comments
    # Client check-ins the viewer may not open because the client gave them with a more
    # private choice than the one in force now.
    withheld: int = 0
    # How many there are of each list in all (asked for with ``counts``; None otherwise),
    # for a page that shows only the latest few.
    client_total: int | None = None
    worker_total: int | None = None


def checkins_for_page(*, membership: Membership, relationship: Relationship,
                      limit: int = 50, counts: bool = False) -> RelationshipCheckins:
    """Only after the relationship accessor (or the client's) has been passed. A fixed
    number of queries whatever the number of check-ins; ``counts`` adds the totals of both
    lists (two more)."""
    shown = relationship_feedback_shown(membership, relationship).checkins
    base = CheckinResponse.objects.filter(relationship=relationship).select_related(
        "submitted_by", "instrument_version__instrument")
    client: list[CheckinResponse] = []
    withheld = 0
    given = base.none()
    if shown == "all":
        given = base.filter(rater=Rater.CLIENT)
        if is_worker(membership.user_id, relationship):
            withheld = given.filter(WITHHELD_FROM_KEYWORKER).count()
            given = given.exclude(WITHHELD_FROM_KEYWORKER)
        client = list(given[:limit])
    is_supervisor = supervises(membership, relationship)
    workers = base.exclude(rater=Rater.CLIENT)
    if not is_supervisor:
        workers = workers.filter(submitted_by_id=membership.user_id)
    private_to_supervisor = is_supervisor and not is_worker(membership.user_id, relationship)
    unread = (PrivateComment.objects.filter(relationship=relationship, read_at__isnull=True)
              .count() if private_to_supervisor else None)
    worker_rows = list(workers[:limit])
    client_total = worker_total = None
    if counts:
        client_total = given.count()
        worker_total = workers.count()
    return RelationshipCheckins(
        client_shown=shown, client_responses=client, worker_responses=worker_rows,
        client_total=client_total, worker_total=worker_total,
        pattern=hooks.pattern_label(relationship) if shown else "",
        trend=client_trend(relationship) if shown else None,
        visibility=str(keyworker_visibility(relationship).label), supervises=is_supervisor,
        unread_comments=unread, withheld=withheld,
    )


def may_read_private_comments(membership: Membership | None, relationship: Relationship
                              ) -> bool:
    """A supervisor of the unit who is not the relationship's keyworker or deputy."""
    return (membership is not None and supervises(membership, relationship)
            and not is_worker(membership.user_id, relationship))


def get_comments_for_user(*, user: Any, pk: int) -> Relationship:
    """The relationship whose client's private comments to the supervisor are opened: a
    supervisor of the unit who is not the relationship's keyworker or deputy. The
    relationship is opened through its accessor (scope and audit)."""
    membership = active_membership(user)
    if membership is None or membership.role != Role.SUPERVISOR:
        raise AccessDenied("The private comments are for the unit's supervisors.")
    relationship = get_relationship_for_user(user=user, pk=pk)
    if not may_read_private_comments(membership, relationship):
        raise AccessDenied("The private comments are for the unit's supervisors.")
    return relationship


def private_comments(relationship: Relationship) -> list[PrivateComment]:
    """Only after ``may_read_private_comments``."""
    return list(PrivateComment.objects.filter(relationship=relationship)
                .select_related("read_by").order_by("-created_at", "-id"))


def dimension_label(dimension: str) -> str:
    """A dimension in words; an estimate says it is the worker's guess at the client's view."""
    if dimension.startswith(ESTIMATE_PREFIX):
        inner = DIMENSION_LABELS.get(dimension.removeprefix(ESTIMATE_PREFIX))
        return _("%(dimension)s, as the client would see it") % {"dimension": inner} \
            if inner is not None else ""
    label = DIMENSION_LABELS.get(dimension)
    return str(label) if label is not None else ""


@dataclass(frozen=True)
class AnswerRow:
    code: str
    text: str
    dimension: str
    value: Any
    scale_max: int | None
    is_free_text: bool


def answer_rows(response: CheckinResponse, language: str) -> list[AnswerRow]:
    """Each question of the form in the viewer's language, with the answer given."""
    instrument = domain_instrument(response.instrument_version)
    lang = form_language(instrument, language)
    rows = []
    for item in instrument.items:
        rows.append(AnswerRow(
            code=item.code, text=item.text[lang], dimension=dimension_label(item.dimension),
            value=response.answers.get(item.code), scale_max=item.scale_max,
            is_free_text=item.is_free_text))
    return rows
