"""Writes to a staff member's own account: language, second factor, API token."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from keywork.accounts.models import User
from keywork.audit.services import audit_record
from keywork.organisations.models import Membership

PENDING_DEVICE_NAME = "Authenticator app"


def user_set_language(*, user: User, language: str) -> User:
    """Save the language preference ('' means: follow the browser)."""
    if language and language not in dict(settings.LANGUAGES):
        language = ""
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user


def totp_device_pending(*, user: Any) -> TOTPDevice:
    """The unconfirmed device being set up: the same one until it is confirmed, so a
    reload or a mistyped code never changes the secret under the person's feet."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=PENDING_DEVICE_NAME,
                                           confirmed=False)
    return device


@transaction.atomic
def totp_device_confirm(*, user: Any, device: TOTPDevice) -> TOTPDevice:
    """Make this device the person's one second factor; any earlier one stops working."""
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return device


def _audit_account(membership: Membership | None, user: Any, action: str, detail: str) -> None:
    audit_record(actor=user, action=action, role=membership.role if membership else "",
                 organisation_id=membership.organisation_id if membership else None,
                 object_type="api_token", object_id=str(user.pk), detail=detail)


@transaction.atomic
def api_token_issue(*, user: Any, membership: Membership | None) -> Token:
    """A new API token for the person; an earlier one stops working at once."""
    Token.objects.filter(user=user).delete()
    token = Token.objects.create(user=user)
    _audit_account(membership, user, "create", "API token created")
    return token


@transaction.atomic
def api_token_revoke(*, user: Any, membership: Membership | None) -> bool:
    deleted, _ = Token.objects.filter(user=user).delete()
    if deleted:
        _audit_account(membership, user, "update", "API token revoked")
    return bool(deleted)
