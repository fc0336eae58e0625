from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EndingsConfig(AppConfig):
    name = "keywork.endings"
    label = "endings"
    verbose_name = _("Endings")

    def ready(self) -> None:
        from keywork.relationships import hooks as relationship_hooks

        relationship_hooks.closing_parts.register("endings", "endings/_panel.html")
