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
        from keywork.safeguarding.services import ALERT_CODES
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
        matters.claim_alert_codes("safeguarding", ALERT_CODES.values())
        for key, label, severity, settable in (
                ("concern_urgent", _("A concern at high risk or about a child, without a "
                                     "decision"), matters.URGENT, False),
                ("concern_without_decision", _("Any other concern without a decision"),
                 matters.HIGH, True),
                ("decision_to_review", _("A safeguarding decision to review"),
                 matters.MEDIUM, True),
                ("enquiry_overdue", _("A routine enquiry overdue"), matters.MEDIUM, True),
                ("safety_plan_review", _("A safety plan due for review"), matters.MEDIUM,
                 True)):
            matters.KINDS.register(key, matters.Kind(label, severity, settable=settable))
