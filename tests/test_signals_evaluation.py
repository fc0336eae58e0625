"""The signal engine run against the database: bulk reading, states, the alert queue."""

from __future__ import annotations

import datetime as dt
import io
import json
import uuid

import numpy as np
import pytest
import yaml
from django.core.management import call_command
from django.utils import timezone

from keywork.checkins.models import CheckinResponse, Instrument, InstrumentVersion
from keywork.contacts.models import Contact
from keywork.core.errors import ApplicationError
from keywork.domain.instruments import INSTRUMENTS_DIR
from keywork.signals import store
from keywork.signals.models import Alert, RelationshipState
from keywork.signals.services import (
    alert_acknowledge,
    alert_resolve,
    relationship_evaluate,
    signals_evaluate_all,
)
from keywork.signals.store import KEEP_FEATURES


def _version(code: str) -> InstrumentVersion:
    data = yaml.safe_load((INSTRUMENTS_DIR / f"{code}.yaml").read_text())
    inst, _ = Instrument.objects.get_or_create(code=code, defaults={"rater": data["rater"]})
    version, _ = InstrumentVersion.objects.get_or_create(
        instrument=inst, version=data["version"], defaults={"definition": data, "digest": "x"})
    return version


def _checkin(rel, rater: str, overall: float, days_ago: int, *, estimate=None,
             version: InstrumentVersion | None = None) -> None:
    code = "checkin-client-short" if rater == "client" else "checkin-keyworker-short"
    CheckinResponse.objects.create(
        organisation=rel.organisation, relationship=rel, client=rel.client,
        instrument_version=version or _version(code), rater=rater, mode="staff",
        submitted_at=timezone.now() - dt.timedelta(days=days_ago),
        score_match=overall, score_presence=overall, score_personal_professional=overall,
        score_cooperation=overall, score_flexible_support=overall, overall=overall,
        estimate_overall=estimate, idempotency_key=uuid.uuid4(),
    )


def _contacts(rel, n: int, *, initiated_by: str = "worker", kind: str = "everyday") -> None:
    now = timezone.now()
    Contact.objects.bulk_create([
        Contact(organisation=rel.organisation, relationship=rel, client=rel.client,
                worker=rel.keyworker, created_by=rel.keyworker, kind=kind,
                initiated_by=initiated_by if i % 3 else "client",
                occurred_at=now - dt.timedelta(days=i + 1)) for i in range(n)])


def conflicted(rel, *, helped: str = "", evaluate: bool = True) -> None:
    """Client ratings falling to 30 while the worker's rise, ten contacts: ambivalent, with
    client_low, the client's spread, a gap and the client's lowest dimension among the
    facts. ``helped``: the client's words on each of their check-ins."""
    for days, (client, worker) in zip((40, 26, 12), ((60, 70), (45, 72), (30, 75)), strict=True):
        _checkin(rel, "client", client, days)
        _checkin(rel, "keyworker", worker, days, estimate=70)
    if helped:
        CheckinResponse.objects.filter(relationship=rel, rater="client").update(helped=helped)
    _contacts(rel, 10)
    if evaluate:
        relationship_evaluate(relationship_ids=[rel.pk])


def test_warm_stable_reciprocal_relationship_is_friendly_and_says_why(world):
    rel = world.relationships["own"]
    for days, score in ((40, 82), (26, 85), (12, 84)):
        _checkin(rel, "client", score, days)
        _checkin(rel, "keyworker", score - 3, days, estimate=score)
    _contacts(rel, 20)
    summary = relationship_evaluate(relationship_ids=[rel.pk])
    state = RelationshipState.objects.get(relationship=rel)
    assert summary.relationships == 1
    assert state.pattern == "friendly_trustful"
    decisive = {f["code"] for f in state.facts if f["decisive"]}
    assert {"both_warm", "gap_small", "stable"} <= decisive
    assert state.features["client_latest"] == pytest.approx(84)


def test_low_client_rating_opens_one_alert_that_is_not_duplicated(world):
    rel = world.relationships["own"]
    for days, (client, worker) in zip((40, 26, 12), ((60, 70), (45, 72), (30, 75)), strict=True):
        _checkin(rel, "client", client, days)
        _checkin(rel, "keyworker", worker, days)
    _contacts(rel, 10)
    relationship_evaluate(relationship_ids=[rel.pk])
    relationship_evaluate(relationship_ids=[rel.pk])
    codes = list(Alert.objects.filter(relationship=rel).values_list("code", flat=True))
    assert codes.count("client_low") == 1
    assert RelationshipState.objects.get(relationship=rel).pattern == "ambivalent_conflicted"
    alert = Alert.objects.get(relationship=rel, code="client_low")
    assert alert.facts["params"]["latest"] == pytest.approx(30)
    assert alert.facts["next_step"]


@pytest.mark.parametrize("path", ["one round trip", "bulk"])
def test_the_latest_of_one_days_checkins_is_the_one_given_last(world, monkeypatch, path):
    """Check-ins of one day at 90, 90 and then 20: the drop is seen whatever order the
    database hands the rows back in. Here they were stored last-first (as an import
    might) and the database is kept from reading them through an index in time order."""
    from django.db import connection

    from keywork.signals import reader

    if path == "bulk":
        monkeypatch.setattr(reader, "SMALL_BELOW", 0)
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SET LOCAL enable_indexscan = off")
            cur.execute("SET LOCAL enable_indexonlyscan = off")
    rel = world.relationships["own"]
    now = timezone.now()
    for minutes, overall in ((10, 20), (30, 90), (20, 90)):
        _checkin(rel, "client", overall, 0)
        CheckinResponse.objects.filter(pk=CheckinResponse.objects.latest("id").pk).update(
            submitted_at=now - dt.timedelta(minutes=minutes))
    relationship_evaluate(relationship_ids=[rel.pk])
    state = RelationshipState.objects.get(relationship=rel)
    assert state.features["client_latest"] == pytest.approx(20)
    assert Alert.objects.filter(relationship=rel, code="client_drop").exists()


@pytest.mark.parametrize("bulk_write", [False, True], ids=["values", "json document"])
def test_pattern_change_is_remembered(world, monkeypatch, bulk_write):
    """Kept the same way by both forms of the write (a few rows as VALUES, many as one
    JSON document)."""

    if bulk_write:
        monkeypatch.setattr(store, "VALUES_BELOW", 0)
    rel = world.relationships["own"]
    for days in (40, 26):
        _checkin(rel, "client", 85, days)
        _checkin(rel, "keyworker", 83, days)
    _contacts(rel, 20)
    relationship_evaluate(relationship_ids=[rel.pk])
    first = RelationshipState.objects.get(relationship=rel)
    _checkin(rel, "client", 20, 2)
    relationship_evaluate(relationship_ids=[rel.pk])
    changed = RelationshipState.objects.get(relationship=rel)
    assert (changed.previous_pattern, changed.pattern) == (first.pattern,
                                                           "ambivalent_conflicted")
    assert changed.pattern_since > first.pattern_since
    relationship_evaluate(relationship_ids=[rel.pk])
    again = RelationshipState.objects.get(relationship=rel)
    assert (again.previous_pattern, again.pattern_since) == (first.pattern,
                                                             changed.pattern_since)
    assert again.evaluated_at > changed.evaluated_at


def test_relationship_without_checkins_has_not_enough_data_and_no_checkin_alert(world):
    rel = world.relationships["own"]
    relationship_evaluate(relationship_ids=[rel.pk], day=timezone.localdate()
                          + dt.timedelta(days=60))
    assert RelationshipState.objects.get(relationship=rel).pattern == "not_enough_data"
    assert Alert.objects.filter(relationship=rel, code="no_checkin").exists()


def test_closed_relationships_are_not_evaluated(world):
    summary = relationship_evaluate(relationship_ids=[world.relationships["ended"].pk])
    assert summary.relationships == 0


def test_resolving_an_alert_needs_a_note_and_is_audited(world):
    rel = world.relationships["own"]
    relationship_evaluate(relationship_ids=[rel.pk], day=timezone.localdate()
                          + dt.timedelta(days=60))
    alert = Alert.objects.filter(relationship=rel).first()
    sup = world.memberships["supervisor"]
    with pytest.raises(ApplicationError):
        alert_resolve(membership=sup, alert=alert, note="  ")
    alert_acknowledge(membership=sup, alert=alert)
    alert_resolve(membership=sup, alert=alert, note="Talked it through at supervision.")
    alert.refresh_from_db()
    assert alert.status == "resolved"
    assert alert.resolved_by == world.supervisor


@pytest.mark.parametrize("bulk", [False, True], ids=["one relationship", "bulk"])
def test_a_resolved_alert_stays_resolved_until_something_new_is_recorded(world, bulk):
    rel = world.relationships["own"]
    sup = world.memberships["supervisor"]

    def evaluate() -> None:
        if bulk:
            signals_evaluate_all(organisation_id=world.org.pk)
        else:
            relationship_evaluate(relationship_ids=[rel.pk])

    for days, score in ((30, 30), (16, 32), (2, 28)):
        _checkin(rel, "client", score, days)
    evaluate()
    low = Alert.objects.get(relationship=rel, code="client_low")
    alert_resolve(membership=sup, alert=low, note="Talked it through; we agreed a plan.")
    evaluate()  # the same facts the next night: not handed the alert again
    assert not Alert.objects.filter(relationship=rel, code="client_low").exclude(
        pk=low.pk).exists()
    _checkin(rel, "client", 26, 0)  # a new check-in, still low: raised again
    evaluate()
    again = Alert.objects.get(relationship=rel, code="client_low", status="open")
    assert again.pk != low.pk


def test_an_alert_about_a_lack_comes_back_when_the_lack_lasts_its_days_again(world):
    """Nothing new is the very signal of 'no contact' and 'no check-in': resolved, they
    stay quiet for the rule's own number of days, then come back if nothing changed."""
    rel = world.relationships["own"]  # compulsory care: no contact is flagged after 7 days
    sup = world.memberships["supervisor"]
    today = timezone.localdate() + dt.timedelta(days=40)  # the relationship began today
    Contact.objects.filter(relationship=rel).delete()
    relationship_evaluate(relationship_ids=[rel.pk], day=today)
    for code in ("no_contact", "no_checkin"):
        alert_resolve(membership=sup, alert=Alert.objects.get(relationship=rel, code=code),
                      note="The client is in hospital; we agreed to wait.")
    # Resolved on that day (the evaluations below run on the days after it).
    Alert.objects.filter(relationship=rel).update(
        resolved_at=timezone.now() + dt.timedelta(days=40))

    def open_codes(days: int) -> set[str]:
        relationship_evaluate(relationship_ids=[rel.pk], day=today + dt.timedelta(days=days))
        return set(Alert.objects.filter(relationship=rel, status="open")
                   .values_list("code", flat=True))

    assert open_codes(6) == set()
    assert open_codes(7) == {"no_contact"}
    assert open_codes(27) == {"no_contact"}
    assert open_codes(28) == {"no_contact", "no_checkin"}


def test_bulk_command_and_export_cover_every_active_relationship(world, tmp_path, capsys):
    rel = world.relationships["own"]
    for days in (30, 10):
        _checkin(rel, "client", 80, days)
        _checkin(rel, "keyworker", 78, days)
    call_command("evaluate_signals", "--no-progress")
    assert "Evaluated 4 relationships" in capsys.readouterr().out
    out = tmp_path / "dyads.csv"
    call_command("export_dyads", "--out", str(out))
    lines = out.read_text().splitlines()
    assert lines[0].startswith("relationship_id,client_pseudonym,keyworker_id,unit,")
    ids = {int(line.split(",")[0]) for line in lines[1:]}
    assert rel.pk in ids
    assert world.relationships["ended"].pk not in ids
    assert "Anna" not in out.read_text()


def test_the_one_round_trip_read_gives_the_same_columns_as_the_bulk_read(world, monkeypatch):
    """A check-in reads its relationship in one UNION; the bulk job reads the same columns
    query by query. Both give the same batch, and a closed relationship's rows are left out
    of both."""
    from keywork.signals import reader

    own, ended = world.relationships["own"], world.relationships["ended"]
    for days, score in ((30, 70), (10, 55)):
        _checkin(own, "client", score, days)
        _checkin(own, "keyworker", score + 5, days, estimate=score + 10)
    _checkin(own, "client", 60, 3, version=_version("checkin-client-monthly"))
    _checkin(ended, "client", 40, 5)
    _contacts(own, 7, kind="session")
    _contacts(ended, 3)
    ids = [own.pk, ended.pk]
    small = reader.load_batch(as_of_day=20_000, relationship_ids=ids)
    monkeypatch.setattr(reader, "SMALL_BELOW", 0)
    bulk = reader.load_batch(as_of_day=20_000, relationship_ids=ids)

    def rows(batch, prefix: str, names: list[str]) -> np.ndarray:
        cols = [np.asarray(getattr(batch, prefix + n), dtype=np.float64).reshape(
            len(getattr(batch, prefix + "rel")), -1) for n in names]
        table = np.nan_to_num(np.concatenate(cols, axis=1), nan=-1.0)
        return table[np.lexsort(table.T[::-1])]

    assert list(small.batch.rel_id) == list(bulk.batch.rel_id) == [own.pk]
    assert list(small.client_id) == list(bulk.client_id) == [own.client_id]
    assert list(small.organisation_id) == list(bulk.organisation_id) == [world.org.pk]
    assert np.array_equal(small.batch.start_day, bulk.batch.start_day)
    assert np.array_equal(small.batch.coerced, bulk.batch.coerced)
    ci = ["rel", "day", "rater", "overall", "dims", "estimate", "at_max", "reliable_change"]
    co = ["rel", "day", "initiator", "attended", "kind"]
    assert rows(small.batch, "ci_", ci).shape == (5, 12)
    assert np.array_equal(rows(small.batch, "ci_", ci), rows(bulk.batch, "ci_", ci))
    # Each client check-in carries its own form's reliable change; the worker's none.
    amounts = {(int(r), round(float(a), 1)) for r, a in zip(
        small.batch.ci_rater, np.nan_to_num(small.batch.ci_reliable_change), strict=True)}
    assert amounts == {(0, 22.3), (0, 14.4), (1, 0.0)}
    assert rows(small.batch, "co_", co).shape == (Contact.objects.filter(relationship=own)
                                                  .count(), 5)
    assert np.array_equal(rows(small.batch, "co_", co), rows(bulk.batch, "co_", co))


def test_an_unchanged_pattern_keeps_its_since_and_previous_pattern(world):
    rel = world.relationships["own"]
    for days in (40, 26):
        _checkin(rel, "client", 85, days)
        _checkin(rel, "keyworker", 83, days)
    _contacts(rel, 20)
    relationship_evaluate(relationship_ids=[rel.pk])
    RelationshipState.objects.filter(relationship=rel).update(
        previous_pattern="polite_neutral", pattern_since=timezone.now() - dt.timedelta(days=9))
    relationship_evaluate(relationship_ids=[rel.pk])
    state = RelationshipState.objects.get(relationship=rel)
    assert state.previous_pattern == "polite_neutral"
    assert (timezone.now() - state.pattern_since).days == 9


# --- Each client check-in's own form ------------------------------------------------------


def _local_form(reliability: float, norm_sd: float, *, version: int = 1) -> InstrumentVersion:
    """A client form of the service's own, with its own reliability (as loaded from a
    file); its wording does not matter here."""
    data = yaml.safe_load((INSTRUMENTS_DIR / "checkin-client-short.yaml").read_text())
    data.update(code="local-form", version=version)
    data["scoring"]["reliability"].update(value=reliability, norm_sd=norm_sd)
    inst, _ = Instrument.objects.get_or_create(code="local-form", defaults={"rater": "client"},
                                               is_shipped=False)
    return InstrumentVersion.objects.create(instrument=inst, version=version, definition=data,
                                            digest=f"{version:064d}")


def _client_drop(rel) -> Alert | None:
    relationship_evaluate(relationship_ids=[rel.pk])
    return Alert.objects.filter(relationship=rel, code="client_drop").first()


def _two_sided(rel, previous: tuple[float, InstrumentVersion],
               latest: tuple[float, InstrumentVersion]) -> None:
    _checkin(rel, "client", previous[0], 10, version=previous[1])
    _checkin(rel, "client", latest[0], 2, version=latest[1])
    for days in (10, 2):
        _checkin(rel, "keyworker", 75, days)


def test_a_drop_between_monthly_check_ins_uses_the_monthly_forms_amount(world):
    monthly = _version("checkin-client-monthly")
    own, other = world.relationships["own"], world.relationships["same_unit"]
    _two_sided(own, (80, monthly), (64, monthly))
    _two_sided(other, (80, _version("checkin-client-short")), (64, _version(
        "checkin-client-short")))
    alert = _client_drop(own)
    assert alert is not None
    assert alert.facts["params"]["reliable_change"] == 14.4
    assert alert.facts["params"]["drop"] == 16.0
    assert _client_drop(other) is None  # the short form's 22.3


def test_a_pair_from_two_forms_is_held_to_the_larger_amount(world):
    noisy = _local_form(0.70, 20)  # reliable change 30.4
    short = _version("checkin-client-short")  # 22.3
    own, other = world.relationships["own"], world.relationships["same_unit"]
    _two_sided(own, (80, noisy), (55, short))  # 25: beyond the short form's amount only
    _two_sided(other, (80, short), (48, noisy))  # 32
    assert _client_drop(own) is None
    alert = _client_drop(other)
    assert alert is not None
    assert alert.facts["params"]["reliable_change"] == 30.4


@pytest.fixture
def forget_form_amounts_afterwards():
    from keywork.signals import reader

    yield
    reader.forget_form_amounts()  # rolled-back versions leave nothing behind


def test_a_form_version_loaded_elsewhere_brings_its_own_reliability_at_once(
        world, forget_form_amounts_afterwards):
    rel = world.relationships["own"]
    first = _local_form(0.80, 18)  # reliable change 22.3
    _two_sided(rel, (80, first), (68, first))
    assert _client_drop(rel) is None  # the amounts known so far are kept
    # Another process loads a more precise version (no signal reaches this one).
    data = {**first.definition, "version": 2,
            "scoring": {**first.definition["scoring"],
                        "reliability": {"kind": "alpha", "value": 0.95, "norm_sd": 15}}}
    (precise,) = InstrumentVersion.objects.bulk_create([InstrumentVersion(
        instrument=first.instrument, version=2, definition=data, digest="2" * 64)])
    _checkin(rel, "client", 70, 1, version=precise)
    _checkin(rel, "client", 58, 0, version=precise)
    alert = _client_drop(rel)  # 70 → 58 in a version with reliable change 9.3
    assert alert is not None
    assert alert.facts["params"]["reliable_change"] == 9.3


# --- Presence --------------------------------------------------------------------------------


def test_missed_appointments_are_not_contact_for_the_no_contact_alert(world):
    rel = world.relationships["own"]  # coerced: no contact for 7 days raises the alert
    Contact.objects.filter(pk=world.own_contact.pk).update(
        occurred_at=timezone.now() - dt.timedelta(days=20))
    now = timezone.now()
    Contact.objects.bulk_create([
        Contact(organisation=rel.organisation, relationship=rel, client=rel.client,
                worker=rel.keyworker, created_by=rel.keyworker, kind="session",
                initiated_by="worker", attended=False,
                occurred_at=now - dt.timedelta(days=1 + 2 * i)) for i in range(6)])
    relationship_evaluate(relationship_ids=[rel.pk])
    state = RelationshipState.objects.get(relationship=rel)
    assert state.features["days_since_contact"] == 20
    assert state.features["dna_rate"] == round(6 / 7, 2)
    alert = Alert.objects.get(relationship=rel, code="no_contact")
    assert alert.facts["params"]["days_since"] == 20


# --- What is stored -------------------------------------------------------------------------


def _canonical(value) -> str:
    return json.dumps(value, sort_keys=True)  # 3 and 3.0 stay apart


@pytest.mark.parametrize("values_below", [50, 0], ids=["as values", "as one document"])
def test_the_stored_facts_features_and_alerts_are_the_engines_own(world, monkeypatch,
                                                                   values_below):
    """The writer builds JSON column by column; what it stores is exactly what ``explain``
    and ``alerts_for`` give for the relationship, types included, whichever way the rows
    travel."""
    from keywork.domain import signals as engine
    from keywork.signals.reader import load_batch
    from keywork.signals.services import as_of_day
    from keywork.signals.settings import config_for

    monkeypatch.setattr(store, "VALUES_BELOW", values_below)
    rel = world.relationships["own"]
    for days, (client, worker) in zip((40, 26, 12, 5), ((85, 70), (60, 72), (30, 75),
                                                         (31, 74)), strict=True):
        _checkin(rel, "client", client, days)
        _checkin(rel, "keyworker", worker, days, estimate=client + 20)
    _contacts(rel, 9)
    relationship_evaluate(relationship_ids=[rel.pk])

    cfg = config_for(rel.organisation_id)
    batch = load_batch(as_of_day=as_of_day(), relationship_ids=[rel.pk]).batch
    result = engine.evaluate(batch, cfg)
    state = RelationshipState.objects.get(relationship=rel)
    facts = [{"code": f.code, "params": dict(f.params), "decisive": f.decisive}
             for f in engine.explain(result, 0, cfg)]
    assert _canonical(state.facts) == _canonical(facts)
    columns = result.columns()
    features = {name: None if np.isnan(float(columns[name][0]))
                else round(float(columns[name][0]), 2) for name in KEEP_FEATURES}
    assert _canonical(state.features) == _canonical(features)
    stored = {a.code: a.facts for a in Alert.objects.filter(relationship=rel)}
    expected = {f.code: {"params": dict(f.params), "evidence": f.evidence,
                         "next_step": f.next_step} for f in engine.alerts_for(result, 0, cfg)}
    assert {"client_low", "gap_widening"} <= set(expected)
    assert _canonical(stored) == _canonical(expected)


@pytest.mark.parametrize("values_below", [50, 0], ids=["as values", "as one document"])
def test_a_whole_batch_reads_back_as_the_engine_gave_it(world, monkeypatch, values_below):
    """Round trip of the store over several relationships at once: each one's state and
    alerts, read back through the ORM, are what the engine gave for its row."""
    from keywork.domain import signals as engine
    from keywork.signals.reader import load_batch
    from keywork.signals.services import as_of_day
    from keywork.signals.settings import config_for

    monkeypatch.setattr(store, "VALUES_BELOW", values_below)
    rels = sorted(world.relationships.values(), key=lambda r: r.pk)
    for n, rel in enumerate(rels):
        for days, (client, worker) in zip((40, 26, 12), ((85, 70), (60 - 9 * n, 72),
                                                         (30 + 20 * n, 75)), strict=True):
            _checkin(rel, "client", client, days)
            _checkin(rel, "keyworker", worker, days)
        _contacts(rel, 3 + 4 * n)
    signals_evaluate_all(organisation_id=world.org.pk)

    cfg = config_for(world.org.pk)
    result = engine.evaluate(load_batch(as_of_day=as_of_day(),
                                        organisation_id=world.org.pk).batch, cfg)
    columns = result.columns()
    seen_alerts = 0
    for i, rel_id in enumerate(result.rel_id.tolist()):
        state = RelationshipState.objects.get(relationship_id=rel_id)
        assert state.pattern == engine.pattern_code(result, i)
        facts = [{"code": f.code, "params": dict(f.params), "decisive": f.decisive}
                 for f in engine.explain(result, i, cfg)]
        assert _canonical(state.facts) == _canonical(facts)
        features = {name: None if np.isnan(float(columns[name][i]))
                    else round(float(columns[name][i]), 2) for name in KEEP_FEATURES}
        assert _canonical(state.features) == _canonical(features)
        stored = {a.code: a.facts for a in Alert.objects.filter(relationship_id=rel_id)}
        expected = {f.code: {"params": dict(f.params), "evidence": f.evidence,
                             "next_step": f.next_step}
                    for f in engine.alerts_for(result, i, cfg)}
        assert _canonical(stored) == _canonical(expected)
        seen_alerts += len(stored)
    assert result.n >= 3
    assert seen_alerts


def test_a_bulk_run_reports_progress_per_chunk_of_relationships(world, monkeypatch):

    monkeypatch.setattr(store, "STORE_CHUNK", 2)
    ticks: list[int] = []
    summary = signals_evaluate_all(organisation_id=world.org.pk, progress=ticks.append)
    assert summary.relationships == 3
    assert ticks == [2, 1]
    assert RelationshipState.objects.filter(organisation=world.org).count() == 3


def test_the_command_counts_relationships_not_organisations(world):
    err = io.StringIO()
    call_command("evaluate_signals", stdout=io.StringIO(), stderr=err)
    shown = err.getvalue()
    assert "4/4" in shown
    assert "relationship" in shown


def test_the_trend_weighs_a_mixed_pair_of_forms_by_the_larger_reliable_change(world):
    """Short form (22.3 points) then monthly (14.4): a fall of 18 is within the short
    form's noise, so neither the trend nor the drop alert calls it worse."""
    from keywork.checkins.selectors import client_trend

    rel = world.relationships["own"]
    _checkin(rel, "client", 80, 20)
    _checkin(rel, "client", 62, 2, version=_version("checkin-client-monthly"))
    assert client_trend(rel).direction == "same"
    relationship_evaluate(relationship_ids=[rel.pk])
    assert not Alert.objects.filter(relationship=rel, code="client_drop").exists()
    _checkin(rel, "client", 55, 1, version=_version("checkin-client-monthly"))
    # Two monthly check-ins against one short: still the larger amount decides.
    assert client_trend(rel).direction == "same"


def test_the_trend_uses_the_monthly_forms_own_amount_between_two_monthly_checkins(world):
    from keywork.checkins.selectors import client_trend

    rel = world.relationships["own"]
    monthly = _version("checkin-client-monthly")
    _checkin(rel, "client", 80, 20, version=monthly)
    _checkin(rel, "client", 62, 2, version=monthly)
    assert client_trend(rel).direction == "worse"


def test_a_moment_counts_to_its_day_in_the_services_time_zone(world, monkeypatch):
    """Half past midnight where the service is, still the evening before in UTC: the
    contact and the check-in belong to the service's day, on every database."""
    from zoneinfo import ZoneInfo

    from django.conf import settings

    from keywork.signals import reader

    rel = world.relationships["own"]
    zone = ZoneInfo(settings.TIME_ZONE)
    local = dt.datetime(2026, 3, 10, 0, 30, tzinfo=zone)
    assert local.astimezone(dt.UTC).date() != local.date()  # the test needs such a zone
    Contact.objects.filter(relationship=rel).delete()
    CheckinResponse.objects.filter(relationship=rel).delete()
    Contact.objects.create(organisation=rel.organisation, relationship=rel, client=rel.client,
                           worker=rel.keyworker, created_by=rel.keyworker, kind="session",
                           initiated_by="worker", occurred_at=local)
    _checkin(rel, "client", 60, 0)
    CheckinResponse.objects.filter(relationship=rel).update(submitted_at=local)
    expected = (local.date() - dt.date(1970, 1, 1)).days
    for small in (True, False):
        monkeypatch.setattr(reader, "SMALL_BELOW", 50 if small else 0)
        loaded = reader.load_batch(as_of_day=expected + 1, relationship_ids=[rel.pk])
        assert list(loaded.batch.co_day) == [expected], small
        assert list(loaded.batch.ci_day) == [expected], small
