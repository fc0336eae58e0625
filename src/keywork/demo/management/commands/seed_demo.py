from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from keywork.core.errors import ApplicationError
from keywork.demo.services import demo_seed


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--as-of wants a date like 2025-03-31, not {value!r}") from exc


class Command(BaseCommand):
    help = ("Load the demo service: one organisation with four units, staff in every role, "
            "clients, episodes, keyworker relationships and contacts. The same --clients, "
            "--seed and --as-of always give the same data.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--clients", type=int, default=300, help="number of clients")
        parser.add_argument("--seed", type=int, default=1, help="seed of the generator")
        parser.add_argument("--as-of", type=_day, default=None,
                            help="the day the demo is seen from (default: today)")
        parser.add_argument("--if-empty", action="store_true",
                            help="do nothing when the demo service is already loaded")
        parser.add_argument("--reset", action="store_true",
                            help="remove the demo service first, then load it again")
        parser.add_argument("--truth", type=Path, default=None,
                            help="write the planted relationship patterns to this CSV file")
        parser.add_argument("--no-progress", action="store_true",
                            help="no progress bars on stderr")
        parser.add_argument("--evaluate", action="store_true",
                            help="also evaluate patterns and alerts as the nightly job would "
                                 "have, four weeks ago and today")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = demo_seed(
                clients=options["clients"], seed=options["seed"], as_of=options["as_of"],
                reset=options["reset"], if_empty=options["if_empty"], truth=options["truth"],
                progress=False if options["no_progress"] else None,
                say=self.stdout.write, evaluate=options["evaluate"])
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        if not result.loaded:
            self.stdout.write(result.message)
            return
        self.stdout.write(self.style.SUCCESS(result.message))
        width = max(len(t) for t in result.counts)
        for table, count in result.counts.items():
            self.stdout.write(f"  {table:<{width}}  {count:>10,}")
        self.stdout.write(f"  {len(result.patterns):,} relationship patterns planted"
                          + (f", written to {options['truth']}" if options["truth"] else ""))
        self.stdout.write(f"Done in {result.seconds:.1f} s. Sign-in details: keywork "
                          "demo_logins")
