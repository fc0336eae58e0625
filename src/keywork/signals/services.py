"""Evaluating relationships with the signal engine and keeping the alert queue.

``relationship_evaluate`` serves one relationship right after a check-in; ``signals_evaluate_all``
serves every open relationship of every organisation in a bulk job. Both read the database in
bulk (``signals.reader``), run the same vectorised engine (``keywork.domain.signals``) once per
organisation (each has its own thresholds), and write states and new alerts in bulk: the facts
of a chunk of relationships are built column by column as JSON and go to the database as one
statement for the states and one for the new alerts.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from keywork.audit.services import audit_record
from keywork.checkins.models import Rater, Visibility
from keywork.core.errors import ApplicationError
from keywork.domain import signals as engine
from keywork.organisations.models import Membership
from keywork.relationships.models import Relationship
from keywork.signals.models import Alert
from keywork.signals.reader import Stored, load_batch, read_stored
from keywork.signals.settings import config_and_problems, loaded_overrides
from keywork.signals.text import FROM_CLIENT_RATINGS

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


KEEP_FEATURES = ("client_checkins", "worker_checkins", "client_latest", "worker_latest",
                 "worker_estimate", "client_mean", "worker_mean", "gap_recent", "gap_change",
                 "days_since_client_checkin", "days_since_worker_checkin",
                 "days_since_contact", "contacts_in_window", "client_initiated_share",
                 "dna_rate", "everyday_share")
_FEATURES_TEMPLATE = "{" + ",".join(f'"{name}":%s' for name in KEEP_FEATURES) + "}"
# Relationships written per statement in a bulk run (and per tick of its progress).
STORE_CHUNK = 5000
Progress = Callable[[int], object]


def _jsonable(params: Any) -> Any:
    if isinstance(params, dict):
        return {k: _jsonable(v) for k, v in params.items()}
    if isinstance(params, list | tuple):
        return [_jsonable(v) for v in params]
    if isinstance(params, np.generic):
        return params.item()
    return params


def _json_values(values: list[Any]) -> list[str]:
    """Each value as JSON text. Numbers, None and booleans are encoded in one call (their
    texts hold no comma); other values one by one."""
    if not values:
        return []
    if any(isinstance(v, str | dict | list) for v in values):
        return [json.dumps(v) for v in values]
    return json.dumps(values, separators=(",", ":"))[1:-1].split(",")


# JSON templates by column shape: the code, the parameter names with the constant values
# (thresholds), and the constants after the parameters. A handful per configuration.
_TEMPLATES: dict[tuple[Any, ...], str] = {}


def _template(code: str, params: Mapping[str, Any], rest: tuple[tuple[str, Any], ...]) -> str:
    key = (code, tuple((k, None if isinstance(v, list) else (type(v), v))
                       for k, v in params.items()), rest)
    found = _TEMPLATES.get(key)
    if found is None:
        parts = [f"{json.dumps(k)}:%s" if isinstance(v, list)
                 else f"{json.dumps(k)}:{json.dumps(v)}".replace("%", "%%")
                 for k, v in params.items()]
        tail = "".join(f",{json.dumps(k)}:{json.dumps(v)}".replace("%", "%%") for k, v in rest)
        found = '{"params":{' + ",".join(parts) + "}" + tail + "}"
        if len(_TEMPLATES) > 4096:
            _TEMPLATES.clear()
        _TEMPLATES[key] = found
    return found


def _column_json(column: engine.FactColumn, rest: tuple[tuple[str, Any], ...]) -> list[str]:
    """One JSON object per row of a fact or alert column: its params, then ``rest``
    (constants). The same values as ``explain``/``alerts_for`` give, without building a
    dict per row."""
    template = _template(column.code, column.params, rest)
    lists = [_json_values(v) for v in column.params.values() if isinstance(v, list)]
    if not lists:
        return [template % ()] * int(column.rows.size)
    return [template % values for values in zip(*lists, strict=True)]


def _facts_json(result: engine.SignalResult, cfg: engine.SignalConfig) -> list[str]:
    """Each relationship's facts (``explain``) as a JSON list."""
    per_row: list[list[str]] = [[] for _ in range(result.n)]
    for column in engine.fact_columns(result, cfg):
        if not column.rows.size:
            continue
        texts = _column_json(column, (("decisive", column.decisive),))
        head = '{"code":' + json.dumps(column.code) + ","
        for i, text in zip(column.rows.tolist(), texts, strict=True):
            per_row[i].append(head + text[1:])
    return ["[" + ",".join(facts) + "]" for facts in per_row]


def _features_json(result: engine.SignalResult) -> list[str]:
    """Each relationship's kept features as a JSON object (two decimals, None for NaN)."""
    lists = [_json_values([None if v != v else round(v, 2)
                           for v in getattr(result, name).astype(np.float64).tolist()])
             for name in KEEP_FEATURES]
    return [_FEATURES_TEMPLATE % values for values in zip(*lists, strict=True)]


# Below this many rows a write lists its rows as VALUES (quicker to plan: a check-in's one
# relationship); from it on, the rows travel as one JSON document.
VALUES_BELOW = 50
_STATE_COLUMNS = ("organisation_id, relationship_id, pattern, previous_pattern, pattern_since, "
                  "facts, features, evaluated_at, created_at, updated_at")
# A relationship whose pattern changed moves its old pattern to ``previous_pattern`` and
# restarts ``pattern_since``; one whose pattern stayed keeps both as stored.
_STATE_UPDATE = """ON CONFLICT (relationship_id) DO UPDATE SET
    previous_pattern = CASE WHEN {t}.pattern <> excluded.pattern
                            THEN {t}.pattern ELSE {t}.previous_pattern END,
    pattern_since = CASE WHEN {t}.pattern <> excluded.pattern
                         THEN excluded.pattern_since ELSE {t}.pattern_since END,
    pattern = excluded.pattern, facts = excluded.facts, features = excluded.features,
    evaluated_at = excluded.evaluated_at, updated_at = excluded.updated_at"""
_ALERT_COLUMNS = ("organisation_id, relationship_id, client_id, source, code, status, "
                  "raised_at, facts, note, created_at, updated_at")


# The writes below are built from constants and placeholders only; every value travels as
# a parameter.
def _states_sql(rows: int) -> str:
    """Upsert ``rows`` states given as VALUES, or, with 0, as one JSON document."""
    table = "signals_relationshipstate"
    if connection.vendor == "postgresql":
        head, t, jsonb = f"INSERT INTO {table} AS s ({_STATE_COLUMNS})", "s", "::jsonb"
        from_document = """SELECT x.o, x.r, x.p, '', %s, x.f, x.e, %s, %s, %s
                             FROM jsonb_to_recordset(%s::jsonb)
                               AS x(o bigint, r bigint, p text, f jsonb, e jsonb)"""
    else:
        head, t, jsonb = f"INSERT INTO {table} ({_STATE_COLUMNS})", table, ""
        from_document = """SELECT json_extract(value, '$.o'), json_extract(value, '$.r'),
                                  json_extract(value, '$.p'), '', %s,
                                  json_extract(value, '$.f'), json_extract(value, '$.e'),
                                  %s, %s, %s
                             FROM json_each(%s) WHERE true"""
    row = f"(%s, %s, %s, '', %s, %s{jsonb}, %s{jsonb}, %s, %s, %s)"
    body = "VALUES " + ", ".join([row] * rows) if rows else from_document
    return f"{head} {body} {_STATE_UPDATE.format(t=t)}"


def _alerts_sql(rows: int) -> str:
    """Insert ``rows`` new alerts given as VALUES, or, with 0, as one JSON document; one
    already unresolved for its relationship and code is left alone."""
    head = f"INSERT INTO signals_alert ({_ALERT_COLUMNS})"
    if connection.vendor == "postgresql":
        jsonb = "::jsonb"
        from_document = """SELECT x.o, x.r, x.c, %s, x.k, %s, %s, x.f, '', %s, %s
                             FROM jsonb_to_recordset(%s::jsonb)
                               AS x(o bigint, r bigint, c bigint, k text, f jsonb)"""
    else:
        jsonb = ""
        from_document = """SELECT json_extract(value, '$.o'), json_extract(value, '$.r'),
                                  json_extract(value, '$.c'), %s, json_extract(value, '$.k'),
                                  %s, %s, json_extract(value, '$.f'), '', %s, %s
                             FROM json_each(%s) WHERE true"""
    row = f"(%s, %s, %s, %s, %s, %s, %s, %s{jsonb}, '', %s, %s)"
    body = "VALUES " + ", ".join([row] * rows) if rows else from_document
    return f"{head} {body} ON CONFLICT DO NOTHING"


def _write_states(rows: list[tuple[int, int, str, str, str]], now: Any) -> None:
    """(organisation, relationship, pattern, facts JSON, features JSON) per row."""
    with connection.cursor() as cur:
        if len(rows) < VALUES_BELOW:
            cur.execute(_states_sql(len(rows)), [
                v for o, r, p, f, e in rows for v in (o, r, p, now, f, e, now, now, now)])
        else:
            document = ",".join(f'{{"o":{o},"r":{r},"p":"{p}","f":{f},"e":{e}}}'
                                for o, r, p, f, e in rows)
            cur.execute(_states_sql(0), [now, now, now, now, f"[{document}]"])


def _write_alerts(rows: list[tuple[int, int, int, str, str]], now: Any) -> None:
    """(organisation, relationship, client, code, facts JSON) per new alert."""
    source, status = Alert._meta.get_field("source").get_default(), Alert.Status.OPEN
    with connection.cursor() as cur:
        if len(rows) < VALUES_BELOW:
            cur.execute(_alerts_sql(len(rows)), [
                v for o, r, c, k, f in rows for v in (o, r, c, source, k, status, now, f, now,
                                                      now)])
        else:
            document = ",".join(f'{{"o":{o},"r":{r},"c":{c},"k":{json.dumps(k)},"f":{f}}}'
                                for o, r, c, k, f in rows)
            cur.execute(_alerts_sql(0), [source, status, now, now, now, f"[{document}]"])


# A resolved alert is not raised again on the same facts: its code is held on the
# relationship until something is recorded after the resolution (a check-in for the
# alerts about ratings, a contact for those about contact). An alert about a lack (no
# check-in, no contact) also comes back once the lack has lasted the rule's own number of
# days since it was resolved: there, nothing new is the very signal.
CONTACT_ALERTS = frozenset({"no_contact", "client_initiated_only"})
LACK_ALERTS = frozenset({"no_contact", "no_checkin"})


def _held(column: engine.FactColumn, stored: Stored, rel_ids: list[int], as_of: int
          ) -> list[bool]:
    """Per row of ``column``: whether its alert is held (see above)."""
    evidence = stored.latest_contact if column.code in CONTACT_ALERTS else stored.latest_checkin
    limit = column.params.get("days") if column.code in LACK_ALERTS else None
    held = []
    for j, i in enumerate(column.rows.tolist()):
        key = (rel_ids[i], column.code)
        resolved = stored.resolved.get(key)
        newer = evidence.get(rel_ids[i])
        if key in stored.open_alerts:
            held.append(True)
        elif resolved is None or (newer is not None and newer > resolved):
            held.append(False)
        elif limit is not None:
            days = limit[j] if isinstance(limit, list) else limit
            resolved_day = engine.day_number(timezone.localtime(resolved).date())
            held.append(as_of - resolved_day < int(days))  # type: ignore[arg-type]
        else:
            held.append(True)
    return held


def _mark_withheld(alerts: list[tuple[int, int, int, str, str]], cfg: engine.SignalConfig
                   ) -> list[tuple[int, int, int, str, str]]:
    """New alerts from the client's ratings are marked ``withheld`` when one of the client
    check-ins their rules look at (the latest ``2 × recent_checkins``) was given without
    sharing anything with the keyworker: the keyworker is then not shown the alert, which
    would tell them something of that check-in. One query, and only when such an alert is
    new."""
    rels = sorted({r for _, r, _, code, _ in alerts if code in FROM_CLIENT_RATINGS})
    if not rels:
        return alerts
    window = 2 * cfg.recent_checkins
    marks = ", ".join(["%s"] * len(rels))
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT DISTINCT relationship_id FROM (SELECT relationship_id, visibility, "  # noqa: S608
            f"ROW_NUMBER() OVER (PARTITION BY relationship_id ORDER BY submitted_at DESC, "
            f"id DESC) AS n FROM checkins_checkinresponse WHERE rater = %s AND "
            f"overall IS NOT NULL AND relationship_id IN ({marks})) q "
            f"WHERE n <= %s AND visibility = %s",
            [Rater.CLIENT, *rels, window, Visibility.NOTHING])
        withheld = {int(r) for (r,) in cur.fetchall()}
    return [(o, r, c, code, f[:-1] + ',"withheld":true}'
             if r in withheld and code in FROM_CLIENT_RATINGS else f)
            for o, r, c, code, f in alerts]


def _store(result: engine.SignalResult, org_ids: np.ndarray, client_ids: np.ndarray,
           cfg: engine.SignalConfig, now: dt.datetime, stored: Stored, as_of: int
           ) -> tuple[int, int]:
    """Upsert the states and open the new alerts of the relationships in ``result`` (one
    organisation's, evaluated with ``cfg`` as of day ``as_of``): one statement for the
    states, one for the alerts. ``stored``: what was found stored for them (patterns,
    unresolved alerts, resolutions)."""
    n = result.n
    if not n:
        return 0, 0
    rel_ids = result.rel_id.tolist()
    orgs = org_ids.tolist()
    patterns = [engine.PATTERN_CODES[p] for p in result.pattern.tolist()]
    changes = 0
    for rel_id, pattern in zip(rel_ids, patterns, strict=True):
        before = stored.patterns.get(rel_id)
        changes += bool(before) and before != pattern
    alerts: list[tuple[int, int, int, str, str]] = []
    clients = client_ids.tolist()
    for column in engine.alert_columns(result, cfg):
        if not column.rows.size or column.code in cfg.disabled_alerts:
            continue
        rule = engine.ALERT_RULES[column.code]
        texts = _column_json(column, (("evidence", rule.evidence),
                                      ("next_step", rule.next_step)))
        held = _held(column, stored, rel_ids, as_of)
        for i, text, kept in zip(column.rows.tolist(), texts, held, strict=True):
            if not kept:
                alerts.append((orgs[i], rel_ids[i], clients[i], column.code, text))
    alerts = _mark_withheld(alerts, cfg)
    at = connection.ops.adapt_datetimefield_value(now)
    _write_states(list(zip(orgs, rel_ids, patterns, _facts_json(result, cfg),
                           _features_json(result), strict=True)), at)
    if alerts:
        _write_alerts(alerts, at)
    return len(alerts), changes


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
        # Inside a caller's transaction (a check-in) no savepoint of its own: the caller
        # decides what a failure rolls back.
        with transaction.atomic(savepoint=False):
            for start in range(0, result.n, STORE_CHUNK):
                part = slice(start, start + STORE_CHUNK)
                chunk = result if result.n <= STORE_CHUNK else result.take(part)
                o, c = _store(chunk, orgs[idx][part], loaded.client_id[idx][part], cfg, now,
                              stored, as_of_day(day))
                opened += o
                changes += c
                if progress is not None:
                    progress(min(STORE_CHUNK, result.n - start))
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
                facts={"params": _jsonable(params), "evidence": evidence,
                       "next_step": next_step})
    except IntegrityError:
        return None
    audit_record(actor=None, action="system", organisation_id=relationship.organisation_id,
                 client_id=relationship.client_id, obj=alert, detail=f"alert {code} raised")
    return alert
