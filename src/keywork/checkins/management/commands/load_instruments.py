from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from keywork.audit.context import audit_source
from keywork.checkins.services import instruments_sync
from keywork.core.errors import ApplicationError


class Command(BaseCommand):
    help = ("Load the check-in instruments Keywork ships and, if set, the local ones "
            "(KEYWORK_LOCAL_INSTRUMENTS or --dir): one <code>.yaml file per instrument. "
            "A changed form must raise its version; old responses keep theirs.")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--dir", dest="directory", default=None,
            help="a directory of local instrument files (default: KEYWORK_LOCAL_INSTRUMENTS)")

    def handle(self, *args: Any, **options: Any) -> None:
        directory = options["directory"] or settings.KEYWORK_LOCAL_INSTRUMENTS or None
        try:
            with audit_source("command:load_instruments"):
                results = instruments_sync(directory=directory)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        for r in results:
            self.stdout.write(f"{r.code} v{r.version}: {r.outcome} ({r.path.name})")
        added = sum(r.outcome != "unchanged" for r in results)
        self.stdout.write(self.style.SUCCESS(
            f"{len(results)} instrument file(s) read, {added} version(s) added."))
