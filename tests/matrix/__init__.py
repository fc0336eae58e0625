"""The access matrix: one entry per URL name, declared per app in this package.

``tests/test_access_matrix.py`` walks the URL configuration; a URL without an entry fails.
Each entry says what kind of access the URL needs; the test then tries it as every role
against a client in every scenario (own caseload, same unit, other unit, other
organisation, ended relationship) and checks who gets in.

Access kinds:

- ``READ``: anyone who may read the client's record.
- ``WRITE``: the keyworker of an open relationship (own caseload) and a supervisor of the
  unit; nobody else.
- ``SUPERVISE``: a supervisor of the client's unit only.
- ``NO_CLIENT`` with ``roles``: a page that shows no single client's record; ``roles`` are the
  roles that may open it (empty = any signed-in staff member). ``public=True`` for pages
  open without signing in (login, health).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

READ = "read"
WRITE = "write"
SUPERVISE = "supervise"
NO_CLIENT = "no_client"


@dataclass(frozen=True)
class Target:
    """The objects of one scenario: a client and what hangs off it."""

    client: Any
    episode: Any
    relationship: Any
    contact: Any


@dataclass(frozen=True)
class Entry:
    name: str
    access: str
    kwargs: Callable[[Target], dict[str, Any]] = field(default=lambda t: {})
    method: str = "get"
    data: Callable[[Target], dict[str, Any]] = field(default=lambda t: {})
    roles: tuple[str, ...] = ()
    public: bool = False
    api: bool = False
    note: str = ""


def client_pk(t: Target) -> dict[str, Any]:
    return {"pk": t.client.pk}


def relationship_pk(t: Target) -> dict[str, Any]:
    return {"pk": t.relationship.pk}


def episode_pk(t: Target) -> dict[str, Any]:
    return {"pk": t.episode.pk}


def contact_pk(t: Target) -> dict[str, Any]:
    return {"pk": t.contact.pk}
