from __future__ import annotations

import contextlib
import csv
import os
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from keywork.audit.context import audit_source
from keywork.core.errors import ApplicationError
from keywork.signals.export import (
    HEADER,
    DyadRow,
    ExportedOrganisation,
    dyad_rows,
    dyads_export_audit,
    organisations_for_export,
)


class Command(BaseCommand):
    help = ("Write one pseudonymised CSV row per open relationship: pattern, latest scores, "
            "open alerts. Audited, one row per organisation exported.")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--out", required=True, help="the CSV file to write")
        parser.add_argument("--organisation", help="slug of one organisation (default: all)")

    def handle(self, *args: Any, **options: Any) -> None:
        out = Path(options["out"])
        if not out.parent.is_dir():
            raise CommandError(f"The folder {out.parent} does not exist.")
        if out.is_dir():
            raise CommandError(f"{out} is a folder: give the name of the CSV file to write.")
        try:
            orgs = organisations_for_export(options["organisation"])
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        # Written beside the target and moved into place only once the export is audited:
        # no file holds exported rows without their audit rows.
        try:
            fd, part = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".part")
        except OSError as exc:
            raise CommandError(f"Cannot write to {out.parent}: {exc.strerror}.") from exc
        try:
            with os.fdopen(fd, "w", newline="", encoding="utf-8") as fh:
                counts = _write(csv.writer(fh), orgs)
            with audit_source("command:export_dyads"), transaction.atomic():
                for org, rows in counts:
                    dyads_export_audit(organisation=org, rows=rows)
            os.replace(part, out)
        except OSError as exc:
            raise CommandError(f"Cannot write {out}: {exc.strerror}.") from exc
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(part)
        total = sum(rows for _org, rows in counts)
        self.stdout.write(self.style.SUCCESS(
            f"Wrote {total} relationships of {len(counts)} organisation(s) to {out}."))


def _write(writer: Any, orgs: list[ExportedOrganisation]
           ) -> list[tuple[ExportedOrganisation, int]]:
    writer.writerow(HEADER)
    counts = []
    for org in orgs:
        rows = 0
        for row in dyad_rows(org):
            writer.writerow(_cells(row))
            rows += 1
        counts.append((org, rows))
    return counts


def _cells(row: DyadRow) -> list[Any]:
    return [row.relationship_id, row.client_pseudonym, row.keyworker_id, row.unit,
            row.legal_basis, row.pattern, _num(row.client_overall), _num(row.worker_overall),
            ";".join(row.open_alerts), row.organisation]


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"
