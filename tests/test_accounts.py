"""Signing in, lockout, the second factor, the idle timeout, language and my account."""

from __future__ import annotations

import base64
import datetime as dt
import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session as DjangoSession
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

import keywork.settings as production_settings
from keywork.accounts.models import User
from keywork.audit.models import AuditEvent
from tests.helpers import login_as
from tests.world import PASSWORD

LOGIN = "accounts:login"


def sign_in(http: HttpClient, username: str, password: str = PASSWORD, next_url: str = "",
            **extra: Any) -> Any:
    data = {"username": username, "password": password}
    if next_url:
        data["next"] = next_url
    return http.post(reverse(LOGIN), data, **extra)


def code_for(device: TOTPDevice, steps: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time += steps * device.step
    return f"{totp.token():0{device.digits}d}"


def wrong_code(device: TOTPDevice) -> str:
    """A code that no accepted time step (now and its neighbours) produces."""
    accepted = {code_for(device, s) for s in range(-device.tolerance - 1, device.tolerance + 2)}
    return next(f"{n:06d}" for n in range(1000) if f"{n:06d}" not in accepted)


def confirmed_device(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def is_signed_in(http: HttpClient) -> bool:
    resp = http.get(reverse("accounts:preferences"))
    return resp.wsgi_request.user.is_authenticated


@pytest.fixture
def frozen():
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


# --- signing in ----------------------------------------------------------------------------


def test_keyworker_signs_in_with_password_and_reaches_the_start_page(world):
    http = HttpClient()
    resp = sign_in(http, "keyworker")
    assert resp.status_code == 302
    assert resp["Location"] == reverse("home")
    assert is_signed_in(http)


def test_wrong_password_shows_the_form_again_and_signs_nobody_in(world):
    http = HttpClient()
    resp = sign_in(http, "keyworker", "not-the-password")
    assert resp.status_code == 200
    assert resp.context["form"].errors
    assert not resp.wsgi_request.user.is_authenticated


def test_sign_in_follows_a_local_next_but_never_another_site(world):
    resp = sign_in(HttpClient(), "keyworker", next_url="/accounts/")
    assert resp["Location"] == "/accounts/"
    resp = sign_in(HttpClient(), "keyworker", next_url="https://evil.example.org/")
    assert resp["Location"] == reverse("home")


def test_signed_in_person_opening_the_sign_in_page_is_sent_on(world):
    http = login_as(HttpClient(), world.keyworker)
    resp = http.get(reverse(LOGIN))
    assert resp.status_code == 302
    assert resp["Location"] == reverse("home")


def test_argon2_is_the_first_password_hasher_in_the_configured_settings():
    assert production_settings.PASSWORD_HASHERS[0] == (
        "django.contrib.auth.hashers.Argon2PasswordHasher")


# --- lockout ----------------------------------------------------------------------------------


def test_lockout_after_the_failure_limit_refuses_even_the_right_password_until_cool_off(
        world, frozen):
    http = HttpClient()
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        assert sign_in(http, "keyworker", "wrong-password").status_code == 200
    locked = sign_in(http, "keyworker", "wrong-password")
    assert locked.status_code == 429
    assert "accounts/locked_out.html" in [t.name for t in locked.templates]
    minutes = round(settings.AXES_COOLOFF_TIME * 60)
    assert f"{minutes} minutes" in locked.content.decode()
    assert "administrator" in locked.content.decode()

    refused = sign_in(http, "keyworker")
    assert refused.status_code == 429
    assert not refused.wsgi_request.user.is_authenticated

    frozen.shift(dt.timedelta(minutes=minutes) - dt.timedelta(seconds=30))
    assert sign_in(http, "keyworker").status_code == 429

    frozen.shift(dt.timedelta(minutes=1))
    resp = sign_in(http, "keyworker")
    assert resp.status_code == 302
    assert is_signed_in(http)


def test_lockout_is_for_the_username_from_that_address_only(world):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(HttpClient(), "keyworker", "wrong-password", REMOTE_ADDR="10.0.0.7")
    assert sign_in(HttpClient(), "keyworker", REMOTE_ADDR="10.0.0.7").status_code == 429
    assert sign_in(HttpClient(), "keyworker", REMOTE_ADDR="10.0.0.8").status_code == 302
    assert sign_in(HttpClient(), "colleague", REMOTE_ADDR="10.0.0.7").status_code == 302


# --- second factor ------------------------------------------------------------------------------


def test_supervisor_with_password_only_cannot_open_dashboards_until_setting_up_a_code(
        world, frozen):
    http = HttpClient()
    dashboard = reverse("dashboards:supervisor")
    resp = sign_in(http, "supervisor", next_url=dashboard)
    assert resp.status_code == 302
    assert resp["Location"].startswith(reverse("accounts:otp_setup"))

    blocked = http.get(dashboard)
    assert blocked.status_code == 302
    assert blocked["Location"].startswith(reverse("accounts:otp_setup"))

    page = http.get(resp["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert 'src="data:image/svg+xml' in html
    device = TOTPDevice.objects.get(user=world.supervisor, confirmed=False)
    secret = page.context["secret"].replace(" ", "")
    assert secret in html.replace(" ", "")
    assert bytes.fromhex(device.key) == base64.b32decode(secret)

    wrong = http.post(reverse("accounts:otp_setup"), {"code": wrong_code(device),
                                                       "next": dashboard})
    assert wrong.status_code == 200
    assert wrong.context["form"].errors["code"]
    assert wrong.context["secret"] == page.context["secret"], "the secret must not change"
    assert http.get(dashboard).status_code == 302

    frozen.shift(dt.timedelta(seconds=5))  # past the device's short wait after a wrong code
    device.refresh_from_db()
    done = http.post(reverse("accounts:otp_setup"), {"code": code_for(device),
                                                      "next": dashboard})
    assert done.status_code == 302
    assert done["Location"] == dashboard
    device.refresh_from_db()
    assert device.confirmed
    assert http.get(dashboard).status_code == 200


def test_supervisor_with_an_authenticator_must_type_its_code_before_dashboards(world, frozen):
    device = confirmed_device(world.supervisor)
    http = HttpClient()
    dashboard = reverse("dashboards:supervisor")
    resp = sign_in(http, "supervisor", next_url=dashboard)
    assert resp["Location"].startswith(reverse("accounts:otp_verify"))
    assert http.get(dashboard).status_code == 302

    wrong = http.post(reverse("accounts:otp_verify"), {"code": wrong_code(device),
                                                        "next": dashboard})
    assert wrong.status_code == 200
    assert wrong.context["form"].errors["code"]

    frozen.shift(dt.timedelta(seconds=5))
    ok = http.post(reverse("accounts:otp_verify"), {"code": code_for(device),
                                                     "next": dashboard})
    assert ok.status_code == 302
    assert ok["Location"] == dashboard
    assert http.get(dashboard).status_code == 200


def test_code_page_never_sends_anyone_to_another_site(world, frozen):
    device = confirmed_device(world.supervisor)
    http = HttpClient()
    sign_in(http, "supervisor")
    resp = http.post(reverse("accounts:otp_verify"), {"code": code_for(device),
                                                       "next": "//evil.example.org/"})
    assert resp.status_code == 302
    assert resp["Location"] == reverse("home")


def test_wrong_codes_count_toward_the_lockout_and_end_the_session(world, frozen):
    device = confirmed_device(world.supervisor)
    http = HttpClient()
    sign_in(http, "supervisor")
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        resp = http.post(reverse("accounts:otp_verify"), {"code": wrong_code(device)})
        assert resp.status_code == 200
    locked = http.post(reverse("accounts:otp_verify"), {"code": wrong_code(device)})
    assert locked.status_code == 429
    assert "accounts/locked_out.html" in [t.name for t in locked.templates]
    assert not is_signed_in(http)
    assert sign_in(HttpClient(), "supervisor").status_code == 429


def test_typing_the_password_again_does_not_reset_the_count_of_wrong_codes(world, frozen):
    device = confirmed_device(world.supervisor)
    limit = settings.AXES_FAILURE_LIMIT
    http = HttpClient()
    sign_in(http, "supervisor")
    for _ in range(limit - 1):
        http.post(reverse("accounts:otp_verify"), {"code": wrong_code(device)})
    http.post(reverse("accounts:logout"))
    again = HttpClient()
    assert sign_in(again, "supervisor").status_code == 302
    locked = again.post(reverse("accounts:otp_verify"), {"code": wrong_code(device)})
    assert locked.status_code == 429


def test_a_completed_sign_in_clears_earlier_failures(world, frozen):
    device = confirmed_device(world.supervisor)
    http = HttpClient()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(http, "supervisor", "wrong-password")
    sign_in(http, "supervisor")
    assert http.post(reverse("accounts:otp_verify"), {"code": code_for(device)}).status_code \
        == 302
    http.post(reverse("accounts:logout"))
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(HttpClient(), "supervisor", "wrong-password").status_code == 200
    assert sign_in(HttpClient(), "supervisor").status_code == 302


def test_an_authenticator_cannot_be_replaced_before_the_current_code_is_typed(world):
    confirmed_device(world.supervisor)
    http = login_as(HttpClient(), world.supervisor, verified=False)
    resp = http.get(reverse("accounts:otp_setup"))
    assert resp.status_code == 302
    assert resp["Location"].startswith(reverse("accounts:otp_verify"))
    resp = http.post(reverse("accounts:otp_setup"), {"code": "123456"})
    assert resp.status_code == 302
    assert not TOTPDevice.objects.filter(user=world.supervisor, confirmed=False).exists()


def test_a_verified_person_can_replace_their_authenticator_and_the_old_one_stops(
        world, frozen):
    http = login_as(HttpClient(), world.supervisor)
    old = TOTPDevice.objects.get(user=world.supervisor, confirmed=True)
    page = http.get(reverse("accounts:otp_setup"))
    assert page.status_code == 200
    assert page.context["replacing"]
    new = TOTPDevice.objects.get(user=world.supervisor, confirmed=False)
    resp = http.post(reverse("accounts:otp_setup"), {"code": code_for(new)})
    assert resp.status_code == 302
    assert list(TOTPDevice.objects.filter(user=world.supervisor)) == [new]
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()


def test_anonymous_visitors_of_the_code_pages_are_sent_to_sign_in(db):
    for name in ("accounts:otp_verify", "accounts:otp_setup", "accounts:preferences"):
        resp = HttpClient().get(reverse(name))
        assert resp.status_code == 302
        assert resp["Location"].startswith(reverse(LOGIN))


# --- signing out and the idle timeout ------------------------------------------------------------


def test_sign_out_is_post_only_and_ends_the_session(world):
    http = login_as(HttpClient(), world.keyworker)
    assert http.get(reverse("accounts:logout")).status_code == 405
    assert is_signed_in(http)
    resp = http.post(reverse("accounts:logout"))
    assert resp.status_code == 200
    assert "accounts/logged_out.html" in [t.name for t in resp.templates]
    assert not is_signed_in(http)


def test_session_expires_after_the_idle_time_and_activity_keeps_it_alive(world, frozen):
    idle = dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    minute = dt.timedelta(minutes=1)
    http = login_as(HttpClient(), world.keyworker)
    assert is_signed_in(http)
    frozen.shift(idle - minute)
    assert is_signed_in(http), "activity within the idle time keeps the session"
    frozen.shift(idle - minute)  # longer than the idle time since signing in, in total
    assert is_signed_in(http), "each request starts the idle time again"
    frozen.shift(idle + minute)
    resp = http.get(reverse("accounts:preferences"))
    assert resp.status_code == 302
    assert resp["Location"].startswith(reverse(LOGIN))


def _session_writes(http: HttpClient, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert http.get(url).status_code == 200
    return [q["sql"] for q in captured.captured_queries
            if "django_session" in q["sql"]
            and q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]


def _stored_expiry(http: HttpClient) -> dt.datetime:
    key = http.cookies[settings.SESSION_COOKIE_NAME].value
    return DjangoSession.objects.get(session_key=key).expire_date


def test_a_request_that_changes_nothing_does_not_write_the_session(world, frozen):
    http = login_as(HttpClient(), world.keyworker)
    url = reverse("accounts:preferences")
    http.get(url)  # the first request after signing in notes when the session was seen
    assert _session_writes(http, url) == []
    frozen.shift(dt.timedelta(seconds=settings.SESSION_REFRESH_SECONDS - 1))
    assert _session_writes(http, url) == []


def test_the_session_is_saved_again_once_the_refresh_interval_has_passed(world, frozen):
    http = login_as(HttpClient(), world.keyworker)
    url = reverse("accounts:preferences")
    http.get(url)
    before = _stored_expiry(http)
    frozen.shift(dt.timedelta(seconds=settings.SESSION_REFRESH_SECONDS))
    assert len(_session_writes(http, url)) == 1
    after = _stored_expiry(http)
    assert after - before == dt.timedelta(seconds=settings.SESSION_REFRESH_SECONDS)
    assert after == timezone.now() + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)


def test_the_idle_timeout_is_never_longer_than_the_setting(world, frozen):
    """Requests just inside the refresh interval do not move the expiry, so the session
    ends at most the interval before the idle time, never after it."""
    idle = dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    almost = dt.timedelta(seconds=settings.SESSION_REFRESH_SECONDS - 1)
    http = login_as(HttpClient(), world.keyworker)
    assert is_signed_in(http)
    frozen.shift(almost)
    assert is_signed_in(http)
    frozen.shift(idle - almost)  # the idle time since the last save, not since the last request
    resp = http.get(reverse("accounts:preferences"))
    assert resp.status_code == 302
    assert resp["Location"].startswith(reverse(LOGIN))


def test_a_visitor_who_is_not_signed_in_gets_no_session(db):
    http = HttpClient()
    http.get(reverse("accounts:login"))
    http.get(reverse("health"))
    assert settings.SESSION_COOKIE_NAME not in http.cookies
    assert not DjangoSession.objects.exists()


# --- language ----------------------------------------------------------------------------------


def test_language_switch_saves_the_preference_and_the_next_request_uses_it(world):
    http = login_as(HttpClient(), world.keyworker)
    resp = http.post(reverse("accounts:set_language"),
                     {"language": "sv", "next": reverse("accounts:preferences")})
    assert resp.status_code == 302
    assert resp["Location"] == reverse("accounts:preferences")
    world.keyworker.refresh_from_db()
    assert world.keyworker.language == "sv"
    page = http.get(reverse("accounts:preferences"))
    assert page["Content-Language"] == "sv"
    assert page.wsgi_request.LANGUAGE_CODE == "sv"


def test_saved_language_follows_the_person_to_another_browser(world):
    User.objects.filter(pk=world.keyworker.pk).update(language="sv")
    world.keyworker.refresh_from_db()
    http = login_as(HttpClient(HTTP_ACCEPT_LANGUAGE="en"), world.keyworker)
    assert http.get(reverse("accounts:preferences"))["Content-Language"] == "sv"
    anonymous = HttpClient(HTTP_ACCEPT_LANGUAGE="en")
    assert anonymous.get(reverse(LOGIN))["Content-Language"] == "en"


def test_language_switch_without_signing_in_sets_this_browser_only(world):
    http = HttpClient()
    resp = http.post(reverse("accounts:set_language"),
                     {"language": "sv", "next": "https://evil.example.org/"})
    assert resp.status_code == 302
    assert resp["Location"] == reverse("home")
    assert resp.cookies[settings.LANGUAGE_COOKIE_NAME].value == "sv"
    assert http.get(reverse(LOGIN))["Content-Language"] == "sv"
    assert not User.objects.exclude(language="").exists()


def test_language_switch_ignores_an_unknown_language(world):
    http = login_as(HttpClient(), world.keyworker)
    http.post(reverse("accounts:set_language"), {"language": "xx", "next": "/"})
    world.keyworker.refresh_from_db()
    assert world.keyworker.language == ""


def test_page_header_language_switch_posts_to_the_accounts_view(db):
    html = HttpClient().get(reverse(LOGIN)).content.decode()
    assert f'action="{reverse("accounts:set_language")}"' in html


def test_preferences_save_a_language_and_blank_returns_to_the_browser(world):
    http = login_as(HttpClient(HTTP_ACCEPT_LANGUAGE="en"), world.keyworker)
    url = reverse("accounts:preferences")
    http.post(url, {"action": "language", "lang-language": "sv"})
    world.keyworker.refresh_from_db()
    assert world.keyworker.language == "sv"
    assert http.get(url)["Content-Language"] == "sv"
    http.post(url, {"action": "language", "lang-language": ""})
    world.keyworker.refresh_from_db()
    assert world.keyworker.language == ""
    assert http.get(url)["Content-Language"] == "en"


# --- my account ---------------------------------------------------------------------------------


def test_password_change_keeps_the_person_signed_in(world):
    http = login_as(HttpClient(), world.keyworker)
    new = "Blue-kettle-morning-42"
    resp = http.post(reverse("accounts:preferences"), {
        "action": "password", "pw-old_password": PASSWORD, "pw-new_password1": new,
        "pw-new_password2": new})
    assert resp.status_code == 302
    world.keyworker.refresh_from_db()
    assert world.keyworker.check_password(new)
    assert is_signed_in(http)


def test_password_change_with_the_wrong_old_password_changes_nothing(world):
    http = login_as(HttpClient(), world.keyworker)
    resp = http.post(reverse("accounts:preferences"), {
        "action": "password", "pw-old_password": "not-it", "pw-new_password1": "Blue-kettle-42",
        "pw-new_password2": "Blue-kettle-42"})
    assert resp.status_code == 200
    assert resp.context["password_form"].errors["old_password"]
    world.keyworker.refresh_from_db()
    assert world.keyworker.check_password(PASSWORD)


def test_my_account_shows_the_second_factor_status(world):
    needs = login_as(HttpClient(), world.supervisor, verified=False)
    resp = needs.get(reverse("accounts:preferences"))
    assert resp.status_code == 302, "an unverified supervisor must finish the second factor"
    http = login_as(HttpClient(), world.keyworker)
    page = http.get(reverse("accounts:preferences"))
    assert page.status_code == 200
    assert page.context["device"] is not None
    assert not page.context["needs_second_factor"]


def test_api_token_is_shown_once_and_a_new_one_replaces_it(world):
    http = login_as(HttpClient(), world.keyworker)
    first = http.post(reverse("accounts:token"), {"action": "create"})
    assert first.status_code == 200
    key = Token.objects.get(user=world.keyworker).key
    assert key in first.content.decode()
    assert first["Cache-Control"].startswith("max-age=0")
    page = http.get(reverse("accounts:preferences"))
    assert key not in page.content.decode()
    http.post(reverse("accounts:token"), {"action": "create"})
    assert Token.objects.get(user=world.keyworker).key != key
    assert AuditEvent.objects.filter(object_type="api_token", action="create").count() == 2


def test_api_token_can_be_revoked(world):
    http = login_as(HttpClient(), world.keyworker)
    http.post(reverse("accounts:token"), {"action": "create"})
    resp = http.post(reverse("accounts:token"), {"action": "revoke"})
    assert resp.status_code == 302
    assert not Token.objects.filter(user=world.keyworker).exists()


def test_api_token_needs_a_verified_second_factor_where_the_role_needs_one(world):
    http = login_as(HttpClient(), world.supervisor, verified=False)
    resp = http.post(reverse("accounts:token"), {"action": "create"})
    assert resp.status_code == 302
    assert not Token.objects.filter(user=world.supervisor).exists()
    assert http.get(reverse("accounts:token")).status_code == 405


def test_api_token_is_only_for_staff_of_a_service(db):
    nobody = User.objects.create_user(username="nobody", password=PASSWORD)
    http = login_as(HttpClient(), nobody)
    resp = http.post(reverse("accounts:token"), {"action": "create"})
    assert resp.status_code == 403
    assert not Token.objects.filter(user=nobody).exists()


# --- the production configuration ----------------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
CHECK = ("import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'keywork.settings');"
         " django.setup(); from django.core.management import call_command;"
         " call_command('check', '--deploy', '--fail-level', 'WARNING')")


def _production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """A clean environment: nothing from the test run (no KEYWORK_TESTING) leaks in."""
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path),
           "KEYWORK_DATA_DIR": str(tmp_path)}
    env.update(extra)
    return env


def test_deploy_check_is_clean_in_a_production_configuration(tmp_path):
    env = _production_env(tmp_path, DEBUG="0", SECRET_KEY=secrets.token_urlsafe(50),
                          ALLOWED_HOSTS="keywork.example.org")
    done = subprocess.run([sys.executable, "-c", CHECK], env=env, cwd=ROOT,  # noqa: S603
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_settings_refuse_to_load_with_the_default_secret_key_and_no_debug(tmp_path):
    done = subprocess.run([sys.executable, "-c", CHECK], env=_production_env(tmp_path),  # noqa: S603
                          cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode != 0
    assert "ImproperlyConfigured" in done.stderr
    assert "SECRET_KEY is the default development key" in done.stderr
