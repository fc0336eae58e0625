from django.apps import AppConfig


class SignalsConfig(AppConfig):
    name = "keywork.signals"
    label = "signals"

    def ready(self) -> None:
        from keywork.checkins import hooks as checkin_hooks
        from keywork.signals.selectors import pattern_label
        from keywork.signals.services import checkin_stored
        from keywork.signals.settings import LINK_LOADS

        checkin_hooks.checkin_stored.register("signals", checkin_stored)
        checkin_hooks.pattern_label.provide(pattern_label)
        checkin_hooks.link_loads.register("signals", LINK_LOADS)
