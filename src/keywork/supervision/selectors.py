"""Reads of supervision: who may open a session, the agenda sources this app owns, and
the lists on the supervision pages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from keywork.accounts.models import User
from keywork.audit.services import audit_record
from keywork.checkins.selectors import Shown, feedback_shown
from keywork.clients.selectors import clients_for_membership
from keywork.core.errors import AccessDenied
from keywork.core.matters import LOW, MEDIUM, Scope, claimed_alert_codes
from keywork.core.matters import Matter as Item
from keywork.domain.visibility import SHOWN_WORDS
from keywork.organisations.models import Membership, Role
from keywork.organisations.selectors import active_membership, unit_ids
from keywork.relationships.models import OPEN_STATUSES, Relationship
from keywork.signals.models import Alert, Pattern, RelationshipState
from keywork.signals.selectors import alert_shown, describe
from keywork.signals.text import FROM_CLIENT_RATINGS
from keywork.supervision.models import Action, AgendaItem, Session

# With no earlier session, the first agenda looks back this far for changed patterns.
FIRST_LOOKBACK_DAYS = 90


# --- who supervises whom ----------------------------------------------------------------------


def supervised_workers(membership: Membership | None) -> QuerySet[User]:
    """The keyworkers this supervisor supervises: active keyworkers of the organisation who
    work in at least one of the units the supervisor is responsible for."""
    if membership is None or membership.role != Role.SUPERVISOR:
        return User.objects.none()
    return (User.objects.filter(
        memberships__organisation_id=membership.organisation_id,
        memberships__is_active=True, memberships__role=Role.KEYWORKER,
        memberships__units__in=unit_ids(membership), is_active=True)
        .exclude(pk=membership.user_id).distinct()
        .order_by("first_name", "last_name", "username"))


def supervises_worker(membership: Membership | None, worker_id: int) -> bool:
    return supervised_workers(membership).filter(pk=worker_id).exists()


def worker_membership(*, organisation_id: int, worker_id: int) -> Membership | None:
    return (Membership.objects.filter(organisation_id=organisation_id, user_id=worker_id,
                                      is_active=True)
            .select_related("organisation", "user").prefetch_related("units").first())


# --- the one accessor -------------------------------------------------------------------------


def get_session_for_user(*, user: Any, pk: int, write: bool = False,
                         audit_view: bool = False, as_worker: bool = False) -> Session:
    """Read: the worker whose session it is, and the worker's supervisors. Write (the
    supervisor's part: agenda, notes, decisions, actions, signing): the worker's
    supervisors only. ``as_worker`` (the worker's reflection): the worker alone. Managers
    never open a session (they see counts). Reads and refusals are audited."""
    membership = active_membership(user)
    session = None
    if membership is not None:
        session = (Session.objects.select_related("supervisor", "worker", "signed_by")
                   .filter(pk=pk, organisation_id=membership.organisation_id).first()
                   if isinstance(pk, int) else None)
    allowed = False
    if session is not None and membership is not None:
        is_supervisor = supervises_worker(membership, session.worker_id)
        allowed = is_supervisor if write else (is_supervisor or session.worker_id == user.pk)
    if not allowed:
        audit_record(actor=user, action="denied", role=membership.role if membership else "",
                     organisation_id=membership.organisation_id if membership else None,
                     object_type="session", object_id=str(pk)[:40])
        raise AccessDenied("This supervision session is not open to you.")
    assert session is not None
    assert membership is not None
    if as_worker and session.worker_id != user.pk:
        raise AccessDenied("The reflection is the worker's own.")
    if not write or audit_view:
        audit_record(actor=user, action="view", role=membership.role,
                     organisation_id=session.organisation_id, obj=session,
                     detail=f"supervision of user {session.worker_id}")
    return session


def get_action_for_user(*, user: Any, pk: int) -> Action:
    """An action may be marked done by its owner or by the worker's supervisors."""
    membership = active_membership(user)
    action = None
    if membership is not None and isinstance(pk, int):
        action = (Action.objects.select_related("session", "owner")
                  .filter(pk=pk, organisation_id=membership.organisation_id).first())
    if action is None or not (action.owner_id == user.pk or supervises_worker(
            membership, action.session.worker_id)):
        audit_record(actor=user, action="denied", role=membership.role if membership else "",
                     organisation_id=membership.organisation_id if membership else None,
                     object_type="action", object_id=str(pk)[:40])
        raise AccessDenied("This action is not open to you.")
    return action


# --- what a page shows ------------------------------------------------------------------------


@dataclass(frozen=True)
class ShownItem:
    item: AgendaItem
    visible: bool   # False: the viewer may not open the client; only a placeholder shows


def items_for_viewer(session: Session, membership: Membership) -> list[ShownItem]:
    """The session's agenda as this person may see it. Items about a client the viewer
    may not open now are shown as a placeholder; the worker never sees items marked for
    the supervisor only. The clients shown are audited as one list."""
    items = list(session.items.select_related("client", "relationship", "added_by")
                 .prefetch_related("actions__owner", "actions__done_by"))
    if membership.user_id == session.worker_id and not supervises_worker(
            membership, session.worker_id):
        items = [i for i in items if not i.supervisor_only]
    client_ids = {i.client_id for i in items if i.client_id is not None}
    open_ids = set(clients_for_membership(membership).filter(pk__in=client_ids)
                   .values_list("pk", flat=True)) if client_ids else set()
    shown = [ShownItem(item=i, visible=i.client_id is None or i.client_id in open_ids)
             for i in items]
    seen = sorted({i.item.client_id for i in shown if i.visible and i.item.client_id})
    if seen:
        audit_record(actor=membership.user, action="list", role=membership.role,
                     organisation_id=session.organisation_id,
                     detail=f"supervision agenda {session.pk}: "
                     + ",".join(str(c) for c in seen[:60]))
    return shown


def shown_item(item: AgendaItem, membership: Membership) -> ShownItem:
    """One agenda item as this person may see it (a placeholder when the client is not
    open to them); the client shown is audited."""
    visible = item.client_id is None or clients_for_membership(membership).filter(
        pk=item.client_id).exists()
    if visible and item.client_id is not None:
        audit_record(actor=membership.user, action="view", role=membership.role,
                     organisation_id=item.organisation_id, client_id=item.client_id,
                     obj=item, detail=f"supervision agenda {item.session_id}")
    return ShownItem(item=item, visible=visible)


def sessions_for_worker(*, organisation_id: int, worker_id: int) -> QuerySet[Session]:
    return (Session.objects.filter(organisation_id=organisation_id, worker_id=worker_id)
            .select_related("supervisor", "worker").order_by("-held_on", "-id"))


def sessions_for_supervisor(membership: Membership) -> QuerySet[Session]:
    """Sessions with the workers this supervisor supervises, whoever held them."""
    return (Session.objects.filter(organisation_id=membership.organisation_id,
                                   worker__in=supervised_workers(membership))
            .select_related("supervisor", "worker").order_by("-held_on", "-id"))


def open_actions_for(user: Any, organisation_id: int) -> QuerySet[Action]:
    """The actions a person owns that are not done yet, earliest due first."""
    return (Action.objects.filter(organisation_id=organisation_id, owner=user,
                                  done_at__isnull=True)
            .select_related("owner", "session", "session__worker", "session__supervisor")
            .order_by("due_on", "id"))


@dataclass(frozen=True)
class SupervisionCounts:
    sessions_past_year: int
    signed: int
    unsigned: int
    workers_seen: int
    open_actions: int
    overdue_actions: int


def counts_for_organisation(organisation_id: int) -> SupervisionCounts:
    """Figures only, for managers: no names, no notes."""
    today = timezone.localdate()
    year = Session.objects.filter(organisation_id=organisation_id,
                                  held_on__gte=today - dt.timedelta(days=365),
                                  held_on__lte=today)
    totals = year.aggregate(n=Count("id"), signed=Count("id", filter=Q(signed_at__isnull=False)),
                            workers=Count("worker", distinct=True))
    actions = Action.objects.filter(organisation_id=organisation_id, done_at__isnull=True)
    return SupervisionCounts(
        sessions_past_year=totals["n"], signed=totals["signed"],
        unsigned=totals["n"] - totals["signed"], workers_seen=totals["workers"],
        open_actions=actions.count(), overdue_actions=actions.filter(due_on__lt=today).count())


def last_session_before(*, organisation_id: int, worker_id: int) -> Session | None:
    return (Session.objects.filter(organisation_id=organisation_id, worker_id=worker_id)
            .order_by("-created_at", "-id").first())


# --- the agenda sources this app owns ------------------------------------------------------


def _workers_relationships(scope: Scope) -> QuerySet[Relationship]:
    return Relationship.objects.filter(organisation_id=scope.organisation_id,
                                       keyworker_id__in=scope.worker_ids,
                                       status__in=OPEN_STATUSES)


def _worker_memberships(scope: Scope) -> dict[int, Membership]:
    if not scope.worker_copy:
        return {}
    return {m.user_id: m for m in Membership.objects.filter(
        organisation_id=scope.organisation_id, user_id__in=scope.worker_ids, is_active=True)
        .select_related("organisation", "user")}


def _shown_by_worker(workers: dict[int, Membership], rels: list[Relationship], *,
                     figures: bool) -> dict[int, Shown]:
    """What each relationship's own keyworker sees of it (for the worker's copy)."""
    found: dict[int, Shown] = {}
    for worker_id, worker in workers.items():
        mine = [r for r in rels if r.keyworker_id == worker_id]
        if mine:
            found.update(feedback_shown(worker, mine, figures=figures))
    return found


def _cause(rel_id: int, when: dt.datetime | None) -> str:
    """What the engine found about one relationship on one day is one cause."""
    day = timezone.localtime(when).date().isoformat() if when else ""
    return f"engine:{rel_id}:{day}"


def alert_items(scope: Scope) -> list[Item]:
    """The workers' unresolved alerts, from the signal engine and from every other app that
    raises alerts into the same queue (except the codes an app brings as its own matter).
    Alerts the viewer may not see are left out; in the worker's copy, those the worker may
    not see (they reveal the client's ratings) are for the supervisor only. A fixed number
    of queries for any number of alerts."""
    alerts = list(Alert.objects.filter(organisation_id=scope.organisation_id,
                                       relationship__in=_workers_relationships(scope))
                  .exclude(status=Alert.Status.RESOLVED)
                  .exclude(code__in=claimed_alert_codes())
                  .select_related("relationship", "relationship__episode")
                  .order_by("raised_at", "id"))
    rels = list({a.relationship_id: a.relationship for a in alerts}.values())
    viewer_shown = feedback_shown(scope.viewer, rels, figures=True) if (
        scope.viewer is not None and rels) else {}
    workers = _worker_memberships(scope)
    worker_shown = _shown_by_worker(workers, rels, figures=True)
    items = []
    for alert in alerts:
        rel = alert.relationship
        seen = viewer_shown.get(rel.pk)
        if scope.viewer is not None and (seen is None or not alert_shown(
                alert, seen.checkins, worker=seen.worker)):
            continue
        own = worker_shown.get(rel.pk)
        for_worker = own is not None and alert_shown(alert, own.checkins, worker=own.worker)
        # Worded for every reader of the stored item: without the client's numbers when
        # one of them may not see those (the supervisor finds them behind the link).
        levels = [s.figures for s in (own if for_worker else None, seen) if s is not None]
        level: str | None = "all"
        if alert.code in FROM_CLIENT_RATINGS and levels:
            level = min(levels, key=SHOWN_WORDS.index)
        view = describe(alert, level)
        from_ratings = alert.code in FROM_CLIENT_RATINGS
        items.append(Item(
            source="signals", kind="alert", title=view.title, detail=view.reason,
            url=reverse("signals:alert", kwargs={"pk": alert.pk}), relationship_id=rel.pk,
            client_id=alert.client_id, ref=f"alert:{alert.pk}",
            priority=20 if alert.status == Alert.Status.OPEN else 30,
            supervisor_only=scope.worker_copy and not for_worker,
            severity=MEDIUM, severity_key="alert_rating" if from_ratings else "alert",
            cause=_cause(rel.pk, alert.raised_at) if alert.source == "signals" else "",
            since=alert.raised_at, action=view.next_step))
    return items


def pattern_items(scope: Scope) -> list[Item]:
    """The workers' relationships whose pattern changed since ``since``. A pattern comes
    from the client's ratings: the viewer who may not see them is not shown it, and in the
    worker's copy it is for the supervisor only where the worker may not see them."""
    states = list(RelationshipState.objects.filter(
        organisation_id=scope.organisation_id,
        relationship__in=_workers_relationships(scope),
        pattern_since__gt=scope.since)
        .pattern_changed()
        .select_related("relationship", "relationship__episode")
        .order_by("pattern_since", "id"))
    rels = [s.relationship for s in states]
    viewer_shown = feedback_shown(scope.viewer, rels) if (
        scope.viewer is not None and rels) else {}
    worker_shown = _shown_by_worker(_worker_memberships(scope), rels, figures=False)
    labels = dict(Pattern.choices)
    items = []
    for state in states:
        rel = state.relationship
        if scope.viewer is not None and viewer_shown[rel.pk].checkins is None:
            continue
        own = worker_shown.get(rel.pk)
        items.append(Item(
            source="signals", kind="pattern_changed",
            title=_("The relationship pattern changed"),
            detail=_("From “%(before)s” to “%(now)s” on %(date)s.") % {
                "before": labels.get(state.previous_pattern, state.previous_pattern),
                "now": labels.get(state.pattern, state.pattern),
                "date": timezone.localtime(state.pattern_since).date().isoformat()
                if state.pattern_since else "—"},
            url=reverse("signals:dyad", kwargs={"pk": rel.pk}), relationship_id=rel.pk,
            client_id=rel.client_id,
            ref=f"pattern:{rel.pk}:{state.pattern_since:%Y%m%d%H%M%S}"
            if state.pattern_since else f"pattern:{rel.pk}",
            priority=25 if state.pattern == Pattern.AMBIVALENT else 40,
            supervisor_only=scope.worker_copy and (own is None or own.checkins is None),
            severity=MEDIUM if state.pattern == Pattern.AMBIVALENT else LOW,
            cause=_cause(rel.pk, state.pattern_since), since=state.pattern_since,
            action=_("Look at both sides' view of the relationship and talk it through.")))
    return items
