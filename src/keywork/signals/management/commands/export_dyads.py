from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from keywork.audit.context import audit_source
from keywork.audit.services import audit_record
from keywork.relationships.models import Relationship
from keywork.signals.models import Alert, RelationshipState

HEADER = ["relationship_id", "client_pseudonym", "keyworker_id", "unit", "legal_basis",
          "pattern", "client_overall", "worker_overall", "open_alerts"]


class Command(BaseCommand):
    help = "Write one CSV row per active relationship: pattern, latest scores, open alerts."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--out", required=True, help="the CSV file to write")

    def handle(self, *args: Any, **options: Any) -> None:
        out = Path(options["out"])
        if not out.parent.exists():
            raise CommandError(f"The folder {out.parent} does not exist.")
        rels = (Relationship.objects.filter(status__in=("active", "ending")).order_by("pk")
                .values_list("pk", "client__pseudonym", "keyworker_id", "episode__unit__name",
                             "episode__legal_basis__code"))
        states = {rel: (pattern, feat) for rel, pattern, feat in
                  RelationshipState.objects.values_list("relationship_id", "pattern",
                                                        "features").iterator(5000)}
        alerts: dict[int, list[str]] = {}
        for rel, code in (Alert.objects.exclude(status=Alert.Status.RESOLVED)
                          .order_by("code").values_list("relationship_id", "code")
                          .iterator(5000)):
            alerts.setdefault(rel, []).append(code)
        rows = 0
        with out.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(HEADER)
            for pk, pseudonym, worker, unit, basis in rels.iterator(5000):
                pattern, features = states.get(pk, ("not_evaluated", {}))
                writer.writerow([
                    pk, pseudonym, worker, unit, basis, pattern,
                    _num(features.get("client_latest")), _num(features.get("worker_latest")),
                    ";".join(alerts.get(pk, [])),
                ])
                rows += 1
        with audit_source("command:export_dyads"):
            audit_record(actor=None, action="export",
                         detail=f"dyads exported: {rows} relationships (pseudonymised)")
        self.stdout.write(self.style.SUCCESS(f"Wrote {rows} relationships to {out}."))


def _num(value: Any) -> str:
    return "" if value is None else f"{float(value):.1f}"
