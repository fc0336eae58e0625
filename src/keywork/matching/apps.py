from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "keywork.matching"
    label = "matching"
    verbose_name = _("Matching")

    def ready(self) -> None:
        from keywork.checkins.space import register_section
        from keywork.core import matters
        from keywork.matching.matters import change_request_items
        from keywork.signals.text import register_alert_words

        register_section(
            url_name="portal:matching_change", label=_("Another keyworker"),
            description=_("You can ask for a different keyworker at any time."), order=80)
        register_alert_words(
            titles={"matching_conflict_declared": _("Conflict of interest declared")},
            reasons={"matching_conflict_declared": _(
                "The keyworker declared a private connection or conflict of interest with "
                "this client after the allocation.")},
            evidence={"matching_declaration": _("A declaration recorded at allocation.")},
            next_steps={"matching_reallocate": _(
                "Choose another keyworker from the ranked list, and talk it through in "
                "supervision.")},
        )
        matters.SOURCES.register("matching", change_request_items)
        matters.KINDS.register("change_request", matters.Kind(
            _("A client's request for another keyworker"), matters.HIGH))
        matters.KINDS.register("handover", matters.Kind(
            _("A handover note to write after an approved change"), matters.MEDIUM))
