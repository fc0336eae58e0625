"""Signing in and out, the second factor, language and the person's own account page.

Lockout: django-axes counts failed sign-ins per username and IP address. A wrong password
counts through Django's ``authenticate`` (axes' backend sees the request). A wrong code on
the second-factor page counts too: the view sends Django's ``user_login_failed`` signal
with the username, which axes records exactly as it records a wrong password, so wrong
passwords and wrong codes share one limit and one cool-off. Failures are cleared only when
the whole sign-in has succeeded (after the code, where one is needed), never by a correct
password alone, so typing the password again does not buy new guesses at the code.
django-otp's own throttling (a growing wait after each wrong code) works on top of that.
"""

from __future__ import annotations

import base64
import datetime as dt
from functools import wraps
from typing import Any, cast
from urllib.parse import urlencode

import segno
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_ip_address, get_cool_off
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import devices_for_user, verify_token
from django_otp import login as otp_login
from rest_framework.authtoken.models import Token

from keywork.accounts import services
from keywork.accounts.forms import CodeForm, LanguageForm
from keywork.accounts.middleware import has_confirmed_device, is_verified, second_factor_step
from keywork.accounts.models import User
from keywork.organisations.selectors import active_membership

ViewFunc = Any


# --- helpers ---------------------------------------------------------------------------------


def safe_next(request: HttpRequest, default: str = "") -> str:
    """The ``next`` address from the form or the query, only if it stays on this site."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default or reverse(settings.LOGIN_REDIRECT_URL)


def _with_next(name: str, next_url: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


def _credentials(user: Any) -> dict[str, str]:
    return {getattr(settings, "AXES_USERNAME_FORM_FIELD", "username"): user.get_username()}


def _sign_in_complete(request: HttpRequest, user: Any) -> None:
    """The person is fully signed in: forget their failed attempts from this address."""
    axes_reset(ip=get_client_ip_address(request), username=user.get_username())


def _user(request: HttpRequest) -> User:
    """The signed-in person (only in views behind login_required)."""
    return cast(User, request.user)


def _end_session(request: HttpRequest) -> None:
    auth_logout(request)
    request.membership = None  # type: ignore[attr-defined]


def locked_out(request: HttpRequest, original_response: HttpResponse | None = None,
               credentials: dict[str, Any] | None = None) -> HttpResponse:
    """The lockout page (settings.AXES_LOCKOUT_CALLABLE): how long, and whom to ask."""
    cool_off = get_cool_off(request) or dt.timedelta(0)
    minutes = max(1, round(cool_off.total_seconds() / 60))
    return render(request, "accounts/locked_out.html", {"minutes": minutes},
                  status=getattr(settings, "AXES_HTTP_RESPONSE_CODE", 429))


def second_factor_verified(view: ViewFunc) -> ViewFunc:
    """For account pages under /accounts/ (which the middleware leaves open): a person
    whose role needs a second factor must have passed it here too."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        step = second_factor_step(request, next_url=reverse("accounts:preferences"))
        if step is not None:
            return redirect(step)
        return view(request, *args, **kwargs)

    return wrapper


# --- signing in and out ----------------------------------------------------------------------


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def login(request: HttpRequest) -> HttpResponse:
    """Username and password; then the second factor where the role needs one."""
    next_url = safe_next(request)
    if request.user.is_authenticated and request.method != "POST":
        return redirect(next_url)
    form = AuthenticationForm(request, data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        auth_login(request, user)
        membership = active_membership(user)
        request.membership = membership  # type: ignore[attr-defined]
        if membership is not None and membership.needs_second_factor:
            target = "accounts:otp_verify" if has_confirmed_device(user) else "accounts:otp_setup"
            return redirect(_with_next(target, next_url))
        _sign_in_complete(request, user)
        return redirect(next_url)
    return render(request, "accounts/login.html", {
        "form": form, "next": next_url,
        "failure_limit": settings.AXES_FAILURE_LIMIT,
    })


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    """Sign out and say so; the page offers to sign in again (a shared device is safe).
    Someone who is not signed in is simply sent to the sign-in page."""
    if not request.user.is_authenticated:
        return redirect(settings.LOGIN_URL)
    _end_session(request)
    return render(request, "accounts/logged_out.html")


# --- second factor ---------------------------------------------------------------------------


@login_required
@never_cache
def otp_verify(request: HttpRequest) -> HttpResponse:
    """The code from the person's authenticator app. Wrong codes count toward the lockout
    through django-axes (see the module docstring); at the limit the session ends."""
    user = request.user
    next_url = safe_next(request)
    if is_verified(user):
        return redirect(next_url)
    if AxesProxyHandler.is_locked(request, _credentials(user)):
        _end_session(request)
        return locked_out(request)
    devices = list(devices_for_user(user, confirmed=True))
    if not devices:
        return redirect(_with_next("accounts:otp_setup", next_url))
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        throttled = not all(device.verify_is_allowed()[0] for device in devices)
        for device in devices:
            matched = verify_token(user, device.persistent_id, form.cleaned_data["code"])
            if matched is not None:
                otp_login(request, matched)
                _sign_in_complete(request, user)
                return redirect(next_url)
        user_login_failed.send(sender=__name__, credentials=_credentials(user),
                               request=request)
        if getattr(request, "axes_locked_out", False):
            _end_session(request)
            return locked_out(request)
        if throttled:
            form.add_error("code", _("Several wrong codes in a row: wait half a minute, then "
                                     "type the code your app shows at that moment."))
        else:
            form.add_error("code", _("That code did not match. Type the code your app shows "
                                     "now; it changes every 30 seconds."))
    return render(request, "accounts/otp_verify.html", {"form": form, "next": next_url})


def _qr_data_uri(uri: str) -> str:
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=4, dark="#000",
                                                   light="#fff")


def _grouped(secret: str) -> str:
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


@login_required
@never_cache
def otp_setup(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: a QR code and the secret to type by hand, then one code
    to prove it works. Replacing an app needs the current one first."""
    user = request.user
    verified = is_verified(user)
    next_url = safe_next(request)
    if not verified and has_confirmed_device(user):
        return redirect(_with_next("accounts:otp_verify", next_url))
    device = services.totp_device_pending(user=user)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if verify_token(user, device.persistent_id, form.cleaned_data["code"]) is not None:
            device.refresh_from_db()
            services.totp_device_confirm(user=user, device=device)
            otp_login(request, device)
            _sign_in_complete(request, user)
            messages.success(request, _("Your authenticator app is set up. Keywork will ask "
                                        "for its code each time you sign in."))
            return redirect(next_url)
        form.add_error("code", _("That code did not match. Check that the time on your "
                                 "phone is right, then type the code the app shows now. "
                                 "The QR code and the secret have not changed."))
    secret = base64.b32encode(device.bin_key).decode()
    return render(request, "accounts/otp_setup.html", {
        "form": form, "next": next_url, "qr": _qr_data_uri(device.config_url),
        "secret": _grouped(secret), "replacing": verified,
    })


# --- language ----------------------------------------------------------------------------------


def _set_language_cookie(response: HttpResponse, language: str) -> None:
    if not language:
        response.delete_cookie(settings.LANGUAGE_COOKIE_NAME, path=settings.LANGUAGE_COOKIE_PATH,
                               domain=settings.LANGUAGE_COOKIE_DOMAIN,
                               samesite=settings.LANGUAGE_COOKIE_SAMESITE)
        return
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, language, max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH, domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE, httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """The language switch in the page header: this browser from now on and, for a
    signed-in person, their saved preference."""
    language = request.POST.get("language", "")
    response = redirect(safe_next(request))
    if language in dict(settings.LANGUAGES):
        _set_language_cookie(response, language)
        if request.user.is_authenticated:
            services.user_set_language(user=_user(request), language=language)
    return response


# --- my account ---------------------------------------------------------------------------------


def _may_hold_token(request: HttpRequest) -> bool:
    return getattr(request, "membership", None) is not None


@login_required
@second_factor_verified
def preferences(request: HttpRequest) -> HttpResponse:
    """My account: language, password, second factor and API token."""
    user = _user(request)
    action = request.POST.get("action") if request.method == "POST" else None
    language_form = LanguageForm(request.POST if action == "language" else None,
                                 prefix="lang", initial={"language": user.language})
    password_form = PasswordChangeForm(user, request.POST if action == "password" else None,
                                       prefix="pw")
    # One page, several forms: the cursor should not jump to the password on arrival.
    password_form.fields["old_password"].widget.attrs.pop("autofocus", None)
    if action == "language" and language_form.is_valid():
        language = language_form.cleaned_data["language"]
        services.user_set_language(user=user, language=language)
        messages.success(request, _("Your language is saved."))
        response = redirect("accounts:preferences")
        _set_language_cookie(response, language)
        return response
    if action == "password" and password_form.is_valid():
        password_form.save()
        update_session_auth_hash(request, password_form.user)
        messages.success(request, _("Your password is changed."))
        return redirect("accounts:preferences")
    membership = getattr(request, "membership", None)
    device = next(iter(devices_for_user(user, confirmed=True)), None)
    return render(request, "accounts/preferences.html", {
        "language_form": language_form,
        "password_form": password_form,
        "needs_second_factor": bool(membership and membership.needs_second_factor),
        "device": device,
        "may_hold_token": _may_hold_token(request),
        "token": Token.objects.filter(user=user).only("created").first(),
    })


@login_required
@require_POST
@never_cache
@second_factor_verified
def token(request: HttpRequest) -> HttpResponse:
    """Create (or replace) the person's API token and show it once; or revoke it."""
    membership = getattr(request, "membership", None)
    if not _may_hold_token(request):
        return render(request, "core/error.html", {"code": 403}, status=403)
    if request.POST.get("action") == "revoke":
        if services.api_token_revoke(user=request.user, membership=membership):
            messages.success(request, _("Your API token is revoked. Programs using it can no "
                                        "longer reach Keywork."))
        return redirect("accounts:preferences")
    issued = services.api_token_issue(user=request.user, membership=membership)
    return render(request, "accounts/token.html", {"key": issued.key})
