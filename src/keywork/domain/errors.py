"""The one error class of the pure domain.

`keywork.domain` cannot import Django or `keywork.core`, so it has its own error. It
subclasses ValueError: a caller gave the domain data or settings it cannot use. The
interface layers turn it into an `ApplicationError` (a form error or a JSON error).
"""

from __future__ import annotations


class DomainError(ValueError):
    """Invalid input to a pure domain function; the message names what and where."""
