from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BoundariesConfig(AppConfig):
    name = "keywork.boundaries"
    label = "boundaries"
    verbose_name = _("Boundaries")

    def ready(self) -> None:
        from keywork.boundaries import text
        from keywork.boundaries.selectors import agenda_items, post_closure_days
        from keywork.boundaries.services import DRIFT_CODE, events_from_contact
        from keywork.checkins.space import register_section
        from keywork.contacts import hooks as contact_hooks
        from keywork.core import matters
        from keywork.relationships import hooks as relationship_hooks
        from keywork.signals.text import register_alert_words

        register_alert_words(titles=text.ALERT_TITLES, reasons=text.ALERT_REASONS,
                             evidence=text.ALERT_EVIDENCE, next_steps=text.ALERT_NEXT_STEPS)
        matters.SOURCES.register("boundaries", agenda_items)
        matters.claim_alert_codes("boundaries", [DRIFT_CODE])
        matters.KINDS.register("event_to_review", matters.Kind(
            _("A boundary event to review"), matters.LOW))
        matters.KINDS.register("event_to_review_serious", matters.Kind(
            _("A serious boundary event to review"), matters.HIGH))
        matters.KINDS.register("drift", matters.Kind(
            _("A drift of minor boundary events in one relationship"), matters.HIGH))
        matters.KINDS.register("agreement_review", matters.Kind(
            _("A contact agreement due for review"), matters.LOW))
        register_section(
            url_name="portal:boundaries_concern", label=_("Tell a supervisor about a worry"),
            description=_("Something about how a worker behaves with you that does not feel "
                          "right. Only the supervisors read it, not your keyworker."),
            order=80)
        contact_hooks.contact_saved.register("boundaries", events_from_contact)
        relationship_hooks.post_closure_days.provide(post_closure_days)
