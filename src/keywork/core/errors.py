"""One family of errors for the domain: views show them as messages, the API as JSON."""

from __future__ import annotations


class ApplicationError(Exception):
    """A rule of the service was broken; the message is safe to show to the user."""

    code = "invalid"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code


class AccessDenied(ApplicationError):
    code = "not_found"
