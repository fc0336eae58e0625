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
        matters.KINDS.register("alert_rating", matters.Kind(
            _("An alert from the client's ratings (low, dropped, a gap)"), matters.MEDIUM))
        matters.KINDS.register("alert", matters.Kind(
            _("Any other alert (no contact, no check-in, a conflict declared)"),
            matters.MEDIUM))
        matters.KINDS.register("pattern_changed", matters.Kind(
            _("The relationship pattern changed"), matters.LOW))
