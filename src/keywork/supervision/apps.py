from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "keywork.supervision"
    label = "supervision"
    verbose_name = _("Supervision")

    def ready(self) -> None:
        from keywork.core import matters
        from keywork.supervision.selectors import alert_items, pattern_items

        matters.SOURCES.register("signals", alert_items)
        matters.SOURCES.register("signals_patterns", pattern_items)
