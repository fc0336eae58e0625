"""The request as Keywork's middleware leaves it, for type checking views."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django_htmx.middleware import HtmxDetails

from keywork.organisations.models import Membership


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
