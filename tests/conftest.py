from __future__ import annotations

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
