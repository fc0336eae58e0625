"""Access matrix entries for safeguarding."""

from __future__ import annotations

ENTRIES: list = []
