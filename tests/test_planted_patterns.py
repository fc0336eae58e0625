"""The engine recovers the patterns the demo generator planted, through the database.

The demo service plants a pattern on every relationship and writes it to the truth file;
check-ins and contacts are generated to produce it, with noise. After a bulk evaluation,
at least 90% of the open relationships with enough data must carry their planted pattern.

"Enough data" is read from the data, not from what the engine made of it: a relationship
is judged when the database holds, up to the evaluation day, at least the engine's minimum
of scored check-ins from the client and from the keyworker (the defaults of
``SignalConfig``; the demo service overrides none of them). One the engine nevertheless
calls "not enough data" counts as a miss.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Mapping
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.models import Count

from keywork.checkins.models import CheckinResponse, Rater
from keywork.demo.vocabulary import ORGANISATION_SLUG
from keywork.domain.signals import PATTERN_CODES, SignalConfig
from keywork.relationships.models import Relationship, Status
from keywork.signals.models import RelationshipState, SignalSettings

AS_OF = dt.date(2026, 11, 1)
OPEN = (Status.ACTIVE, Status.ENDING)
NOT_ENOUGH = "not_enough_data"
PATTERNS = {"friendly_trustful", "polite_neutral", "ambivalent_conflicted"}
BAR = 0.90


def _seed(tmp_path: Path, seed: int) -> dict[int, str]:
    """Load the demo service as of AS_OF and evaluate it; the planted patterns by id."""
    truth_file = tmp_path / "truth.csv"
    call_command("seed_demo", "--clients", "400", "--seed", str(seed), "--as-of",
                 AS_OF.isoformat(), "--truth", str(truth_file), "--no-progress")
    call_command("evaluate_signals", "--as-of", AS_OF.isoformat(), "--no-progress")
    with truth_file.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert rows
    assert set(rows[0]) == {"relationship_id", "pattern"}
    return {int(r["relationship_id"]): r["pattern"] for r in rows}


def with_enough_data(as_of: dt.date) -> set[int]:
    """The open relationships with at least the engine's minimum of scored check-ins from
    each side, submitted on or before ``as_of`` (the service's local day), counted in the
    database."""
    # The engine's minimum as the demo organisation runs it: the default, not overridden.
    overrides = SignalSettings.objects.filter(
        organisation__slug=ORGANISATION_SLUG).values_list("overrides", flat=True)
    assert all("min_checkins_per_side" not in (o or {}) for o in overrides)
    need = SignalConfig().min_checkins_per_side
    counts = (CheckinResponse.objects
              .filter(relationship__status__in=OPEN, overall__isnull=False,
                      submitted_at__date__lte=as_of,
                      rater__in=(Rater.CLIENT, Rater.KEYWORKER))
              .values_list("relationship_id", "rater")
              .annotate(n=Count("pk")).order_by())
    sides: dict[int, set[str]] = {}
    for rel, rater, n in counts:
        if n >= need:
            sides.setdefault(rel, set()).add(rater)
    return {rel for rel, raters in sides.items() if raters == {Rater.CLIENT, Rater.KEYWORKER}}


def _recovery(label: str, judged: set[int], truth: Mapping[int, str],
              found: Mapping[int, str]) -> float:
    hits = sum(found.get(rel) == truth[rel] for rel in judged)
    missed_as_thin = sum(found.get(rel, NOT_ENOUGH) == NOT_ENOUGH for rel in judged)
    recovery = hits / len(judged)
    print(f"{label}: {hits} of {len(judged)} recovered ({recovery:.1%}); "
          f"{missed_as_thin} with enough data called not_enough_data")
    return recovery


@pytest.mark.parametrize("seed", [3, 11])
def test_engine_recovers_at_least_90_percent_of_planted_patterns(db, tmp_path, seed):
    truth = _seed(tmp_path, seed)
    judged = with_enough_data(AS_OF)
    open_rels = set(Relationship.objects.filter(status__in=OPEN).values_list("pk", flat=True))
    found = dict(RelationshipState.objects.values_list("relationship_id", "pattern"))
    assert judged <= open_rels
    assert judged <= set(truth), "a judged relationship has no planted pattern"
    assert len(judged) >= 150, "too few relationships with enough data to judge"
    engine_judged = {rel for rel in open_rels if found.get(rel, NOT_ENOUGH) != NOT_ENOUGH}
    print(f"seed {seed}: {len(open_rels)} open, {len(judged)} with enough data, "
          f"{len(engine_judged)} judged by the engine, "
          f"{len(engine_judged - judged)} of those without enough data by the count")
    assert _recovery(f"seed {seed}", judged, truth, found) >= BAR
    # Every pattern is planted and found: the test cannot pass on one class alone.
    assert {truth[rel] for rel in judged} == PATTERNS
    assert {found.get(rel) for rel in judged} >= PATTERNS
    assert PATTERNS | {NOT_ENOUGH} == set(PATTERN_CODES.values())


def test_exported_dyads_join_the_truth_file_by_relationship_id(db, tmp_path):
    truth = _seed(tmp_path, 3)
    out = tmp_path / "dyads.csv"
    call_command("export_dyads", "--out", str(out), "--organisation", ORGANISATION_SLUG)
    with out.open(newline="", encoding="utf-8") as fh:
        exported = {int(r["relationship_id"]): r["pattern"] for r in csv.DictReader(fh)}
    assert exported
    assert set(exported) <= set(truth), "an exported relationship is not in the truth file"
    assert set(exported) == set(
        Relationship.objects.filter(status__in=OPEN).values_list("pk", flat=True))
    judged = with_enough_data(AS_OF)
    assert judged <= set(exported)
    assert len(judged) >= 150
    # Joined on relationship_id, the export's pattern is the planted one: the two files
    # speak of the same relationships (ids shifted or shuffled would agree about a third
    # of the time).
    assert _recovery("export joined to truth", judged, truth, exported) >= BAR
