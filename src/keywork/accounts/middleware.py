from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation


class UserLanguageMiddleware:
    """A signed-in user's saved language wins over the browser's, unless they switched
    language in this session (the language switch also saves the preference)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        lang = getattr(user, "language", "") if user and user.is_authenticated else ""
        if lang and lang in dict(settings.LANGUAGES):
            translation.activate(lang)
            request.LANGUAGE_CODE = lang
        return self.get_response(request)


OPEN_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/api/", "/health")


class SecondFactorMiddleware:
    """Staff whose role needs a second factor reach nothing but the sign-in pages until
    they have verified one (and set one up, the first time)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        membership = getattr(request, "membership", None)
        if (
            user.is_authenticated
            and membership is not None
            and membership.needs_second_factor
            and not user.is_verified()  # type: ignore[union-attr]
            and not request.path.startswith(OPEN_PREFIXES)
        ):
            from django_otp import devices_for_user

            has_device = any(True for _ in devices_for_user(user, confirmed=True))
            target = "accounts:otp_verify" if has_device else "accounts:otp_setup"
            return redirect(f"{reverse(target)}?next={request.get_full_path()}")
        return self.get_response(request)
