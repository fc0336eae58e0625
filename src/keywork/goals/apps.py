from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GoalsConfig(AppConfig):
    name = "keywork.goals"
    label = "goals"
    verbose_name = _("Goals")

    def ready(self) -> None:
        from keywork.checkins.space import register_section

        register_section(url_name="portal:goals_list", label=_("Your goals"),
                         description=_("What you are working on, your steps, and a new "
                                       "goal you would like to propose."), order=20)
