from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InboxConfig(AppConfig):
    name = "keywork.inbox"
    label = "inbox"
    verbose_name = _("Today")

    def ready(self) -> None:
        from keywork.inbox import channels
        from keywork.inbox.services import notify_concern_escalated, notify_concern_raised
        from keywork.safeguarding import hooks as safeguarding_hooks

        channels.CHANNELS.register("in_application", channels.InApplication(), order=0)
        safeguarding_hooks.concern_raised.register("inbox", notify_concern_raised)
        safeguarding_hooks.concern_escalated.register("inbox", notify_concern_escalated)
