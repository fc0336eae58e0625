"""Cells of a table a person downloads: a text that a spreadsheet program would read as a
formula is written so that it stays text."""

from __future__ import annotations

import numbers

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""A cell that begins with one of these may be run as a formula (or a command) when the file
is opened in a spreadsheet program."""


def safe_cell(value: object) -> object:
    """``value`` as it may go into a CSV or XLSX cell: numbers and empty cells as they are;
    a text that begins like a formula with a leading apostrophe, so it is shown, not run."""
    if value is None or isinstance(value, numbers.Number):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text
