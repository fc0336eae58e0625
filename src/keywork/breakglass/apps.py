from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BreakglassConfig(AppConfig):
    name = "keywork.breakglass"
    label = "breakglass"
    verbose_name = _("Emergency access")
