from __future__ import annotations

import logging
from typing import Any

from django.apps import AppConfig
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models.signals import post_migrate

logger = logging.getLogger(__name__)

TABLES = {"checkins_instrument", "checkins_instrumentversion"}


def load_shipped_instruments(sender: AppConfig, using: str = DEFAULT_DB_ALIAS,
                             **kwargs: Any) -> None:
    """After `migrate` (and after a test database is flushed), make sure the instruments
    Keywork ships are in the database. A refusal (a shipped file changed without a new
    version) is logged here and reported in full by `keywork load_instruments`."""
    from keywork.checkins.services import instruments_sync
    from keywork.core.errors import ApplicationError

    if using != DEFAULT_DB_ALIAS:
        return
    if not set(connections[using].introspection.table_names()) >= TABLES:
        return
    try:
        instruments_sync(record=False)
    except ApplicationError as exc:
        logger.warning("The shipped instruments were not loaded: %s", exc.message)


class CheckinsConfig(AppConfig):
    name = "keywork.checkins"
    label = "checkins"

    def ready(self) -> None:
        post_migrate.connect(load_shipped_instruments, sender=self,
                             dispatch_uid="keywork.checkins.load_shipped_instruments")
