"""Evaluating relationships with the signal engine and keeping the alert queue.

``relationship_evaluate`` serves one relationship right after a check-in; ``signals_evaluate_all``
serves every open relationship of every organisation in a bulk job. Both read the database in
bulk (``signals.reader``), run the same vectorised engine (``keywork.domain.signals``) once per
organisation (each has its own thresholds, ``signals.settings``), and write states and new
alerts in bulk through ``signals.store``: one statement for the states and one for the new
alerts per chunk of relationships.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from keywork.audit.services import audit_record
from keywork.core.errors import ApplicationError
from keywork.domain import signals as engine
from keywork.organisations.models import Membership
from keywork.relationships.models import Relationship
from keywork.signals import store
from keywork.signals.models import Alert
from keywork.signals.reader import load_batch, read_stored
from keywork.signals.settings import config_and_problems, loaded_overrides

logger = logging.getLogger(__name__)


def as_of_day(day: dt.date | None = None) -> int:
    return engine.day_number(day or timezone.localdate())


@dataclass(frozen=True)
class EvaluationSummary:
    relationships: int
    patterns: dict[str, int]
    alerts_opened: int
    pattern_changes: int
    # Organisations whose stored settings had invalid keys (organisation id → key → why);
    # those keys were evaluated with their defaults.
    settings_problems: dict[int, dict[str, str]] = field(default_factory=dict)


Progress = Callable[[int], object]


def _evaluate(*, relationship_ids: Sequence[int] | None, organisation_id: int | None,
              day: dt.date | None, overrides: Mapping[int, Any] | None = None,
              progress: Progress | None = None) -> EvaluationSummary:
    loaded = load_batch(as_of_day=as_of_day(day), relationship_ids=relationship_ids,
                        organisation_id=organisation_id,
                        with_stored=relationship_ids is not None)
    batch = loaded.batch
    if batch.n == 0:
        return EvaluationSummary(0, {}, 0, 0)
    now = timezone.now()
    if day is not None and day < timezone.localdate():
        # An evaluation as of an earlier day is stamped as if it had run that day.
        now -= dt.timedelta(days=(timezone.localdate() - day).days)
    known = overrides or {}
    stored = loaded.stored
    if stored is None:
        stored = (read_stored(relationship_ids) if relationship_ids is not None
                  else read_stored(organisation_id=organisation_id))
    opened = changes = 0
    counts: dict[str, int] = {}
    problems: dict[int, dict[str, str]] = {}
    orgs = loaded.organisation_id
    for org_id in (orgs[:1] if batch.n == 1 else np.unique(orgs)):
        if batch.n == 1:
            sub, idx = batch, np.zeros(1, dtype=np.int64)
        else:
            idx = np.flatnonzero(orgs == org_id)
            sub = batch if idx.size == batch.n else engine.select_relationships(batch, idx)
        cfg, found = config_and_problems(int(org_id), known.get(int(org_id)))
        if found:
            problems[int(org_id)] = dict(found)
        result = engine.evaluate(sub, cfg)
        # An organisation's chunks are stored all or none. One chunk needs no transaction
        # of its own: its states and alerts go in one text, itself all or nothing. Inside a
        # caller's transaction no savepoint: the caller decides what a failure rolls back.
        several = result.n > store.STORE_CHUNK
        writer = store.Background() if several and store.Background.usable() else None
        try:
            with (transaction.atomic(savepoint=False) if several and writer is None
                  else nullcontext()):
                for start in range(0, result.n, store.STORE_CHUNK):
                    part = slice(start, start + store.STORE_CHUNK)
                    chunk = result if result.n <= store.STORE_CHUNK else result.take(part)
                    o, c = store.store(chunk, orgs[idx][part], loaded.client_id[idx][part],
                                       cfg, now, stored, as_of_day(day),
                                       **({"send": writer.send} if writer else {}))
                    opened += o
                    changes += c
                    if progress is not None:
                        progress(min(store.STORE_CHUNK, result.n - start))
        except BaseException:
            if writer is not None:
                writer.abandon()
            raise
        if writer is not None:
            writer.finish()
        codes, n = np.unique(result.pattern, return_counts=True)
        for code, k in zip(codes, n, strict=True):
            name = engine.PATTERN_CODES[int(code)]
            counts[name] = counts.get(name, 0) + int(k)
    return EvaluationSummary(int(batch.n), counts, opened, changes, problems)


def relationship_evaluate(*, relationship_ids: Sequence[int], day: dt.date | None = None,
                          overrides: Mapping[int, Any] | None = None
                          ) -> EvaluationSummary:
    """Re-evaluate a few relationships now (after a check-in or a contact).

    ``overrides`` maps organisation ids to their policy's ``signal_overrides`` when the
    caller has just read them (the check-in's link brings its policy along); any
    organisation not in it has its policy read here."""
    return _evaluate(relationship_ids=list(relationship_ids), organisation_id=None, day=day,
                     overrides=overrides)


def checkin_stored(*, relationship: Relationship) -> None:
    """Re-evaluate the relationship after a new check-in (registered on
    ``checkins.hooks.checkin_stored``). When the relationship came with its organisation's
    policy (a check-in link loads them together), its thresholds are not read again."""
    extra: dict[str, Any] = {}
    if Relationship.organisation.is_cached(relationship):
        loaded, overrides = loaded_overrides(relationship.organisation)
        if loaded:
            extra["overrides"] = {relationship.organisation_id: overrides}
    relationship_evaluate(relationship_ids=[relationship.pk], **extra)


def signals_evaluate_all(*, organisation_id: int | None = None, day: dt.date | None = None,
                         progress: Progress | None = None) -> EvaluationSummary:
    """Evaluate every open relationship (of one organisation, or of all). ``progress``, if
    given, is called with the number of relationships each time a chunk of them has been
    evaluated and stored."""
    summary = _evaluate(relationship_ids=None, organisation_id=organisation_id, day=day,
                        progress=progress)
    audit_record(actor=None, action="system", organisation_id=organisation_id,
                 detail=f"signals evaluated: {summary.relationships} relationships, "
                        f"{summary.alerts_opened} new alerts")
    return summary


# --- The alert queue ------------------------------------------------------------------------


def _alert_audit(membership: Membership, alert: Alert, what: str) -> None:
    audit_record(actor=membership.user, action="update", role=membership.role,
                 organisation_id=alert.organisation_id, client_id=alert.client_id, obj=alert,
                 detail=f"alert {alert.code} {what}")


@transaction.atomic
def alert_acknowledge(*, membership: Membership, alert: Alert, note: str = "") -> Alert:
    if alert.status != Alert.Status.OPEN:
        raise ApplicationError(_("This alert is no longer open."))
    alert.status = Alert.Status.ACKNOWLEDGED
    alert.acknowledged_at = timezone.now()
    alert.acknowledged_by = membership.user
    if note.strip():
        alert.note = note.strip()
    alert.save()
    _alert_audit(membership, alert, "acknowledged")
    return alert


@transaction.atomic
def alert_resolve(*, membership: Membership, alert: Alert, note: str) -> Alert:
    if alert.status == Alert.Status.RESOLVED:
        raise ApplicationError(_("This alert is already resolved."))
    if not note.strip():
        raise ApplicationError(_("Write what was done, or why no action is needed."),
                               field="note")
    now = timezone.now()
    if alert.acknowledged_at is None:
        alert.acknowledged_at, alert.acknowledged_by = now, membership.user
    alert.status = Alert.Status.RESOLVED
    alert.resolved_at, alert.resolved_by = now, membership.user
    alert.note = (alert.note + "\n\n" + note.strip()).strip() if alert.note else note.strip()
    alert.save()
    _alert_audit(membership, alert, "resolved")
    return alert





def alert_raise(*, relationship: Any, code: str, source: str, params: dict[str, Any],
                evidence: str = "", next_step: str = "",
                raised_at: dt.datetime | None = None) -> Alert | None:
    """Open an alert raised outside the signal engine (a boundary drift, an overdue
    safeguarding enquiry, a break-the-glass read to review). It joins the same queue as the
    engine's alerts. Returns None when one with this code is already open or acknowledged
    for the relationship: an unresolved alert is never raised twice."""
    if Alert.objects.filter(relationship_id=relationship.pk, code=code).exclude(
            status=Alert.Status.RESOLVED).exists():
        return None
    try:
        with transaction.atomic():
            alert = Alert.objects.create(
                organisation_id=relationship.organisation_id, relationship_id=relationship.pk,
                client_id=relationship.client_id, source=source, code=code,
                raised_at=raised_at or timezone.now(),
                facts={"params": store.jsonable(params), "evidence": evidence,
                       "next_step": next_step})
    except IntegrityError:
        return None
    audit_record(actor=None, action="system", organisation_id=relationship.organisation_id,
                 client_id=relationship.client_id, obj=alert, detail=f"alert {code} raised")
    return alert
