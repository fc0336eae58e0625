from __future__ import annotations

import importlib
import os

import pytest
from django.conf import settings

os.environ.setdefault("KEYWORK_TESTING", "1")


def pytest_configure(config: pytest.Config) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # WhiteNoise indexes every static file when its middleware starts, and each test
    # client starts the middleware afresh (about a tenth of a second, thousands of times
    # in the suite). Looking files up as they are asked for serves the same files.
    settings.WHITENOISE_AUTOREFRESH = True


@pytest.fixture(autouse=True, scope="session")
def _require_postgres_when_asked() -> None:
    if os.environ.get("KEYWORK_REQUIRE_POSTGRES") == "1" and "postgres" in os.environ.get(
        "DATABASE_URL", ""
    ):
        assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


@pytest.fixture
def world(db):
    from tests.world import build_world

    return build_world()


def append_only(on: bool) -> None:
    """Put the audit log's append-only triggers on, or take them off (for the flush that
    empties the database after a test that commits)."""
    from django.db import connection

    migration = importlib.import_module("keywork.audit.migrations.0002_append_only_trigger")
    with connection.schema_editor() as editor:
        migration.backward(None, editor)
        if on:
            migration.forward(None, editor)


@pytest.fixture
def committed_world(transactional_db):
    """A world whose writes are committed, as in a running service: a test sees the real
    transactions (BEGIN, COMMIT) and a live server sees the rows. The append-only triggers
    stay on during the test and are lifted only for the flush afterwards."""
    from tests.world import build_world

    append_only(True)
    yield build_world()
    append_only(False)
