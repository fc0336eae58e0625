"""Raise an alert for every overdue routine enquiry. Safe to run as often as wanted: an
alert still unresolved is never raised twice."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from keywork.audit.context import audit_source
from keywork.safeguarding.services import enquiries_check


class Command(BaseCommand):
    help = "Raise alerts for overdue safeguarding enquiries."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organisation", type=int, default=None,
                            help="Only this organisation (its id).")

    def handle(self, *args: Any, **options: Any) -> None:
        with audit_source("check_safeguarding"):
            raised = enquiries_check(organisation_id=options["organisation"])
        self.stdout.write(f"{raised} alert(s) raised for overdue enquiries.")
