"""The signal thresholds move from the check-in policy to the signals app's own table: an
organisation's stored values and their history arrive, and going back restores them."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("checkins", "0002_response_visibility"), ("signals", "0001_initial")]
AFTER = [("checkins", "0003_signal_settings_move_to_signals"),
         ("signals", "0002_signal_settings")]


def _migrate(targets):
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:  # rows written so far are checked now, not at commit
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


# On PostgreSQL inside the test's own transaction (schema changes roll back with it, and the
# append-only audit table is never flushed); SQLite cannot alter tables inside one.
@pytest.mark.django_db(transaction=connection.vendor == "sqlite")
def test_the_thresholds_and_their_history_move_and_come_back():
    old = _migrate(BEFORE)
    org = old.get_model("organisations", "Organisation").objects.create(name="Nord",
                                                                         slug="nord")
    policy = old.get_model("checkins", "CheckinPolicy").objects.create(
        organisation_id=org.pk, signal_overrides={"no_contact_days": 10})
    history = old.get_model("checkins", "HistoricalCheckinPolicy")
    history.objects.create(id=policy.pk, organisation_id=org.pk, keyworker_visibility="pattern",
                           link_hours=72, signal_overrides={"no_contact_days": 10},
                           history_date="2026-11-01T10:00:00Z", history_type="+")
    try:
        new = _migrate(AFTER)
        row = new.get_model("signals", "SignalSettings").objects.get(organisation_id=org.pk)
        assert row.overrides == {"no_contact_days": 10}
        kept = new.get_model("signals", "HistoricalSignalSettings").objects.get(
            organisation_id=org.pk)
        assert (kept.id, kept.overrides, kept.history_type) == (
            row.pk, {"no_contact_days": 10}, "+")

        back = _migrate(BEFORE)
        restored = back.get_model("checkins", "CheckinPolicy").objects.get(pk=policy.pk)
        assert restored.signal_overrides == {"no_contact_days": 10}
    finally:
        _migrate([("checkins", "0003_signal_settings_move_to_signals"),
                  ("signals", "0002_signal_settings")])
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
