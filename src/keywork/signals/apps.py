from django.apps import AppConfig
from django.db import connection
from django.db.backends.signals import connection_created


class SignalsConfig(AppConfig):
    name = "keywork.signals"
    label = "signals"

    def ready(self) -> None:
        from keywork.checkins import hooks as checkin_hooks
        from keywork.signals.reader import add_sqlite_functions
        from keywork.signals.selectors import pattern_label
        from keywork.signals.services import checkin_stored
        from keywork.signals.settings import LINK_LOADS

        checkin_hooks.checkin_stored.register("signals", checkin_stored)
        checkin_hooks.pattern_label.provide(pattern_label)
        checkin_hooks.link_loads.register("signals", LINK_LOADS)
        connection_created.connect(add_sqlite_functions,
                                   dispatch_uid="keywork.signals.add_sqlite_functions")
        if connection.vendor == "sqlite" and connection.connection is not None:
            add_sqlite_functions(connection=connection)
