from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from keywork.audit.services import verify_chain


class Command(BaseCommand):
    help = "Verify the hash chain of the audit log and report the first broken link."

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_chain()
        if report.ok:
            self.stdout.write(self.style.SUCCESS(
                f"Audit chain intact: {report.checked} rows verified."))
            return
        raise CommandError(
            f"Audit chain broken at row {report.broken_at}: {report.reason}. "
            f"{report.checked} rows before it verified."
        )
