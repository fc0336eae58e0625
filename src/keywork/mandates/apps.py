from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MandatesConfig(AppConfig):
    name = "keywork.mandates"
    label = "mandates"
    verbose_name = _("Mandates")

    def ready(self) -> None:
        from keywork.checkins.space import register_section
        from keywork.contacts import hooks as contact_hooks
        from keywork.mandates.contact_part import ADVOCACY_BASIS

        contact_hooks.contact_parts.register("mandates", ADVOCACY_BASIS)

        register_section(url_name="portal:mandates_list",
                         label=_("What your keyworker may do for you"),
                         description=_("What you have allowed, what was done for you, and "
                                       "taking a permission back."), order=30)
