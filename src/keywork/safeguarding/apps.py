from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SafeguardingConfig(AppConfig):
    name = "keywork.safeguarding"
    label = "safeguarding"
    verbose_name = _("Safeguarding")

    def ready(self) -> None:
        from keywork.core import matters
        from keywork.safeguarding.agenda import safeguarding_items
        from keywork.signals.text import register_alert_words

        register_alert_words(
            titles={
                "enquiry_overdue_children": _("Routine enquiry about the children is overdue"),
                "enquiry_overdue_violence": _("Routine enquiry about partner violence is "
                                              "overdue"),
            },
            reasons={
                "enquiry_overdue_children": _("The enquiry about the children's welfare was "
                                              "due on %(due)s, %(days)s days ago."),
                "enquiry_overdue_violence": _("The enquiry about partner violence was due on "
                                              "%(due)s, %(days)s days ago."),
            },
            evidence={
                "ask_even_when_uncomfortable": _(
                    "The welfare of a child comes first. Many workers do not ask about "
                    "children or violence at home to protect the relationship; asked with "
                    "care, the questions tend to strengthen it."),
            },
            next_steps={
                "ask_in_private": _("Ask at the next contact, when you and the client are "
                                    "alone, and record that it was asked in private."),
            },
        )
        matters.SOURCES.register("safeguarding", safeguarding_items)
