from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BreakglassConfig(AppConfig):
    name = "keywork.breakglass"
    label = "breakglass"
    verbose_name = _("Emergency access")

    def ready(self) -> None:
        from keywork.breakglass.agenda import emergency_read_items
        from keywork.signals.text import register_alert_words
        from keywork.supervision.agenda import register_agenda_source

        register_alert_words(
            titles={"emergency_read": _("Emergency access to the record, to review")},
            reasons={"emergency_read": _("%(who)s opened this record under emergency access "
                                         "on %(when)s.")},
            next_steps={"review_emergency_read": _(
                "Review the access: was it needed, and was the record used for that need "
                "only? Write your review on the emergency access page.")},
        )
        register_agenda_source("breakglass", emergency_read_items)
