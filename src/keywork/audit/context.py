"""Who is acting and from where: set once per request or command, read by the audit log."""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse


@dataclass(frozen=True)
class AuditContext:
    source: str


_current: contextvars.ContextVar[AuditContext | None] = contextvars.ContextVar(
    "keywork_audit_context", default=None
)


def current_source() -> str:
    ctx = _current.get()
    return ctx.source if ctx else "unknown"


@contextmanager
def audit_source(source: str) -> Iterator[None]:
    token = _current.set(AuditContext(source=source[:100]))
    try:
        yield
    finally:
        _current.reset(token)


class AuditContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with audit_source(request.META.get("REMOTE_ADDR") or "unknown"):
            return self.get_response(request)
