"""What the organisations app lets higher apps plug in (registered from their
``AppConfig.ready``).

- ``leaving_warnings``: when an administrator makes a membership inactive, what the person
  still holds that someone must take over, ``fn(membership) -> list[str]`` (sentences,
  already translated; the relationships app names open keyworker relationships).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from keywork.core.hooks import Hook

leaving_warnings: Hook[Callable[[Any], list[str]]] = Hook("organisations.leaving_warnings")
