"""Access matrix entries for supervision."""

from __future__ import annotations

ENTRIES: list = []
