from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MandatesConfig(AppConfig):
    name = "keywork.mandates"
    label = "mandates"
    verbose_name = _("Mandates")
