"""Access matrix entries for matching."""

from __future__ import annotations

ENTRIES: list = []
