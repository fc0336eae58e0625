"""Test helpers: sign in as a user, second factor included when their role needs it."""

from __future__ import annotations

from typing import Any

from django.test import Client as HttpClient
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice


def login_as(http: HttpClient, user: Any, *, verified: bool = True) -> HttpClient:
    """Sign ``user`` in. ``verified`` also completes the TOTP step (a confirmed device)."""
    http.force_login(user)
    if verified:
        device, _ = TOTPDevice.objects.get_or_create(
            user=user, name="test", defaults={"confirmed": True})
        session = http.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    user.__dict__.pop("_keywork_membership", None)
    return http
