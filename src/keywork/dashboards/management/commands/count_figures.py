from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from keywork.dashboards.selectors import manager_figures_store
from keywork.domain import periods
from keywork.organisations.models import Organisation


class Command(BaseCommand):
    help = ("Count the manager's figures of every preset period, in every language, and keep "
            "them in the cache, so the first manager to open the page does not wait. Run it "
            "from the scheduler more often than FIGURES_CACHE_SECONDS.")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--organisation", help="slug of one organisation (default: all)")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.KEYWORK_FIGURES_CACHE_SECONDS <= 0:
            raise CommandError("FIGURES_CACHE_SECONDS is 0: the figures are never kept.")
        orgs = Organisation.objects.order_by("pk")
        if options["organisation"]:
            orgs = orgs.filter(slug=options["organisation"])
            if not orgs.exists():
                raise CommandError(f"No organisation with slug {options['organisation']!r}.")
        today = timezone.localdate()
        done = 0
        for org in orgs:
            for code, _name in settings.LANGUAGES:
                with translation.override(code):
                    for preset in periods.PRESETS:
                        manager_figures_store(org, periods.preset_period(preset, today))
                        done += 1
        self.stdout.write(f"{done} sets of figures counted and kept.")
