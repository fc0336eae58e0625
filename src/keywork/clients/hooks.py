"""What the clients app lets higher apps plug in (registered from their ``AppConfig.ready``).

- ``scope``: who besides the supervisors of a client's units may open the client's record.
  ``fn(membership, *, write) -> Q | None``: a condition on ``Client`` that widens the
  membership's scope (for example ``Q(pk__in=<a values query of client ids>)``), or None to
  add nothing. The relationships app adds the keyworker's and deputy's own clients; emergency
  access adds the clients of a running grant, for reading only. Every accessor builds on
  ``clients.selectors.clients_for_membership``, so a widening registered here reaches every
  read of client data and nothing else.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Q

from keywork.core.hooks import Hook

scope: Hook[Callable[..., Q | None]] = Hook("clients.scope")


def widened(membership: Any, *, write: bool) -> Q | None:
    """Every registered widening for this membership, or None when there is none."""
    found: Q | None = None
    for fn in scope:
        q = fn(membership, write=write)
        if q is not None:
            found = q if found is None else found | q
    return found
