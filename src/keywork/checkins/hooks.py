"""What the check-ins app lets higher apps plug in (registered from their ``AppConfig.ready``).

- ``checkin_stored``: called once a submission's transaction has committed, in the same
  request: ``fn(*, relationship)``. The signal engine re-evaluates the relationship's pattern
  and alerts here. A failing function is logged; the check-in is stored whatever happens.
  Outside a transaction nothing is wrapped around the function, so it writes in one
  statement (or one text, ``keywork.core.batch``) or opens its own transaction; inside a
  caller's transaction it runs behind a savepoint.
- ``link_loads``: further rows a check-in link loads in its one query, as ``select_related``
  paths from the link (the signal settings of the relationship's organisation), so that
  what follows a submission reads nothing again.
- ``pattern_label``: the relationship's pattern in words, for the check-in page
  (``fn(relationship) -> str``); the signals app provides it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from keywork.core.hooks import Hook, Slot

checkin_stored: Hook[Callable[..., Any]] = Hook("checkins.checkin_stored")
pattern_label: Slot[Callable[[Any], str]] = Slot("checkins.pattern_label")
link_loads: Hook[str] = Hook("checkins.link_loads")
