"""Access matrix entries for boundaries."""

from __future__ import annotations

ENTRIES: list = []
