from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SafeguardingConfig(AppConfig):
    name = "keywork.safeguarding"
    label = "safeguarding"
    verbose_name = _("Safeguarding")
