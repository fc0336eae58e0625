from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "keywork.supervision"
    label = "supervision"
    verbose_name = _("Supervision")

    def ready(self) -> None:
        from keywork.supervision.agenda import register_agenda_source
        from keywork.supervision.selectors import alert_items, pattern_items

        register_agenda_source("signals", alert_items)
        register_agenda_source("signals_patterns", pattern_items)
