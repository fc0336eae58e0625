"""Access matrix entries for endings."""

from __future__ import annotations

ENTRIES: list = []
