"""Access matrix entries for goals."""

from __future__ import annotations

ENTRIES: list = []
