"""Access matrix entries for breakglass."""

from __future__ import annotations

ENTRIES: list = []
