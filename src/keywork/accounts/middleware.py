from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation

SEEN_KEY = "keywork_seen"


class IdleTimeoutMiddleware:
    """Keeps the idle timeout without writing the session on every request.

    The session is stored with an expiry of ``SESSION_COOKIE_AGE`` from its last save.
    Instead of saving on every request, a session that holds anything is saved again only
    when its last save is at least ``SESSION_REFRESH_SECONDS`` old (or when something in it
    changed). A session therefore ends between ``SESSION_COOKIE_AGE - SESSION_REFRESH_SECONDS``
    and ``SESSION_COOKIE_AGE`` after the last request: never later than the idle time, and
    most requests read the session without writing it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.is_empty():
            return response  # nobody signed in: never start a session for a visitor
        now = int(time.time())
        seen = session.get(SEEN_KEY)
        stale = not isinstance(seen, int) or now - seen >= settings.SESSION_REFRESH_SECONDS
        if session.modified or stale:
            session[SEEN_KEY] = now  # saved by the session middleware on the way out
        return response


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


OPEN_PREFIXES = ("/accounts/", "/static/", "/api/", "/health", "/c/")


def is_verified(user: Any) -> bool:
    """Whether this session's user has passed a second factor (set by django-otp)."""
    check = getattr(user, "is_verified", None)
    return bool(check()) if callable(check) else False


def has_confirmed_device(user: Any) -> bool:
    from django_otp import devices_for_user

    return any(True for _ in devices_for_user(user, confirmed=True))


def second_factor_step(request: HttpRequest, next_url: str | None = None) -> str | None:
    """Where a signed-in person must go before anything else: the code page (they have an
    authenticator) or the set-up page (they have none yet). None when nothing is missing."""
    user = request.user
    membership = getattr(request, "membership", None)
    if (
        not user.is_authenticated
        or membership is None
        or not membership.needs_second_factor
        or is_verified(user)
    ):
        return None
    target = "accounts:otp_verify" if has_confirmed_device(user) else "accounts:otp_setup"
    query = urlencode({"next": next_url if next_url is not None else request.get_full_path()})
    return f"{reverse(target)}?{query}"


class SecondFactorMiddleware:
    """Staff whose role needs a second factor reach nothing but the sign-in pages until
    they have verified one (and set one up, the first time). The account pages under
    /accounts/ check it themselves where it matters; the API refuses such a session in
    its authentication class."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(OPEN_PREFIXES):
            step = second_factor_step(request)
            if step is not None:
                return redirect(step)
        return self.get_response(request)
