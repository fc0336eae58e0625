"""What safeguarding lets higher apps add (see ``keywork.core.hooks``).

- ``concern_raised``: called with the concern in the transaction that records it, so an
  urgent concern reaches the responsible supervisors at once (the inbox registers its
  notifications here).
- ``concern_escalated``: called with the concern in the transaction that marks it escalated
  (no decision within the organisation's time limit).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from keywork.core.hooks import Hook

concern_raised: Hook[Callable[[Any], object]] = Hook("safeguarding.concern_raised")
concern_escalated: Hook[Callable[[Any], object]] = Hook("safeguarding.concern_escalated")
