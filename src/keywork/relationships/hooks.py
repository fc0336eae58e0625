"""What the relationships app lets higher apps plug in (registered from their
``AppConfig.ready``).

- ``post_closure_days``: how many days after a relationship closes contact between the
  worker and the client is still a boundary matter, ``fn(organisation_id) -> int``; the
  boundaries app owns the setting and provides it. ``relationship_close`` stores the end of
  that period on the relationship.
- ``closing_parts``: templates shown on the page that closes a relationship, above its form,
  with ``rel`` (the endings app shows its checklist there).
"""

from __future__ import annotations

from collections.abc import Callable

from keywork.core.hooks import Hook, Slot

post_closure_days: Slot[Callable[[int], int]] = Slot("relationships.post_closure_days")
closing_parts: Hook[str] = Hook("relationships.closing_parts")
