from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from keywork.audit.context import audit_source
from keywork.organisations.models import Organisation
from keywork.signals.services import signals_evaluate_all


class Command(BaseCommand):
    help = ("Evaluate the pattern and alerts of every active relationship, reading the "
            "database in bulk, one organisation at a time.")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--organisation", help="slug of one organisation (default: all)")
        parser.add_argument("--as-of", help="evaluate as of this date (YYYY-MM-DD)")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        day = None
        if options["as_of"]:
            try:
                day = dt.date.fromisoformat(options["as_of"])
            except ValueError as exc:
                raise CommandError("--as-of takes a date as YYYY-MM-DD") from exc
        orgs = Organisation.objects.order_by("pk")
        if options["organisation"]:
            orgs = orgs.filter(slug=options["organisation"])
            if not orgs.exists():
                raise CommandError(f"No organisation with slug {options['organisation']!r}.")
        started = time.perf_counter()
        total = alerts = changes = 0
        patterns: dict[str, int] = {}
        with audit_source("command:evaluate_signals"), tqdm(
            list(orgs.values_list("pk", "name")), unit="organisation",
            disable=options["no_progress"], file=self.stderr._out,
        ) as bar:
            for pk, name in bar:
                bar.set_postfix_str(name[:30])
                summary = signals_evaluate_all(organisation_id=pk, day=day)
                total += summary.relationships
                alerts += summary.alerts_opened
                changes += summary.pattern_changes
                for code, n in summary.patterns.items():
                    patterns[code] = patterns.get(code, 0) + n
        seconds = time.perf_counter() - started
        shown = ", ".join(f"{k} {v}" for k, v in sorted(patterns.items())) or "none"
        self.stdout.write(self.style.SUCCESS(
            f"Evaluated {total} relationships in {seconds:.1f} s: {shown}; "
            f"{alerts} new alerts, {changes} pattern changes."))
