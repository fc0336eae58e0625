"""Escalate every safeguarding concern that has passed its organisation's time limit without
a decision: to every supervisor of the client's unit and to the managers. Safe to run as
often as wanted (a scheduler runs it every few minutes): a concern escalates once."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from keywork.audit.context import audit_source
from keywork.safeguarding.services import concern_escalate, concerns_past_limit


class Command(BaseCommand):
    help = "Escalate safeguarding concerns with no decision within the time limit."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organisation", type=int, default=None,
                            help="Only this organisation (its id).")
        parser.add_argument("--now", default=None,
                            help="Act as if it were this moment (ISO 8601), to catch up.")

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        if options["now"]:
            try:
                now = dt.datetime.fromisoformat(options["now"])
            except ValueError:
                raise CommandError("--now must be a date and time in ISO 8601 "
                                   "(2026-01-31T09:00).") from None
            if timezone.is_naive(now):
                now = timezone.make_aware(now)
        escalated = 0
        with audit_source("escalate_concerns"):
            for concern in concerns_past_limit(now=now,
                                               organisation_id=options["organisation"]):
                escalated += concern_escalate(concern_id=concern.pk, now=now) is not None
        self.stdout.write(f"{escalated} concern(s) escalated.")
