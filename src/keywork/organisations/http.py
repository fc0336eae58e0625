"""The request as Keywork's middleware leaves it, and the role checks of pages.

Which records a person may open is the accessors' rule (``get_<entity>_for_user``); which
pages a role has is decided here, once per page, by ``role_required`` (pages without a
single client's record: 403 for other roles) or ``membership_in_role`` (404).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_http_methods
from django_htmx.middleware import HtmxDetails

from keywork.organisations.models import Membership

View = Callable[..., HttpResponse]


class KeyworkRequest(HttpRequest):
    """Who acts (the membership) and the HTMX details."""

    membership: Membership | None
    htmx: HtmxDetails


def membership_of(request: HttpRequest) -> Membership:
    """The acting membership; a request without one never reaches a record (404)."""
    membership: Membership | None = getattr(request, "membership", None)
    if membership is None:
        raise Http404
    return membership


def membership_in_role(request: HttpRequest, *roles: str) -> Membership:
    """The acting membership when it has one of ``roles``; otherwise 404, as for a record
    outside one's scope (pages about a client)."""
    membership = membership_of(request)
    if membership.role not in roles:
        raise Http404
    return membership


def role_required(*roles: str, methods: tuple[str, ...] | None = None
                  ) -> Callable[[View], View]:
    """Signed in and acting in one of ``roles``; anyone else gets 403 (pages that show no
    single client's record: a role's own pages, the administrator's). ``methods``, when
    given, are the HTTP methods the page answers."""

    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            membership = getattr(request, "membership", None)
            if membership is None or membership.role not in roles:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return require_http_methods(list(methods))(wrapper) if methods else wrapper

    return decorator
