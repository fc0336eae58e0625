"""Access matrix entries for mandates."""

from __future__ import annotations

ENTRIES: list = []
