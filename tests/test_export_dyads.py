"""`keywork export_dyads`: one pseudonymised row per open relationship, per organisation or
all of them, read in bulk, audited one row per organisation exported."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from keywork.audit.models import AuditEvent
from keywork.signals.export import (
    HEADER,
    DyadRow,
    ExportedOrganisation,
    dyad_rows,
    organisations_for_export,
)
from keywork.signals.models import Alert, RelationshipState

COLUMNS = ["relationship_id", "client_pseudonym", "keyworker_id", "unit", "legal_basis",
           "pattern", "client_overall", "worker_overall", "open_alerts", "organisation"]
OPEN_RELS = ("own", "same_unit", "other_unit")


def _export(tmp_path: Path, *args: str) -> tuple[list[str], list[dict[str, str]]]:
    out = tmp_path / "dyads.csv"
    call_command("export_dyads", "--out", str(out), *args)
    with out.open(newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        rows = [dict(zip(header, r, strict=True)) for r in reader]
    return header, rows


def _exports():
    return list(AuditEvent.objects.filter(action="export").order_by("pk"))


def _state(rel, pattern: str, client: float | None, worker: float | None) -> None:
    RelationshipState.objects.update_or_create(
        relationship=rel, defaults={
            "organisation_id": rel.organisation_id, "pattern": pattern,
            "evaluated_at": timezone.now(),
            "features": {"client_latest": client, "worker_latest": worker,
                         "client_mean": 1.0}})


def _alert(rel, code: str, status: str = Alert.Status.OPEN) -> None:
    Alert.objects.create(organisation_id=rel.organisation_id, relationship=rel,
                         client_id=rel.client_id, code=code, status=status,
                         raised_at=timezone.now())


def test_the_header_keeps_the_issues_columns_in_order_and_ends_with_the_organisation():
    assert list(HEADER) == COLUMNS
    assert list(DyadRow._fields) == COLUMNS


def test_export_of_every_organisation_holds_each_open_relationship_once(world, tmp_path):
    header, rows = _export(tmp_path)
    assert header == COLUMNS
    rels = world.relationships
    by_id = {int(r["relationship_id"]): r for r in rows}
    assert len(by_id) == len(rows)
    expected = {rels[n].pk: world.org.slug for n in OPEN_RELS}
    expected[rels["other_org_client"].pk] = world.other_org.slug
    assert {pk: r["organisation"] for pk, r in by_id.items()} == expected
    own = by_id[rels["own"].pk]
    assert own["client_pseudonym"] == world.clients["own"].pseudonym
    assert own["keyworker_id"] == str(world.keyworker.pk)
    assert own["unit"] == world.unit_a.name
    assert own["legal_basis"] == world.legal_basis.code


def test_export_names_nobody(world, tmp_path):
    text = "\n".join(",".join(r.values()) for r in _export(tmp_path)[1])
    for client in world.clients.values():
        assert client.given_name not in text
        assert client.family_name not in text
    assert world.keyworker.username not in text


def test_pattern_scores_and_only_unresolved_alerts_of_each_relationship(world, tmp_path):
    rels = world.relationships
    _state(rels["own"], "polite_neutral", 55.0, 72.26)
    _state(rels["same_unit"], "not_enough_data", None, 60.0)
    _alert(rels["own"], "no_contact")
    _alert(rels["own"], "client_low")
    _alert(rels["own"], "gap_widening", status=Alert.Status.RESOLVED)
    _alert(rels["same_unit"], "no_checkin", status=Alert.Status.ACKNOWLEDGED)
    _alert(rels["other_unit"], "no_checkin", status=Alert.Status.RESOLVED)
    _alert(rels["ended"], "no_contact")  # closed: not exported
    rows = {int(r["relationship_id"]): r for r in _export(tmp_path)[1]}
    own, same, other = (rows[rels[n].pk] for n in OPEN_RELS)
    assert (own["pattern"], own["client_overall"], own["worker_overall"]) == (
        "polite_neutral", "55.0", "72.3")
    assert own["open_alerts"] == "client_low;no_contact"
    assert (same["pattern"], same["client_overall"], same["worker_overall"]) == (
        "not_enough_data", "", "60.0")
    assert same["open_alerts"] == "no_checkin"
    assert other["open_alerts"] == ""
    assert rels["ended"].pk not in rows


def test_a_relationship_never_evaluated_is_marked_so(world, tmp_path):
    RelationshipState.objects.filter(relationship=world.relationships["other_unit"]).delete()
    rows = {int(r["relationship_id"]): r for r in _export(tmp_path)[1]}
    other = rows[world.relationships["other_unit"].pk]
    assert (other["pattern"], other["client_overall"], other["worker_overall"]) == (
        "not_evaluated", "", "")


def test_one_audit_row_per_organisation_with_its_id_and_number_of_rows(world, tmp_path):
    before = AuditEvent.objects.count()
    _export(tmp_path)
    events = _exports()
    assert AuditEvent.objects.count() == before + 2
    assert [e.organisation_id for e in events] == [world.org.pk, world.other_org.pk]
    assert [e.detail for e in events] == [
        "dyads exported: 3 relationships (pseudonymised)",
        "dyads exported: 1 relationships (pseudonymised)"]
    assert {e.source for e in events} == {"command:export_dyads"}
    assert {e.actor_name for e in events} == {"system"}


def test_one_organisation_by_its_slug(world, tmp_path):
    _header, rows = _export(tmp_path, "--organisation", world.other_org.slug)
    assert [int(r["relationship_id"]) for r in rows] == [
        world.relationships["other_org_client"].pk]
    assert {r["organisation"] for r in rows} == {world.other_org.slug}
    events = _exports()
    assert [(e.organisation_id, e.detail) for e in events] == [
        (world.other_org.pk, "dyads exported: 1 relationships (pseudonymised)")]


def test_an_unknown_slug_is_a_one_line_error_and_writes_nothing(world, tmp_path):
    out = tmp_path / "dyads.csv"
    with pytest.raises(CommandError, match=r"^No organisation with slug 'nowhere'\.$"):
        call_command("export_dyads", "--out", str(out), "--organisation", "nowhere")
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []
    assert _exports() == []


def test_a_missing_folder_is_a_one_line_error(world, tmp_path):
    out = tmp_path / "nowhere" / "dyads.csv"
    with pytest.raises(CommandError, match="does not exist"):
        call_command("export_dyads", "--out", str(out))
    assert _exports() == []


def test_a_folder_given_as_the_file_is_a_one_line_error_and_leaves_nothing(world, tmp_path):
    folder = tmp_path / "dyads.csv"
    folder.mkdir()
    with pytest.raises(CommandError, match="is a folder"):
        call_command("export_dyads", "--out", str(folder))
    assert [p.name for p in tmp_path.iterdir()] == ["dyads.csv"]
    assert folder.is_dir()
    assert _exports() == []


def test_the_file_is_for_the_account_that_ran_the_export_only(world, tmp_path):
    out = tmp_path / "dyads.csv"
    call_command("export_dyads", "--out", str(out))
    assert os.stat(out).st_mode & 0o077 == 0


def test_rows_are_read_in_two_queries_however_many_relationships(world,
                                                                 django_assert_num_queries):
    org = ExportedOrganisation(world.org.pk, world.org.slug)
    rels = world.relationships
    for name in OPEN_RELS:
        _alert(rels[name], "no_contact")
    with django_assert_num_queries(2):
        rows = list(dyad_rows(org))
    assert [r.relationship_id for r in rows] == sorted(rels[n].pk for n in OPEN_RELS)
    assert all(r.open_alerts == ("no_contact",) for r in rows)


def test_organisations_for_export(world):
    every = organisations_for_export()
    assert [o.slug for o in every] == [world.org.slug, world.other_org.slug]
    assert organisations_for_export(world.org.slug) == [
        ExportedOrganisation(world.org.pk, world.org.slug)]
