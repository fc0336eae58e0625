"""The administrator's writes: accounts, units, legal bases and settings.

Each runs in one transaction, checks that the actor is an administrator of the same
organisation, and writes an audit row without a client (these are not clinical records).
Row history is kept by django-simple-history on every model touched here.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from keywork.audit.services import audit_record
from keywork.core.errors import ApplicationError
from keywork.organisations.models import LegalBasis, Membership, Organisation, Role, Unit

READABLE_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"

UNIT_FIELDS = ("name", "kind", "caseload_limit")
LEGAL_BASIS_FIELDS = ("code", "name", "is_coerced", "powers", "confidentiality_limits",
                      "is_active", "order")
SETTINGS_FIELDS = ("name", "managers_see_records", "ending_grace_days",
                   "keyworker_second_factor")


def generate_password() -> str:
    """A password to read out or copy once: four groups of four characters."""
    chars = "".join(secrets.choice(READABLE_ALPHABET) for _ in range(16))
    return "-".join(chars[i:i + 4] for i in range(0, 16, 4))


def _require_admin(actor: Membership) -> None:
    if actor.role != Role.ADMINISTRATOR or not actor.is_active:
        raise ApplicationError(_("Only an administrator can change accounts and settings."))


def _audit(actor: Membership, action: str, obj: Any, detail: str) -> None:
    audit_record(actor=actor.user, action=action, role=actor.role,
                 organisation_id=actor.organisation_id, obj=obj, detail=detail)


def _own_units(actor: Membership, units: Iterable[Unit]) -> list[Unit]:
    units = list(units)
    if any(u.organisation_id != actor.organisation_id for u in units):
        raise ApplicationError(_("That unit belongs to another organisation."), field="units")
    return units


def _apply(obj: Any, fields: tuple[str, ...], values: dict[str, Any]) -> list[str]:
    changed = [k for k in fields if k in values and getattr(obj, k) != values[k]]
    for key in changed:
        setattr(obj, key, values[key])
    return changed


# --- Accounts -------------------------------------------------------------------------------


@transaction.atomic
def membership_create(*, actor: Membership, username: str, role: str, units: Iterable[Unit],
                      first_name: str = "", last_name: str = "", email: str = "",
                      password: str = "") -> tuple[Membership, str]:
    """Create a person's account and their membership in the actor's organisation.

    Returns the membership and the password to show once: the one given, or a generated
    one when none was given.
    """
    _require_admin(actor)
    username = username.strip()
    if not username:
        raise ApplicationError(_("Give a username."), field="username")
    if role not in Role.values:
        raise ApplicationError(_("Choose a role."), field="role")
    accounts = get_user_model()
    if accounts.objects.filter(username__iexact=username).exists():
        raise ApplicationError(_("That username is taken. Choose another."), field="username")
    own_units = _own_units(actor, units)
    user = accounts(username=username, first_name=first_name.strip(),
                last_name=last_name.strip(), email=email.strip())
    generated = not password
    if generated:
        password = generate_password()
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        raise ApplicationError(" ".join(exc.messages), field="password") from exc
    user.set_password(password)
    user.save()
    membership = Membership.objects.create(organisation=actor.organisation, user=user,
                                           role=role)
    membership.units.set(own_units)
    _audit(actor, "create", membership, f"account created: {username} ({role})")
    return membership, password


@transaction.atomic
def membership_update(*, actor: Membership, membership: Membership, role: str,
                      units: Iterable[Unit], is_active: bool) -> Membership:
    """Change a person's role, units or whether they may sign in here. Deactivating keeps
    the account and everything it did: it only stops the membership from acting."""
    _require_admin(actor)
    if membership.organisation_id != actor.organisation_id:
        raise ApplicationError(_("That account belongs to another organisation."))
    if role not in Role.values:
        raise ApplicationError(_("Choose a role."), field="role")
    if membership.pk == actor.pk and (role != Role.ADMINISTRATOR or not is_active):
        raise ApplicationError(
            _("You cannot remove your own administrator access. Ask another administrator."))
    new_units = _own_units(actor, units)
    changed = _apply(membership, ("role", "is_active"), {"role": role, "is_active": is_active})
    if changed:
        membership.save()
    old_ids = {u.pk for u in membership.units.all()}
    if old_ids != {u.pk for u in new_units}:
        membership.units.set(new_units)
        changed.append("units")
    if changed:
        _audit(actor, "update", membership,
               f"account {membership.user.get_username()} changed: " + ", ".join(changed))
    return membership


# --- Units ----------------------------------------------------------------------------------


def _unique_unit_name(actor: Membership, name: str, exclude_pk: int | None = None) -> None:
    qs = Unit.objects.filter(organisation=actor.organisation, name__iexact=name.strip())
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    if qs.exists():
        raise ApplicationError(_("There is already a unit with that name."), field="name")


@transaction.atomic
def unit_create(*, actor: Membership, name: str, kind: str, caseload_limit: int) -> Unit:
    _require_admin(actor)
    if kind not in Unit.Kind.values:
        raise ApplicationError(_("Choose the kind of unit."), field="kind")
    _unique_unit_name(actor, name)
    unit = Unit.objects.create(organisation=actor.organisation, name=name.strip(), kind=kind,
                               caseload_limit=caseload_limit)
    _audit(actor, "create", unit, f"unit created: {unit.name}")
    return unit


@transaction.atomic
def unit_update(*, actor: Membership, unit: Unit, **fields: Any) -> Unit:
    _require_admin(actor)
    if unit.organisation_id != actor.organisation_id:
        raise ApplicationError(_("That unit belongs to another organisation."))
    if "kind" in fields and fields["kind"] not in Unit.Kind.values:
        raise ApplicationError(_("Choose the kind of unit."), field="kind")
    if "name" in fields:
        fields["name"] = fields["name"].strip()
        _unique_unit_name(actor, fields["name"], exclude_pk=unit.pk)
    changed = _apply(unit, UNIT_FIELDS, fields)
    if changed:
        unit.save()
        _audit(actor, "update", unit, "unit changed: " + ", ".join(changed))
    return unit


# --- Legal bases ----------------------------------------------------------------------------


def _unique_code(actor: Membership, code: str, exclude_pk: int | None = None) -> None:
    qs = LegalBasis.objects.filter(organisation=actor.organisation, code=code)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    if qs.exists():
        raise ApplicationError(_("There is already a legal basis with that code."),
                               field="code")


def _check_basis(fields: dict[str, Any]) -> None:
    if "confidentiality_limits" in fields and not str(fields["confidentiality_limits"]).strip():
        raise ApplicationError(
            _("Write what the worker must pass on, and to whom."),
            field="confidentiality_limits")


@transaction.atomic
def legal_basis_create(*, actor: Membership, code: str, name: str,
                       confidentiality_limits: str, is_coerced: bool = False,
                       powers: str = "", is_active: bool = True, order: int = 0
                       ) -> LegalBasis:
    _require_admin(actor)
    _check_basis({"confidentiality_limits": confidentiality_limits})
    _unique_code(actor, code)
    basis = LegalBasis.objects.create(
        organisation=actor.organisation, code=code, name=name.strip(), is_coerced=is_coerced,
        powers=powers.strip(), confidentiality_limits=confidentiality_limits.strip(),
        is_active=is_active, order=order,
    )
    _audit(actor, "create", basis, f"legal basis created: {code}")
    return basis


@transaction.atomic
def legal_basis_update(*, actor: Membership, legal_basis: LegalBasis, **fields: Any
                       ) -> LegalBasis:
    """Change a legal basis. Its code is fixed once episodes use it: research data and
    exports refer to it. Introductions keep the limits of confidentiality as explained."""
    _require_admin(actor)
    if legal_basis.organisation_id != actor.organisation_id:
        raise ApplicationError(_("That legal basis belongs to another organisation."))
    _check_basis(fields)
    if "code" in fields and fields["code"] != legal_basis.code:
        if legal_basis.episodes.exists():
            raise ApplicationError(
                _("Episodes use this legal basis, so its code cannot change."), field="code")
        _unique_code(actor, fields["code"], exclude_pk=legal_basis.pk)
    changed = _apply(legal_basis, LEGAL_BASIS_FIELDS, fields)
    if changed:
        legal_basis.save()
        _audit(actor, "update", legal_basis,
               f"legal basis {legal_basis.code} changed: " + ", ".join(changed))
    return legal_basis


# --- Settings -------------------------------------------------------------------------------


@transaction.atomic
def organisation_update(*, actor: Membership, **fields: Any) -> Organisation:
    _require_admin(actor)
    organisation = actor.organisation
    if "name" in fields:
        fields["name"] = str(fields["name"]).strip()
        if not fields["name"]:
            raise ApplicationError(_("Give the organisation a name."), field="name")
    changed = _apply(organisation, SETTINGS_FIELDS, fields)
    if changed:
        organisation.save()
        _audit(actor, "update", organisation, "settings changed: " + ", ".join(changed))
    return organisation


@transaction.atomic
def account_unlock(*, actor: Membership, membership: Membership) -> int:
    """Lift a sign-in lockout for this person (all addresses). Returns the attempts cleared."""
    from axes.utils import reset

    _require_admin(actor)
    cleared = reset(username=membership.user.get_username())
    _audit(actor, "update", membership, f"sign-in lockout lifted ({cleared} attempts)")
    return cleared


@transaction.atomic
def second_factor_reset(*, actor: Membership, membership: Membership) -> int:
    """Remove this person's authenticator devices: at the next sign-in they set up a new
    one. For a lost or replaced phone."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    _require_admin(actor)
    if membership.user_id == actor.user_id:
        raise ApplicationError(_("Ask another administrator to reset your own second "
                                 "factor."))
    removed, _detail = TOTPDevice.objects.filter(user=membership.user).delete()
    _audit(actor, "update", membership, f"second factor reset ({removed} devices removed)")
    return removed
