"""The signal engine run against the database: bulk reading, states, the alert queue."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import yaml
from django.core.management import call_command
from django.utils import timezone

from keywork.checkins.models import CheckinResponse, Instrument, InstrumentVersion
from keywork.contacts.models import Contact
from keywork.core.errors import ApplicationError
from keywork.domain.instruments import INSTRUMENTS_DIR
from keywork.signals.models import Alert, RelationshipState
from keywork.signals.services import alert_acknowledge, alert_resolve, relationship_evaluate


def _version(code: str) -> InstrumentVersion:
    data = yaml.safe_load((INSTRUMENTS_DIR / f"{code}.yaml").read_text())
    inst, _ = Instrument.objects.get_or_create(code=code, defaults={"rater": data["rater"]})
    version, _ = InstrumentVersion.objects.get_or_create(
        instrument=inst, version=data["version"], defaults={"definition": data, "digest": "x"})
    return version


def _checkin(rel, rater: str, overall: float, days_ago: int, *, estimate=None) -> None:
    code = "checkin-client-short" if rater == "client" else "checkin-keyworker-short"
    CheckinResponse.objects.create(
        organisation=rel.organisation, relationship=rel, client=rel.client,
        instrument_version=_version(code), rater=rater, mode="staff",
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


def test_pattern_change_is_remembered(world):
    rel = world.relationships["own"]
    for days in (40, 26):
        _checkin(rel, "client", 85, days)
        _checkin(rel, "keyworker", 83, days)
    _contacts(rel, 20)
    relationship_evaluate(relationship_ids=[rel.pk])
    first = RelationshipState.objects.get(relationship=rel)
    _checkin(rel, "client", 20, 2)
    relationship_evaluate(relationship_ids=[rel.pk])
    state = RelationshipState.objects.get(relationship=rel)
    assert state.previous_pattern == first.pattern
    assert state.pattern == "ambivalent_conflicted"


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
    import numpy as np

    from keywork.signals import reader

    own, ended = world.relationships["own"], world.relationships["ended"]
    for days, score in ((30, 70), (10, 55)):
        _checkin(own, "client", score, days)
        _checkin(own, "keyworker", score + 5, days, estimate=score + 10)
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
    ci = ["rel", "day", "rater", "overall", "dims", "estimate", "at_max"]
    co = ["rel", "day", "initiator", "attended", "kind"]
    assert rows(small.batch, "ci_", ci).shape == (4, 11)
    assert np.array_equal(rows(small.batch, "ci_", ci), rows(bulk.batch, "ci_", ci))
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
