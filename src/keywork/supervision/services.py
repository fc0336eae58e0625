"""Writes of supervision: sessions with a stored agenda, notes, decisions, actions, the
worker's reflection, signing and addenda. Each write is audited."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from keywork.audit.services import audit_record
from keywork.clients.selectors import clients_for_membership
from keywork.core.errors import ApplicationError
from keywork.core.matters import matters_gather
from keywork.organisations.models import Membership, Role
from keywork.supervision.models import Action, Addendum, AgendaItem, Kind, Session
from keywork.supervision.selectors import (
    FIRST_LOOKBACK_DAYS,
    last_session_before,
    supervises_worker,
)

SIGNED = gettext_lazy("This session is signed: it can no longer be changed. Add an addendum "
                      "instead.")


def _audit(membership: Membership, obj: object, action: str, detail: str = "") -> None:
    audit_record(actor=membership.user, action=action, role=membership.role,
                 organisation_id=membership.organisation_id, obj=obj, detail=detail)


def _require_supervisor(membership: Membership, session: Session) -> None:
    if not supervises_worker(membership, session.worker_id):
        raise ApplicationError(_("Only the keyworker's supervisors can change this session."))


def _require_unsigned(session: Session) -> None:
    if session.is_signed:
        raise ApplicationError(str(SIGNED))


def _check_text(value: str, limit: int, field: str) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise ApplicationError(_("Keep it to %(limit)s characters.") % {"limit": limit},
                               field=field)
    return value


def store_agenda(session: Session, membership: Membership) -> int:
    """Store the agenda the sources give now, keeping only matters about clients this
    supervisor may open. Returns how many items were stored. The caller audits."""
    gathered, failed = matters_gather(organisation_id=session.organisation_id,
                                     worker_id=session.worker_id, since=session.agenda_since,
                                     viewer=membership)
    client_ids = {i.client_id for i in gathered if i.client_id is not None}
    in_scope = set(clients_for_membership(membership).filter(pk__in=client_ids)
                   .values_list("pk", flat=True)) if client_ids else set()
    existing = set(session.items.exclude(ref="").values_list("ref", flat=True))
    position = session.items.count()
    rows = []
    for item in gathered:
        if item.client_id is not None and item.client_id not in in_scope:
            continue
        if item.ref and item.ref in existing:
            continue
        position += 1
        rows.append(AgendaItem(
            organisation_id=session.organisation_id, session=session, source=item.source[:30],
            kind=item.kind[:40], title=str(item.title)[:300], detail=str(item.detail)[:2000],
            url=item.url[:300], relationship_id=item.relationship_id, client_id=item.client_id,
            due=item.due, ref=item.ref[:80], priority=item.priority, position=position,
            supervisor_only=item.supervisor_only))
    if failed:
        position += 1
        rows.append(AgendaItem(
            organisation_id=session.organisation_id, session=session, source="supervision",
            kind="gathering_failed", position=position, priority=0,
            title=_("Some matters could not be gathered"),
            detail=_("These parts did not answer: %(parts)s. Bring the agenda up to date "
                     "before the session.") % {"parts": ", ".join(failed)}))
    for row in rows:
        row.save()
    return len(rows)


@transaction.atomic
def session_create(*, membership: Membership, worker_id: int, held_on: dt.date,
                   kind: str = Kind.INDIVIDUAL) -> Session:
    """A new session with one keyworker; its agenda is gathered and stored now."""
    if membership.role != Role.SUPERVISOR or not supervises_worker(membership, worker_id):
        raise ApplicationError(_("Choose a keyworker you supervise."), field="worker")
    if kind not in Kind.values:
        raise ApplicationError(_("Choose individual or group supervision."), field="kind")
    previous = last_session_before(organisation_id=membership.organisation_id,
                                   worker_id=worker_id)
    since = (previous.created_at if previous is not None
             else timezone.now() - dt.timedelta(days=FIRST_LOOKBACK_DAYS))
    session = Session.objects.create(
        organisation_id=membership.organisation_id, supervisor=membership.user,
        worker_id=worker_id, held_on=held_on, kind=kind, agenda_since=since,
        created_by=membership.user)
    count = store_agenda(session, membership)
    _audit(membership, session, "create", f"supervision of user {worker_id}, {count} items")
    return session


@transaction.atomic
def session_refresh_agenda(*, membership: Membership, session: Session) -> int:
    """Add matters raised since the agenda was stored; nothing already there changes."""
    _require_supervisor(membership, session)
    _require_unsigned(session)
    count = store_agenda(session, membership)
    _audit(membership, session, "update", f"agenda brought up to date, {count} new items")
    return count


@transaction.atomic
def session_update(*, membership: Membership, session: Session, held_on: dt.date,
                   kind: str, notes: str, decisions: str) -> Session:
    _require_supervisor(membership, session)
    _require_unsigned(session)
    if kind not in Kind.values:
        raise ApplicationError(_("Choose individual or group supervision."), field="kind")
    values = {"held_on": held_on, "kind": kind,
              "notes": _check_text(notes, 8000, "notes"),
              "decisions": _check_text(decisions, 4000, "decisions")}
    changed = [k for k, v in values.items() if getattr(session, k) != v]
    for key in changed:
        setattr(session, key, values[key])
    if changed:
        session.save()
        _audit(membership, session, "update", "changed: " + ", ".join(changed))
    return session


@transaction.atomic
def session_reflect(*, membership: Membership, session: Session, text: str) -> Session:
    """The keyworker's own reflection, written before the session is signed."""
    if session.worker_id != membership.user_id:
        raise ApplicationError(_("Only the keyworker of this session writes the reflection."))
    _require_unsigned(session)
    session.worker_reflection = _check_text(text, 4000, "text")
    session.save()
    _audit(membership, session, "update", "keyworker's reflection")
    return session


@transaction.atomic
def agenda_item_add(*, membership: Membership, session: Session, title: str,
                    detail: str = "") -> AgendaItem:
    _require_supervisor(membership, session)
    _require_unsigned(session)
    title = _check_text(title, 300, "title")
    if not title:
        raise ApplicationError(_("Give the item a title."), field="title")
    item = AgendaItem.objects.create(
        organisation_id=session.organisation_id, session=session, source="supervision",
        kind="own", title=title, detail=_check_text(detail, 2000, "detail"),
        position=session.items.count() + 1, priority=60, added_by=membership.user)
    _audit(membership, item, "create", f"agenda item on session {session.pk}")
    return item


@transaction.atomic
def agenda_item_update(*, membership: Membership, item: AgendaItem, notes: str,
                       decisions: str) -> AgendaItem:
    session = item.session
    _require_supervisor(membership, session)
    _require_unsigned(session)
    item.notes = _check_text(notes, 4000, "notes")
    item.decisions = _check_text(decisions, 2000, "decisions")
    item.save()
    _audit(membership, item, "update", f"notes on agenda item of session {session.pk}")
    return item


def _staff_ids(membership: Membership) -> set[int]:
    return set(Membership.objects.filter(
        organisation_id=membership.organisation_id, is_active=True,
        role__in=(Role.KEYWORKER, Role.SUPERVISOR, Role.MANAGER))
        .values_list("user_id", flat=True))


@transaction.atomic
def action_add(*, membership: Membership, session: Session, text: str, owner_id: int,
               due_on: dt.date, item: AgendaItem | None = None) -> Action:
    _require_supervisor(membership, session)
    _require_unsigned(session)
    text = _check_text(text, 500, "text")
    if not text:
        raise ApplicationError(_("Write what is to be done."), field="text")
    if owner_id not in _staff_ids(membership):
        raise ApplicationError(_("Choose a staff member of the service as the owner."),
                               field="owner")
    if item is not None and item.session_id != session.pk:
        raise ApplicationError(_("That agenda item belongs to another session."), field="item")
    if due_on < session.held_on:
        raise ApplicationError(_("The due date cannot be before the session."),
                               field="due_on")
    action = Action.objects.create(organisation_id=session.organisation_id, session=session,
                                   item=item, text=text, owner_id=owner_id, due_on=due_on)
    _audit(membership, action, "create", f"action on session {session.pk}")
    return action


@transaction.atomic
def action_complete(*, membership: Membership, action: Action, done: bool = True) -> Action:
    """Mark an action done (or not done after all): its owner or the worker's supervisors,
    also after the session is signed."""
    if action.owner_id != membership.user_id and not supervises_worker(
            membership, action.session.worker_id):
        raise ApplicationError(_("Only the owner or a supervisor can mark this action."))
    if done and action.is_done:
        raise ApplicationError(_("This action is already marked done."))
    if not done and not action.is_done:
        raise ApplicationError(_("This action is not marked done."))
    action.done_at = timezone.now() if done else None
    action.done_by = membership.user if done else None
    action.save()
    _audit(membership, action, "update", "done" if done else "not done after all")
    return action


@transaction.atomic
def session_sign(*, membership: Membership, session: Session) -> Session:
    _require_supervisor(membership, session)
    if session.is_signed:
        raise ApplicationError(_("This session is already signed."))
    if session.held_on > timezone.localdate():
        raise ApplicationError(_("A session can be signed on or after the day it is held."))
    session.signed_at = timezone.now()
    session.signed_by = membership.user
    session.save()
    _audit(membership, session, "sign")
    return session


@transaction.atomic
def session_addendum_add(*, membership: Membership, session: Session, text: str
                         ) -> Addendum:
    """After signing, the supervisor or the keyworker may add to the record."""
    if session.worker_id != membership.user_id and not supervises_worker(
            membership, session.worker_id):
        raise ApplicationError(_("Only the keyworker and their supervisors can add to this "
                                 "record."))
    if not session.is_signed:
        raise ApplicationError(_("The session is not signed yet: change it directly."))
    text = _check_text(text, 4000, "text")
    if not text:
        raise ApplicationError(_("Write the addendum."), field="text")
    addendum = Addendum.objects.create(organisation_id=session.organisation_id,
                                       session=session, text=text, author=membership.user)
    _audit(membership, addendum, "create", f"addendum to session {session.pk}")
    return addendum
