from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from keywork.core.errors import ApplicationError
from keywork.demo.services import demo_totp


class Command(BaseCommand):
    help = ("Print the current authenticator code of a demo account, so that anyone trying "
            "the demo can complete the second factor. Refuses any account that is not part "
            "of the demo service.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            code = demo_totp(username=options["username"])
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(code.code)
        self.stdout.write(f"valid for {code.seconds_left} more seconds; secret for an "
                          f"authenticator app: {code.secret}")
