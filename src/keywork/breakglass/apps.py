from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BreakglassConfig(AppConfig):
    name = "keywork.breakglass"
    label = "breakglass"
    verbose_name = _("Emergency access")

    def ready(self) -> None:
        from keywork.breakglass.agenda import emergency_read_items
        from keywork.breakglass.selectors import emergency_scope
        from keywork.breakglass.services import ALERT_CODE
        from keywork.clients import hooks as client_hooks
        from keywork.core import matters
        from keywork.signals.text import register_alert_words

        register_alert_words(
            titles={"emergency_read": _("Emergency access to the record, to review")},
            reasons={"emergency_read": _("%(who)s opened this record under emergency access "
                                         "on %(when)s.")},
            next_steps={"review_emergency_read": _(
                "Review the access: was it needed, and was the record used for that need "
                "only? Write your review on the emergency access page.")},
        )
        matters.SOURCES.register("breakglass", emergency_read_items)
        matters.claim_alert_codes("breakglass", [ALERT_CODE])
        matters.KINDS.register("emergency_read_to_review", matters.Kind(
            _("An emergency read of a record to review"), matters.HIGH))
        client_hooks.scope.register("breakglass", emergency_scope, order=20)
