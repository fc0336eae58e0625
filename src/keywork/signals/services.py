"""Evaluating relationships with the signal engine and keeping the alert queue.

``relationship_evaluate`` serves one relationship right after a check-in; ``signals_evaluate_all``
serves every open relationship of every organisation in a bulk job. Both read the database in
bulk (``signals.reader``), run the same vectorised engine (``keywork.domain.signals``) once per
organisation (each has its own thresholds), and write states and new alerts in bulk.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import IntegrityError, transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.translation import gettext as _

from keywork.audit.services import audit_record
from keywork.core.errors import ApplicationError
from keywork.domain import DomainError
from keywork.domain import signals as engine
from keywork.organisations.models import Membership
from keywork.signals.models import Alert, RelationshipState
from keywork.signals.reader import Stored, load_batch, read_stored

CLIENT_INSTRUMENT = "checkin-client-short"


def as_of_day(day: dt.date | None = None) -> int:
    return engine.day_number(day or timezone.localdate())


_CONFIGS: dict[tuple[int, str, int, str], engine.SignalConfig] = {}

# The current version of the client's short form, whose reliability sets the client's
# reliable change. Read once and kept: saving or deleting an instrument version in this
# process forgets it at once; a version loaded by another process (``keywork
# load_instruments``) is seen within CLIENT_FORM_SECONDS.
CLIENT_FORM_SECONDS = 60.0


@dataclass
class _ClientForm:
    read_at: float = -math.inf
    version: Any = None


_client_form = _ClientForm()


def forget_client_form(**_kwargs: Any) -> None:
    _client_form.read_at = -math.inf
    _client_form.version = None


post_save.connect(forget_client_form, sender="checkins.InstrumentVersion",
                  dispatch_uid="keywork.signals.forget_client_form.save")
post_delete.connect(forget_client_form, sender="checkins.InstrumentVersion",
                    dispatch_uid="keywork.signals.forget_client_form.delete")


def _current_client_form() -> Any:
    from keywork.checkins.models import InstrumentVersion

    now = time.monotonic()
    if now - _client_form.read_at >= CLIENT_FORM_SECONDS:
        _client_form.version = (InstrumentVersion.objects
                                .filter(instrument__code=CLIENT_INSTRUMENT)
                                .order_by("-version").first())
        _client_form.read_at = now
    return _client_form.version


def config_for(organisation_id: int, *, overrides: Mapping[str, Any] | None = None
               ) -> engine.SignalConfig:
    """The organisation's thresholds: defaults, the client form's reliability, overrides.
    Built once per combination of overrides and form version. A caller that holds the
    organisation's policy already passes its ``signal_overrides``; otherwise they are
    read."""
    from keywork.checkins.selectors import domain_instrument

    if overrides is None:
        from keywork.checkins.models import CheckinPolicy

        overrides = (
            CheckinPolicy.objects.filter(organisation_id=organisation_id)
            .values_list("signal_overrides", flat=True).first()
        )
    overrides = overrides or {}
    version = _current_client_form()
    key = (organisation_id, json.dumps(overrides, sort_keys=True),
           version.pk if version else 0, version.digest if version else "")
    if key in _CONFIGS:
        return _CONFIGS[key]
    instrument = domain_instrument(version) if version else None
    try:
        config = engine.SignalConfig.from_dict(dict(overrides), client_instrument=instrument)
    except DomainError as exc:
        raise ApplicationError(str(exc), code="signal_settings") from exc
    if len(_CONFIGS) > 256:
        _CONFIGS.clear()
    _CONFIGS[key] = config
    return config


def validate_overrides(overrides: dict[str, Any]) -> engine.SignalConfig:
    try:
        return engine.SignalConfig.from_dict(overrides)
    except DomainError as exc:
        raise ApplicationError(str(exc), field="signal_overrides") from exc


@dataclass(frozen=True)
class EvaluationSummary:
    relationships: int
    patterns: dict[str, int]
    alerts_opened: int
    pattern_changes: int


def _jsonable(params: Any) -> Any:
    if isinstance(params, dict):
        return {k: _jsonable(v) for k, v in params.items()}
    if isinstance(params, list | tuple):
        return [_jsonable(v) for v in params]
    if isinstance(params, np.generic):
        return params.item()
    return params


KEEP_FEATURES = ("client_checkins", "worker_checkins", "client_latest", "worker_latest",
                 "worker_estimate", "client_mean", "worker_mean", "gap_recent", "gap_change",
                 "days_since_client_checkin", "days_since_worker_checkin",
                 "days_since_contact", "contacts_in_window", "client_initiated_share",
                 "dna_rate", "everyday_share")
STATE_FIELDS = ["pattern", "facts", "features", "evaluated_at", "updated_at"]


def _store(result: engine.SignalResult, org_ids: np.ndarray, client_ids: np.ndarray,
           cfg_for: Callable[[int], engine.SignalConfig], now: dt.datetime,
           known: Stored | None = None) -> tuple[int, int]:
    """Upsert states and open new alerts for every relationship in ``result``. ``known``:
    what the reader already found stored for these relationships, if it was asked."""
    rel_ids = [int(x) for x in result.rel_id]
    found = known if known is not None else read_stored(rel_ids)
    stored, existing = found.patterns, found.open_alerts
    columns = result.columns()
    kept = {name: columns[name] for name in KEEP_FEATURES}
    # A relationship whose pattern changed moves its old pattern to ``previous_pattern``
    # and restarts ``pattern_since``; one whose pattern stayed keeps both as stored.
    changed_states: list[RelationshipState] = []
    same_states: list[RelationshipState] = []
    alerts: list[Alert] = []
    changes = 0
    for i, rel_id in enumerate(rel_ids):
        org_id = int(org_ids[i])
        cfg = cfg_for(org_id)
        pattern = engine.pattern_code(result, i)
        before = stored.get(rel_id)
        changed = bool(before) and before != pattern
        changes += changed
        facts = [{"code": f.code, "params": _jsonable(dict(f.params)), "decisive": f.decisive}
                 for f in engine.explain(result, i, cfg)]
        features = {}
        for name, column in kept.items():
            value = float(column[i])
            features[name] = None if math.isnan(value) else round(value, 2)
        state = RelationshipState(
            organisation_id=org_id, relationship_id=rel_id, pattern=pattern,
            previous_pattern=before if changed and before else "", pattern_since=now,
            facts=facts, features=features, evaluated_at=now,
        )
        (changed_states if changed or before is None else same_states).append(state)
        for finding in engine.alerts_for(result, i, cfg):
            if finding.code in cfg.disabled_alerts or (rel_id, finding.code) in existing:
                continue
            alerts.append(Alert(
                organisation_id=org_id, relationship_id=rel_id, client_id=int(client_ids[i]),
                code=finding.code, raised_at=now,
                facts={"params": _jsonable(dict(finding.params)), "evidence": finding.evidence,
                       "next_step": finding.next_step},
            ))
    for states, fields in ((changed_states, [*STATE_FIELDS, "previous_pattern",
                                             "pattern_since"]),
                           (same_states, STATE_FIELDS)):
        if states:
            RelationshipState.objects.bulk_create(
                states, batch_size=2000, update_conflicts=True,
                unique_fields=["relationship"], update_fields=fields)
    if alerts:
        Alert.objects.bulk_create(alerts, batch_size=2000, ignore_conflicts=True)
    return len(alerts), changes


def _evaluate(*, relationship_ids: Sequence[int] | None, organisation_id: int | None,
              day: dt.date | None,
              overrides: Mapping[int, Mapping[str, Any]] | None = None) -> EvaluationSummary:
    loaded = load_batch(as_of_day=as_of_day(day), relationship_ids=relationship_ids,
                        organisation_id=organisation_id,
                        with_stored=relationship_ids is not None)
    batch = loaded.batch
    if batch.n == 0:
        return EvaluationSummary(0, {}, 0, 0)
    now = timezone.now()
    configs: dict[int, engine.SignalConfig] = {}
    known = overrides or {}

    def cfg_for(org_id: int) -> engine.SignalConfig:
        if org_id not in configs:
            configs[org_id] = config_for(org_id, overrides=known.get(org_id))
        return configs[org_id]

    opened = changes = 0
    counts: dict[str, int] = {}
    orgs = loaded.organisation_id
    for org_id in (orgs[:1] if batch.n == 1 else np.unique(orgs)):
        if batch.n == 1:
            sub, idx = batch, np.zeros(1, dtype=np.int64)
        else:
            idx = np.flatnonzero(orgs == org_id)
            sub = batch if idx.size == batch.n else engine.select_relationships(batch, idx)
        result = engine.evaluate(sub, cfg_for(int(org_id)))
        # Inside a caller's transaction (a check-in) no savepoint of its own: the caller
        # decides what a failure rolls back.
        with transaction.atomic(savepoint=False):
            o, c = _store(result, orgs[idx], loaded.client_id[idx], cfg_for, now,
                          known=loaded.stored)
        opened += o
        changes += c
        codes, n = np.unique(result.pattern, return_counts=True)
        for code, k in zip(codes, n, strict=True):
            name = engine.PATTERN_CODES[int(code)]
            counts[name] = counts.get(name, 0) + int(k)
    return EvaluationSummary(int(batch.n), counts, opened, changes)


def relationship_evaluate(*, relationship_ids: Sequence[int], day: dt.date | None = None,
                          overrides: Mapping[int, Mapping[str, Any]] | None = None
                          ) -> EvaluationSummary:
    """Re-evaluate a few relationships now (after a check-in or a contact).

    ``overrides`` maps organisation ids to their policy's ``signal_overrides`` when the
    caller has just read them (the check-in's link brings its policy along); any
    organisation not in it has its policy read here."""
    return _evaluate(relationship_ids=list(relationship_ids), organisation_id=None, day=day,
                     overrides=overrides)


def signals_evaluate_all(*, organisation_id: int | None = None, day: dt.date | None = None
                         ) -> EvaluationSummary:
    summary = _evaluate(relationship_ids=None, organisation_id=organisation_id, day=day)
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
                facts={"params": _jsonable(params), "evidence": evidence,
                       "next_step": next_step})
    except IntegrityError:
        return None
    audit_record(actor=None, action="system", organisation_id=relationship.organisation_id,
                 client_id=relationship.client_id, obj=alert, detail=f"alert {code} raised")
    return alert
