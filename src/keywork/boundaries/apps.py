from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BoundariesConfig(AppConfig):
    name = "keywork.boundaries"
    label = "boundaries"
    verbose_name = _("Boundaries")
