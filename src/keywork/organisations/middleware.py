from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from keywork.organisations.selectors import active_membership

SESSION_KEY = "keywork_organisation_id"


class MembershipMiddleware:
    """Attach the membership the signed-in user acts under as ``request.membership``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        org_id = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
        membership = active_membership(request.user, org_id)
        if membership is None and org_id is not None:
            membership = active_membership(request.user)
        request.membership = membership  # type: ignore[attr-defined]
        return self.get_response(request)
