"""Reads of emergency access: the grants that widen a staff member's read scope now, and
the grants supervisors review."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from keywork.audit.models import AuditEvent
from keywork.audit.services import audit_record
from keywork.breakglass.models import DEFAULT_HOURS, EmergencyAccessPolicy, Grant
from keywork.clients.models import Episode
from keywork.core.errors import AccessDenied
from keywork.organisations.models import Membership, Role
from keywork.organisations.selectors import active_membership, unit_ids

GRANT_ROLES = (Role.KEYWORKER, Role.SUPERVISOR)


def emergency_client_ids(membership: Membership) -> QuerySet[Grant, Any]:
    """The clients this membership may read now under an emergency access (a values query
    of client ids, for the scope rule). Read access only; never across organisations."""
    if membership.role not in GRANT_ROLES:
        return Grant.objects.none().values("client_id")
    return Grant.objects.filter(
        organisation_id=membership.organisation_id, user_id=membership.user_id,
        expires_at__gt=timezone.now()).values("client_id")


def emergency_scope(membership: Membership, *, write: bool) -> Q | None:
    """An emergency access opens a record for reading only, for a few hours (registered on
    ``clients.hooks.scope``)."""
    return None if write else Q(pk__in=emergency_client_ids(membership))


def hours_for(organisation_id: int) -> int:
    hours = (EmergencyAccessPolicy.objects.filter(organisation_id=organisation_id)
             .values_list("hours", flat=True).first())
    return int(hours) if hours else DEFAULT_HOURS


def active_grant(*, user: Any, client_id: int) -> Grant | None:
    """The user's running emergency access to this client, if any."""
    user_id = getattr(user, "pk", None)
    if user_id is None:
        return None
    return (Grant.objects.filter(user_id=user_id, client_id=client_id)
            .active().order_by("-expires_at").first())


def grants_of_user(membership: Membership) -> QuerySet[Grant]:
    return (Grant.objects.filter(organisation_id=membership.organisation_id,
                                 user_id=membership.user_id)
            .select_related("client", "reviewed_by").order_by("-granted_at"))


def _in_units(membership: Membership) -> Q:
    """Grants to clients with an episode in the units this supervisor is responsible for."""
    episodes = Episode.objects.filter(organisation_id=membership.organisation_id,
                                      unit_id__in=unit_ids(membership))
    return Q(client_id__in=episodes.values("client_id"))


def grants_for_supervisor(membership: Membership, *, to_review_only: bool = False
                          ) -> QuerySet[Grant]:
    """Emergency accesses to clients of this supervisor's units, newest first."""
    if membership.role != Role.SUPERVISOR:
        return Grant.objects.none()
    qs = Grant.objects.filter(_in_units(membership),
                              organisation_id=membership.organisation_id)
    if to_review_only:
        qs = qs.to_review()
    return qs.select_related("client", "user", "reviewed_by").order_by("-granted_at")


def get_grant_for_user(*, user: Any, pk: int, write: bool = False,
                       audit_view: bool = False) -> Grant:
    """A grant is open to the supervisors of the client's unit (who review it) and, to
    read, to the staff member who opened it. Reads and refusals are audited."""
    membership = active_membership(user)
    grant = None
    if membership is not None:
        qs = Grant.objects.select_related("client", "user", "reviewed_by").filter(
            organisation_id=membership.organisation_id)
        mine = Q(user_id=membership.user_id) if not write else Q(pk__in=[])
        if membership.role == Role.SUPERVISOR:
            qs = qs.filter(_in_units(membership) | mine)
        else:
            qs = qs.filter(mine)
        grant = qs.filter(pk=pk).first() if str(pk).isdigit() else None
    if grant is None or membership is None:
        audit_record(actor=user, action="denied", role=membership.role if membership else "",
                     organisation_id=membership.organisation_id if membership else None,
                     object_type="grant", object_id=str(pk)[:40])
        raise AccessDenied("This emergency access is not open to you.")
    if not write or audit_view:
        audit_record(actor=user, action="view", role=membership.role,
                     organisation_id=grant.organisation_id, client_id=grant.client_id,
                     obj=grant, detail="emergency access")
    return grant


def reads_during(grant: Grant) -> QuerySet[AuditEvent]:
    """What the staff member opened of the client's record while the access ran."""
    return AuditEvent.objects.filter(
        organisation_id=grant.organisation_id, client_id=grant.client_id,
        actor_id=grant.user_id, occurred_at__gte=grant.granted_at,
        occurred_at__lte=grant.expires_at, action="view").order_by("occurred_at", "id")
