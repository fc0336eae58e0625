"""Reads of clients and episodes. Every client record is reached through
``get_client_for_user``: it decides scope (role × unit × active relationship) and writes
the audit row."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from keywork.audit.services import audit_record
from keywork.clients import hooks
from keywork.clients.models import HOLDS_EPISODE_OPEN, Client, Episode
from keywork.core.errors import AccessDenied
from keywork.organisations.models import Membership, Role
from keywork.organisations.selectors import active_membership, unit_ids

RECORD_ROLES = (Role.KEYWORKER, Role.SUPERVISOR, Role.MANAGER)


def clients_for_membership(membership: Membership | None, *, write: bool = False
                           ) -> QuerySet[Client]:
    """The clients whose records this membership may open. Default deny."""
    if membership is None or membership.role not in RECORD_ROLES:
        return Client.objects.none()
    org = membership.organisation
    base = Client.objects.filter(organisation=org)
    # The keyworker's own clients, and an emergency access for reading (``hooks.scope``).
    own = hooks.widened(membership, write=write)
    if membership.role == Role.KEYWORKER:
        return base.filter(own) if own is not None else Client.objects.none()
    if membership.role == Role.SUPERVISOR:
        in_units = Q(pk__in=Episode.objects.filter(
            organisation=org, unit_id__in=unit_ids(membership)).values("client_id"))
        return base.filter(own | in_units if own is not None else in_units)
    if membership.role == Role.MANAGER and org.managers_see_records and not write:
        return base
    return Client.objects.none()


def clients_for_user(user: Any, *, write: bool = False) -> QuerySet[Client]:
    return clients_for_membership(active_membership(user), write=write)


def get_client_for_user(*, user: Any, pk: int, write: bool = False,
                        audit_view: bool = False, purpose: str = "",
                        supervise: bool = False) -> Client:
    """The one way to open a client record. Refusals and reads are both audited.

    ``write``: to change the record (a read is then not audited, the service audits the
    change) unless ``audit_view`` says the page also shows it. ``supervise``: a supervisor's
    page about the client (an episode, a boundary event outside a relationship): anyone
    else who may open the record is refused as well."""
    membership = active_membership(user)
    try:
        client = clients_for_membership(membership, write=write).get(pk=pk)
    except (Client.DoesNotExist, ValueError, TypeError) as exc:
        audit_record(
            actor=user, action="denied", role=membership.role if membership else "",
            organisation_id=membership.organisation_id if membership else None,
            object_type="client", object_id=str(pk)[:40], detail=purpose[:200],
        )
        raise AccessDenied("This client record is not open to you.") from exc
    assert membership is not None
    if supervise and membership.role != Role.SUPERVISOR:
        # The record is within their scope (no refusal of the record to audit): the page
        # is a supervisor's.
        raise AccessDenied("This page is for the unit's supervisors.")
    if not write or audit_view:
        audit_record(
            actor=user, action="view", role=membership.role,
            organisation_id=client.organisation_id, client_id=client.pk, obj=client,
            detail=purpose or "client record",
        )
    return client


def get_client_for_supervisor(*, user: Any, pk: int, purpose: str) -> tuple[Membership, Client]:
    """A client record, for a supervisor of one of the units the client has an episode in.

    Anyone else is refused before the record is opened, and the refusal is audited.
    """
    membership = active_membership(user)

    def refuse() -> AccessDenied:
        audit_record(
            actor=user, action="denied", role=membership.role if membership else "",
            organisation_id=membership.organisation_id if membership else None,
            object_type="client", object_id=str(pk)[:40], detail=purpose[:200],
        )
        return AccessDenied("This client record is not open to you.")

    if membership is None or membership.role != Role.SUPERVISOR:
        raise refuse()
    if not Episode.objects.filter(organisation=membership.organisation, client_id=pk,
                                  unit_id__in=unit_ids(membership)).exists():
        raise refuse()
    client = get_client_for_user(user=user, pk=pk, purpose=purpose)
    return membership, client


def audit_list(*, user: Any, what: str, clients: list[Client] | list[int]) -> None:
    """Lists of clients are audited as one row naming the clients shown."""
    membership = active_membership(user)
    ids = [c if isinstance(c, int) else c.pk for c in clients]
    if not ids or membership is None:
        return
    shown = ",".join(str(i) for i in ids[:60])
    more = f" (+{len(ids) - 60})" if len(ids) > 60 else ""
    audit_record(
        actor=user, action="list", role=membership.role,
        organisation_id=membership.organisation_id, detail=f"{what}: {shown}{more}",
    )


def get_episode_for_user(*, user: Any, pk: int, write: bool = False,
                         audit_view: bool = False, supervise: bool = False) -> Episode:
    try:
        episode = Episode.objects.select_related("client", "unit", "legal_basis").get(pk=pk)
    except (Episode.DoesNotExist, ValueError) as exc:
        raise AccessDenied("This episode is not open to you.") from exc
    get_client_for_user(user=user, pk=episode.client_id, write=write, audit_view=audit_view,
                        purpose="episode", supervise=supervise)
    return episode


def may_write_client(membership: Membership | None, client: Client) -> bool:
    """Whether this membership may change the client's record (no audit: used to decide
    which actions a page offers, after the read accessor has been passed)."""
    return clients_for_membership(membership, write=True).filter(pk=client.pk).exists()


def may_supervise_client(membership: Membership | None, client: Client) -> bool:
    return (membership is not None and membership.role == Role.SUPERVISOR
            and may_write_client(membership, client))


def relationships_to_end_first(episode: Episode) -> list[Any]:
    """The episode's relationships that must move to their ending before it ends."""
    return list(episode.relationships.filter(status__in=HOLDS_EPISODE_OPEN)
                .select_related("keyworker").order_by("-proposed_on", "-id"))


def episodes_of_client(client: Client) -> QuerySet[Episode]:
    return client.episodes.select_related("unit", "legal_basis").order_by("-start_date", "-id")


# --- change history (django-simple-history) ------------------------------------------------

HISTORY_SKIP = frozenset({"id", "organisation", "created_at", "updated_at", "pseudonym"})


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    when: dt.datetime
    who: str
    kind: str  # "+" created, "~" changed, "-" deleted
    what: str
    changes: list[FieldChange]


def _shown_value(model: type[Model], name: str, value: object,
                 cache: dict[tuple[str, object], str]) -> str:
    if value is None or value == "":
        return "—"
    field = model._meta.get_field(name)
    related = field.related_model
    if field.is_relation and isinstance(related, type) and issubclass(related, Model):
        key = (name, value)
        if key not in cache:
            obj = related._default_manager.filter(pk=value).first()
            cache[key] = str(obj) if obj is not None else f"#{value}"
        return cache[key]
    choices = getattr(field, "flatchoices", None)
    if choices:
        return str(dict(choices).get(value, value))
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def history_entries(instance: Model, *, what: str = "") -> list[HistoryEntry]:
    """Who changed what and when, oldest first, with the fields that changed in each
    version. Read only after the accessor for the record has been passed."""
    model = type(instance)
    records = list(instance.history.select_related("history_user")  # type: ignore[attr-defined]
                   .order_by("history_date", "history_id"))
    cache: dict[tuple[str, object], str] = {}
    entries: list[HistoryEntry] = []
    previous = None
    for record in records:
        changes: list[FieldChange] = []
        if previous is not None:
            delta = record.diff_against(previous)
            for change in delta.changes:
                if change.field in HISTORY_SKIP:
                    continue
                label = str(getattr(model._meta.get_field(change.field), "verbose_name",
                                    change.field))
                changes.append(FieldChange(
                    field=change.field, label=label[:1].upper() + label[1:],
                    old=_shown_value(model, change.field, change.old, cache),
                    new=_shown_value(model, change.field, change.new, cache)))
        user = record.history_user
        if record.history_type == "~" and not changes:
            previous = record
            continue
        entries.append(HistoryEntry(
            when=record.history_date, who=str(user) if user is not None else "",
            kind=record.history_type, what=what or str(model._meta.verbose_name),
            changes=changes))
        previous = record
    return entries


# --- staff search for a client -------------------------------------------------------------

SEARCH_MIN_LENGTH = 2
SEARCH_LIMIT = 25
"""A search shows at most this many clients and says when there are more: a few letters
more narrow it, and no page counts every match."""


@dataclass(frozen=True)
class SearchResult:
    query: str
    problem: str  # why nothing was searched ("" when the search ran)
    clients: list[Client]
    more: bool  # more clients matched than are shown


def client_search(membership: Membership, query: str) -> SearchResult:
    """Clients within this person's scope (``clients_for_membership``) by name, reference
    (the pseudonym) or birth year (four digits), with their open episode's unit.

    A client with a protected identity is found by reference only: a name or a birth year
    must not pick them out of a list. The clients shown are audited as one list row, as
    any list of clients; a search that shows nobody writes nothing."""
    query = " ".join(query.split())[:100]
    if not query:
        return SearchResult(query, _("Type a name, a reference or a birth year."), [], False)
    if len(query) < SEARCH_MIN_LENGTH:
        return SearchResult(query, _("Type at least two letters or digits."), [], False)
    words = query.split(" ")
    match = Q()
    for word in words:
        match &= Q(given_name__icontains=word) | Q(family_name__icontains=word)
    match = match & Q(protected_identity=False)
    match |= Q(pseudonym__iexact=query)
    if query.upper().startswith("K-") and len(query) >= 4:
        match |= Q(pseudonym__istartswith=query, protected_identity=False)
    if query.isdigit() and len(query) == 4:
        match |= Q(date_of_birth__year=int(query), protected_identity=False)
    found = list(
        clients_for_membership(membership).filter(match)
        .order_by("family_name", "given_name", "pk")[:SEARCH_LIMIT + 1])
    more = len(found) > SEARCH_LIMIT
    found = found[:SEARCH_LIMIT]
    open_episodes: dict[int, Episode] = {}
    for ep in (Episode.objects.filter(client_id__in=[c.pk for c in found], end_date=None)
               .select_related("unit").order_by("start_date", "pk")):
        open_episodes[ep.client_id] = ep
    for client in found:
        client.open_episode = open_episodes.get(client.pk)  # type: ignore[attr-defined]
    audit_list(user=membership.user, what=f"search {query[:40]!r}", clients=found)
    return SearchResult(query, "", found, more)
