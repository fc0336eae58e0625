"""How the API knows who is calling: a token, or the browser session of someone who has
completed sign-in (second factor included where their role needs one)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication
from rest_framework.request import Request

from keywork.accounts.middleware import is_verified
from keywork.organisations.selectors import active_membership


class SecondFactorRequired(exceptions.PermissionDenied):
    default_detail = _("Verify your second factor before using the API.")
    default_code = "second_factor_required"


class SecondFactorSessionAuthentication(SessionAuthentication):
    """Session authentication (with its CSRF check) that refuses a session which has
    passed the password but not the second factor its role needs. Refusing, rather than
    treating the caller as anonymous, gives a clear 403 instead of a sign-in challenge."""

    def authenticate(self, request: Request) -> tuple[Any, None] | None:
        result = super().authenticate(request)
        if result is None:
            return None
        user = result[0]
        membership = active_membership(user)
        if (
            membership is not None
            and membership.needs_second_factor
            and not is_verified(user)
        ):
            raise SecondFactorRequired
        return result


class SecondFactorSessionScheme(OpenApiAuthenticationExtension):
    """Describes the session cookie in the OpenAPI document."""

    target_class = "keywork.api.authentication.SecondFactorSessionAuthentication"
    name = "cookieAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "apiKey", "in": "cookie", "name": settings.SESSION_COOKIE_NAME}
