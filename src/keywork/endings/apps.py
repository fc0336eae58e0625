from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EndingsConfig(AppConfig):
    name = "keywork.endings"
    label = "endings"
    verbose_name = _("Endings")
