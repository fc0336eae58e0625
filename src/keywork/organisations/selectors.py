"""Who is acting, in which organisation and role."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from keywork.core.errors import AccessDenied
from keywork.organisations.models import LegalBasis, Membership, Organisation, Role, Unit

_ATTR = "_keywork_membership"


def memberships_for_user(user: Any) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user, is_active=True, user__is_active=True)
        .select_related("organisation")
        .order_by("organisation__name")
    )


def active_membership(user: Any, organisation_id: int | None = None) -> Membership | None:
    """The membership the user acts under now. Cached on the user object for the request."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    cached = getattr(user, _ATTR, None)
    if cached is not None and (organisation_id is None or cached.organisation_id ==
                               organisation_id):
        return cached
    qs = memberships_for_user(user).prefetch_related("units")
    if organisation_id is not None:
        qs = qs.filter(organisation_id=organisation_id)
    membership = qs.first()
    setattr(user, _ATTR, membership)
    return membership


def require_membership(user: Any, *roles: str) -> Membership:
    membership = active_membership(user)
    if membership is None or (roles and membership.role not in roles):
        raise AccessDenied("You do not have access to this page.")
    return membership


def unit_ids(membership: Membership) -> list[int]:
    return [u.pk for u in membership.units.all()]


def units_for_organisation(organisation: Organisation) -> QuerySet[Unit]:
    return Unit.objects.filter(organisation=organisation).order_by("name")


def legal_bases_for_organisation(organisation: Organisation) -> QuerySet[LegalBasis]:
    return LegalBasis.objects.filter(organisation=organisation)


def get_unit_for_user(*, user: Any, pk: int) -> Unit:
    membership = require_membership(user, Role.ADMINISTRATOR)
    try:
        return Unit.objects.get(pk=pk, organisation=membership.organisation)
    except Unit.DoesNotExist as exc:
        raise AccessDenied("No such unit.") from exc


def get_legal_basis_for_user(*, user: Any, pk: int) -> LegalBasis:
    membership = require_membership(user, Role.ADMINISTRATOR)
    try:
        return LegalBasis.objects.get(pk=pk, organisation=membership.organisation)
    except LegalBasis.DoesNotExist as exc:
        raise AccessDenied("No such legal basis.") from exc


def get_membership_for_user(*, user: Any, pk: int) -> Membership:
    membership = require_membership(user, Role.ADMINISTRATOR)
    try:
        return Membership.objects.select_related("user").get(
            pk=pk, organisation=membership.organisation
        )
    except Membership.DoesNotExist as exc:
        raise AccessDenied("No such account.") from exc


# --- The administrator's pages: accounts, units and settings, never client records ---------


def memberships_for_organisation(organisation: Organisation) -> QuerySet[Membership]:
    """Everyone in the organisation, with whether a confirmed second factor is set up."""
    from django.db.models import Exists, OuterRef
    from django_otp.plugins.otp_totp.models import TOTPDevice

    has_device = TOTPDevice.objects.filter(user_id=OuterRef("user_id"), confirmed=True)
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user", "organisation")
        .prefetch_related("units")
        .annotate(has_second_factor=Exists(has_device))
        .order_by("-is_active", "user__last_name", "user__first_name", "user__username")
    )


PEOPLE_LIMIT = 50
"""The people page shows this many first, and says when there are more."""


def people_filtered(organisation: Organisation, *, name: str = "", role: str = "",
                    unit_id: int | None = None, active: str = "",
                    limit: int | None = PEOPLE_LIMIT) -> tuple[list[Membership], bool]:
    """The organisation's people narrowed by a part of the name or username, a role, a
    unit and whether active ("yes", "no" or "" for both); the first ``limit`` (None: all)
    and whether there are more. Three queries, whatever the size."""
    from django.db.models import Q

    qs = memberships_for_organisation(organisation)
    for word in name.split():
        qs = qs.filter(Q(user__first_name__icontains=word) | Q(user__last_name__icontains=word)
                       | Q(user__username__icontains=word))
    if role:
        qs = qs.filter(role=role)
    if unit_id is not None:
        qs = qs.filter(units__id=unit_id)
    if active:
        qs = qs.filter(is_active=active == "yes")
    if limit is None:
        return list(qs), False
    found = list(qs[:limit + 1])
    return found[:limit], len(found) > limit


def units_with_counts(organisation: Organisation) -> QuerySet[Unit]:
    """Units with the number of active staff in each (no client data)."""
    from django.db.models import Count, Q

    return units_for_organisation(organisation).annotate(
        staff=Count("memberships", filter=Q(memberships__is_active=True), distinct=True),
    )


def legal_basis_in_use(legal_basis: LegalBasis) -> bool:
    return legal_basis.episodes.exists()
