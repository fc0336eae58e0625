from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import ngettext

from keywork.audit.services import audit_record
from keywork.clients.models import Client
from keywork.clients.selectors import clients_for_membership
from keywork.core.errors import AccessDenied
from keywork.organisations.models import Membership, Organisation, Role, Unit
from keywork.organisations.selectors import active_membership
from keywork.relationships.models import OPEN_STATUSES, Relationship, Status


def keyworker_relationships(membership: Membership, *, write: bool = False
                            ) -> QuerySet[Relationship]:
    """Relationships that give this person access now: open ones they key-work or cover,
    and closed ones they key-worked within the grace period to write the ending."""
    grace_start = timezone.now() - dt.timedelta(days=membership.organisation.grace_days)
    user_id = membership.user_id
    return Relationship.objects.filter(organisation_id=membership.organisation_id).filter(
        Q(status__in=OPEN_STATUSES, keyworker_id=user_id)
        | Q(status__in=OPEN_STATUSES, deputy_id=user_id)
        | Q(status=Status.CLOSED, keyworker_id=user_id, closed_at__gte=grace_start)
    )


def own_clients_scope(membership: Membership, *, write: bool) -> Q:
    """The clients of the relationships that give this person access now (registered on
    ``clients.hooks.scope``)."""
    return Q(pk__in=keyworker_relationships(membership).values("client_id"))


def get_relationship_for_user(*, user: Any, pk: int, write: bool = False,
                              audit_view: bool = False, supervise: bool = False
                              ) -> Relationship:
    """Read: anyone who may open the client. Write: the keyworker or deputy whose
    relationship gives access now, or a supervisor of the unit. ``supervise``: a
    supervisor's page about the relationship (changing the deputy): only the unit's
    supervisors."""
    membership = active_membership(user)
    qs = Relationship.objects.select_related(
        "client", "episode", "episode__unit", "episode__legal_basis", "keyworker", "deputy",
        "organisation", "introduction")
    try:
        rel = qs.get(pk=pk, client__in=clients_for_membership(membership, write=write))
        if write and membership is not None and membership.role == Role.KEYWORKER and (
                not keyworker_relationships(membership).filter(pk=pk).exists()):
            # A keyworker writes only to a relationship that gives them access now.
            raise Relationship.DoesNotExist
    except (Relationship.DoesNotExist, ValueError) as exc:
        audit_record(
            actor=user, action="denied", role=membership.role if membership else "",
            organisation_id=membership.organisation_id if membership else None,
            object_type="relationship", object_id=str(pk)[:40],
        )
        raise AccessDenied("This relationship is not open to you.") from exc
    assert membership is not None
    if supervise and membership.role != Role.SUPERVISOR:
        raise AccessDenied("This page is for the unit's supervisors.")
    if not write or audit_view:
        audit_record(actor=user, action="view", role=membership.role,
                     organisation_id=rel.organisation_id, client_id=rel.client_id, obj=rel)
    return rel


def client_of_relationship_for_user(*, user: Any, pk: int) -> int:
    """The client of a relationship this person may read (the read rule of
    ``get_relationship_for_user``), for a link that leads on to the client's page. Only a
    refusal is audited here: the page the link leads to audits the read, once."""
    membership = active_membership(user)
    found = (Relationship.objects.filter(pk=pk, client__in=clients_for_membership(membership))
             .values_list("client_id", flat=True).first()) if str(pk).isdigit() else None
    if found is None or membership is None:
        audit_record(
            actor=user, action="denied", role=membership.role if membership else "",
            organisation_id=membership.organisation_id if membership else None,
            object_type="relationship", object_id=str(pk)[:40],
        )
        raise AccessDenied("This relationship is not open to you.")
    return int(found)


def relationships_for_user(user: Any) -> QuerySet[Relationship]:
    membership = active_membership(user)
    return Relationship.objects.filter(client__in=clients_for_membership(membership))


def caseload_for_worker(user: Any) -> QuerySet[Relationship]:
    """The relationships a keyworker carries or covers now, open ones first."""
    membership = active_membership(user)
    if membership is None:
        return Relationship.objects.none()
    return keyworker_relationships(membership).select_related(
        "client", "episode", "episode__unit", "episode__legal_basis", "keyworker", "deputy")


def relationships_of_client(client: Client) -> list[Relationship]:
    """Every relationship of one client, newest first, with what a page shows of each."""
    return list(
        Relationship.objects.filter(client=client, organisation_id=client.organisation_id)
        .select_related("keyworker", "deputy", "episode", "episode__unit",
                        "episode__legal_basis", "introduction", "introduction__recorded_by",
                        "introduction_waived_by")
        .order_by("-proposed_on", "-id"))


_CURRENT_ORDER = {Status.ACTIVE: 0, Status.PROPOSED: 1, Status.ENDING: 2}


def current_relationship(relationships: Iterable[Relationship],
                         user_id: int | None = None) -> Relationship | None:
    """The open relationship a page works with: the viewer's own if they key-work or cover
    one, otherwise the active one, then a proposed one, then one that is ending."""
    open_ = [r for r in relationships if r.status in OPEN_STATUSES]
    mine = [r for r in open_ if user_id is not None and user_id in (r.keyworker_id,
                                                                     r.deputy_id)]
    for group in (mine, open_):
        if group:
            return min(group, key=lambda r: _CURRENT_ORDER[Status(r.status)])
    return None


def may_write_relationship(membership: Membership | None, relationship: Relationship) -> bool:
    """The same rule as the write accessor, without an audit row: used to decide which
    actions a page offers after the read accessor has been passed."""
    if membership is None:
        return False
    if membership.role == Role.KEYWORKER:
        return keyworker_relationships(membership).filter(pk=relationship.pk).exists()
    return clients_for_membership(membership, write=True).filter(
        pk=relationship.client_id).exists()


@dataclass(frozen=True)
class Candidate:
    user_id: int
    name: str
    role: str
    in_unit: bool


def allocation_candidates(*, organisation: Organisation, unit: Unit) -> list[Candidate]:
    """Who can be a keyworker or deputy: active keyworkers and supervisors of the
    organisation, those working in the episode's unit first."""
    rows = (
        Membership.objects.filter(organisation=organisation, is_active=True,
                                  user__is_active=True,
                                  role__in=(Role.KEYWORKER, Role.SUPERVISOR))
        .annotate(in_unit=Exists(Membership.units.through.objects.filter(
            membership_id=OuterRef("pk"), unit_id=unit.pk)))
        .select_related("user")
        .order_by("-in_unit", "user__first_name", "user__last_name", "user__username")
    )
    return [Candidate(user_id=m.user_id, name=str(m.user), role=m.get_role_display(),
                      in_unit=bool(m.in_unit)) for m in rows]


def open_caseload_warnings(membership: Membership) -> list[str]:
    """Open keyworker relationships a person still carries when their account is made
    inactive (registered on ``organisations.hooks.leaving_warnings``)."""
    still = Relationship.objects.filter(
        organisation=membership.organisation, keyworker=membership.user,
        status__in=OPEN_STATUSES,
    ).count()
    if not still:
        return []
    return [ngettext(
        "This person still holds %(n)s open keyworker relationship. Ask a "
        "supervisor to reassign it.",
        "This person still holds %(n)s open keyworker relationships. Ask a "
        "supervisor to reassign them.", still) % {"n": still}]
