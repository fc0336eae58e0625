from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count
from tqdm import tqdm

from keywork.audit.context import audit_source
from keywork.organisations.models import Organisation
from keywork.relationships.models import Relationship
from keywork.signals.reader import OPEN
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
        chosen = list(orgs.values_list("pk", "name"))
        # The bar counts relationships: the total is one count of the open ones.
        total = (Relationship.objects.filter(organisation_id__in=[pk for pk, _ in chosen],
                                             status__in=OPEN)
                 .aggregate(n=Count("pk"))["n"]) if chosen else 0
        started = time.perf_counter()
        evaluated = alerts = changes = 0
        patterns: dict[str, int] = {}
        problems: list[str] = []
        with audit_source("command:evaluate_signals"), tqdm(
            total=total, unit="relationship",
            disable=options["no_progress"], file=self.stderr._out,
        ) as bar:
            for pk, name in chosen:
                bar.set_postfix_str(name[:30])
                summary = signals_evaluate_all(organisation_id=pk, day=day,
                                               progress=bar.update)
                evaluated += summary.relationships
                alerts += summary.alerts_opened
                changes += summary.pattern_changes
                for code, n in summary.patterns.items():
                    patterns[code] = patterns.get(code, 0) + n
                for key, why in summary.settings_problems.get(pk, {}).items():
                    problems.append(f"{name}: the signal setting {key or 'signal_overrides'!r}"
                                    f" is not valid, so its default was used ({why}).")
        for line in problems:
            self.stdout.write(self.style.WARNING(line))
        seconds = time.perf_counter() - started
        shown = ", ".join(f"{k} {v}" for k, v in sorted(patterns.items())) or "none"
        self.stdout.write(self.style.SUCCESS(
            f"Evaluated {evaluated} relationships in {seconds:.1f} s: {shown}; "
            f"{alerts} new alerts, {changes} pattern changes."))
