from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from keywork.demo.services import demo_logins


class Command(BaseCommand):
    help = "Print the sign-in details of the demo service, one account per role."

    def handle(self, *args: Any, **options: Any) -> None:
        rows = demo_logins()
        if not rows:
            self.stdout.write("The demo service is not loaded. Load it with: "
                              "keywork seed_demo --clients 300 --seed 1")
            return
        self.stdout.write("Demo accounts, one per role:")
        header = ("role", "username", "password", "second factor", "who")
        table = [header] + [
            (r.role, r.username, r.password, "needed" if r.second_factor else "not needed",
             r.what) for r in rows]
        widths = [max(len(row[i]) for row in table) for i in range(len(header) - 1)]
        for row in table:
            cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
            self.stdout.write("  " + "  ".join([*cells, row[-1]]))
        needing = [r for r in rows if r.second_factor]
        if needing:
            self.stdout.write("")
            self.stdout.write("Accounts that need a second factor ask for a 6-digit code "
                              "after the password. Print the current code with:")
            self.stdout.write(f"  keywork demo_totp USERNAME    (for example: keywork "
                              f"demo_totp {needing[0].username})")
            self.stdout.write("or add the account's secret to an authenticator app:")
            width = max(len(r.username) for r in needing)
            for r in needing:
                self.stdout.write(f"  {r.username:<{width}}  {r.secret}")
