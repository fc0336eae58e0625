"""Reads of the inbox: everything one person must act on, from every registered source,
most pressing first, grouped by client; their notifications; the count in the navigation.

The queries are fixed in number whatever the number of matters: each source reads its rows
for every keyworker of the scope at once, and the gatherer adds the scope of clients, the
clients' names, the organisation's severities and the notifications."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from keywork.accounts.models import User
from keywork.audit.services import audit_record
from keywork.clients.models import Client
from keywork.clients.selectors import clients_for_membership
from keywork.core import matters
from keywork.core.errors import AccessDenied
from keywork.core.matters import Folded, Matter, Scope
from keywork.inbox.models import InboxSettings, Notification, NotificationKind
from keywork.inbox.services import count_key
from keywork.organisations.models import Membership, Role
from keywork.organisations.selectors import active_membership, unit_ids
from keywork.safeguarding.models import Category, Risk

COUNT_SECONDS = 600
# "Changed since" for an inbox: the pattern changes of the past fortnight.
PATTERN_DAYS = 14

SEVERITY_WORDS = {
    matters.URGENT: gettext_lazy("Urgent"), matters.HIGH: gettext_lazy("High"),
    matters.MEDIUM: gettext_lazy("Medium"), matters.LOW: gettext_lazy("Low"),
}


def severity_label(level: int) -> str:
    return str(SEVERITY_WORDS.get(level, level))


def severities_for(organisation_id: int) -> dict[str, int]:
    """Each kind's severity in this organisation: the default unless the administrator set
    another (and the kind allows it)."""
    stored = InboxSettings.objects.filter(organisation_id=organisation_id).first()
    chosen = stored.severities if stored else {}
    out = {}
    for key, kind in matters.kinds().items():
        value = chosen.get(key)
        out[key] = value if (kind.settable and value in matters.SEVERITIES) else kind.severity
    return out


def inbox_scope(membership: Membership) -> Scope:
    """A keyworker: their own relationships. A supervisor: their own and those of every
    keyworker who works in one of their units, and the matters of those units that belong
    to no keyworker. Anyone else: none (their inbox holds their notifications)."""
    since = timezone.now() - dt.timedelta(days=PATTERN_DAYS)
    if membership.role == Role.KEYWORKER:
        return Scope(organisation_id=membership.organisation_id,
                     worker_ids=(membership.user_id,), since=since, viewer=membership,
                     worker_copy=False)
    if membership.role == Role.SUPERVISOR:
        units = tuple(unit_ids(membership))
        workers = set(User.objects.filter(
            memberships__organisation_id=membership.organisation_id,
            memberships__is_active=True, memberships__role=Role.KEYWORKER,
            memberships__units__in=units, is_active=True).values_list("pk", flat=True))
        workers.add(membership.user_id)
        return Scope(organisation_id=membership.organisation_id,
                     worker_ids=tuple(sorted(workers)), since=since, viewer=membership,
                     unit_ids=units, worker_copy=False)
    return Scope(organisation_id=membership.organisation_id, worker_ids=(), since=since,
                 viewer=membership, worker_copy=False)


@dataclass
class Item:
    """One line of the inbox: a matter, or several of one cause folded together."""
    folded: Folded
    severity: int

    @property
    def lead(self) -> Matter:
        return self.folded.lead

    @property
    def facts(self) -> list[Matter]:
        return self.folded.facts

    @property
    def since(self) -> dt.datetime | None:
        return self.folded.since

    @property
    def severity_label(self) -> str:
        return severity_label(self.severity)

    @property
    def days(self) -> int | None:
        if self.since is None:
            return None
        return max(0, (timezone.now() - self.since).days)


@dataclass
class Group:
    client: Client | None
    items: list[Item] = field(default_factory=list)

    @property
    def severity(self) -> int:
        return min(i.severity for i in self.items)


@dataclass(frozen=True)
class Note:
    """A notification as its reader sees it: in words, with the client only where the
    reader may open the client now."""
    notification: Notification
    title: str
    client: Client | None


# Clients shown at first; the rest behind "Show all" (a supervisor of a large service may
# have thousands of matters, and the most pressing come first anyway).
GROUP_LIMIT = 40


@dataclass
class Inbox:
    groups: list[Group]
    notifications: list[Note]
    failed: list[str]
    total: int
    more_groups: int = 0  # clients with matters not shown (see ``GROUP_LIMIT``)
    more_items: int = 0  # their matters

    @property
    def urgent(self) -> int:
        return sum(1 for g in self.groups for i in g.items if i.severity == matters.URGENT)


def _age_key(item: Item) -> tuple[int, float]:
    since = item.since
    return (item.severity, since.timestamp() if since else float("inf"))


def arrange(found: list[Matter], severities: dict[str, int],
            clients: dict[int, Client]) -> list[Group]:
    """Severity (the organisation's) on each matter; one cause folded into one item; items
    by severity, then oldest first; grouped by client, each group where its most pressing
    item would stand. Pure over what it is given (no queries)."""
    levelled = [m if m.key not in severities else _with_severity(m, severities[m.key])
                for m in found]
    levelled.sort(key=lambda m: (m.severity, m.priority, m.ref))
    items = [Item(folded=f, severity=f.severity) for f in matters.fold(levelled)]
    items.sort(key=_age_key)
    groups: dict[int | None, Group] = {}
    order: list[Group] = []
    for item in items:
        cid = item.lead.client_id
        group = groups.get(cid)
        if group is None:
            group = groups[cid] = Group(client=clients.get(cid) if cid else None)
            order.append(group)
        group.items.append(item)
    return order


def _with_severity(matter: Matter, level: int) -> Matter:
    return replace(matter, severity=level)


def inbox_for(membership: Membership, *, audit: bool = True,
              limit: int | None = GROUP_LIMIT) -> Inbox:
    """What the person must act on, grouped by client, most pressing first; with
    ``limit``, only the first so many clients' groups (the counts of the rest are given).
    Only the clients shown are audited as read."""
    scope = inbox_scope(membership)
    found, failed = matters.gather(scope) if scope.worker_ids or scope.unit_ids else ([], [])
    notes = list(Notification.objects.filter(organisation_id=membership.organisation_id,
                                             recipient_id=membership.user_id,
                                             read_at__isnull=True)
                 .order_by("-created_at", "-id")[:50])
    client_ids = ({m.client_id for m in found if m.client_id is not None}
                  | {n.client_id for n in notes if n.client_id is not None})
    open_clients = {c.pk: c for c in clients_for_membership(membership)
                    .filter(pk__in=client_ids)} if client_ids else {}
    found = [m for m in found if m.client_id is None or m.client_id in open_clients]
    groups = arrange(found, severities_for(membership.organisation_id), open_clients)
    total = sum(len(g.items) for g in groups)
    hidden = groups[limit:] if limit is not None else []
    groups = groups[:limit] if limit is not None else groups
    shown_notes = [Note(notification=n, title=notification_title(n),
                        client=open_clients.get(n.client_id) if n.client_id else None)
                   for n in notes]
    shown = sorted({g.client.pk for g in groups if g.client is not None}
                   | {n.client.pk for n in shown_notes if n.client is not None})
    if audit and shown:
        audit_record(actor=membership.user, action="list", role=membership.role,
                     organisation_id=membership.organisation_id,
                     detail="inbox: " + ",".join(str(c) for c in shown[:60])
                     + (f" (+{len(shown) - 60})" if len(shown) > 60 else ""))
    return Inbox(groups=groups, notifications=shown_notes, failed=failed, total=total,
                 more_groups=len(hidden), more_items=sum(len(g.items) for g in hidden))


def inbox_count(membership: Membership) -> tuple[int | None, int]:
    """(items, unread notifications) for the navigation, in one query on any page. The
    unread notifications are counted live: an urgent concern shows at once. The number of
    items is the one the person's inbox had when it was last built (``remember_count``),
    for ``COUNT_SECONDS``, and None when not known: building the inbox on every page would
    cost every page the inbox's queries."""
    unread = Notification.objects.filter(organisation_id=membership.organisation_id,
                                         recipient_id=membership.user_id,
                                         read_at__isnull=True).count()
    items = cache.get(count_key(membership.pk))
    return (None if items is None else int(items)), unread


def remember_count(membership: Membership, inbox: Inbox) -> None:
    cache.set(count_key(membership.pk), inbox.total, COUNT_SECONDS)


# --- notifications in words --------------------------------------------------------------


def notification_title(note: Notification) -> str:
    category = dict(Category.choices).get(note.params.get("category", ""), "")
    risk = dict(Risk.choices).get(note.params.get("risk", ""), "")
    if note.kind == NotificationKind.CONCERN_ESCALATED:
        if note.client_id is None:
            return _("A safeguarding concern in %(unit)s has had no decision within the "
                     "time limit (%(category)s, risk: %(risk)s).") % {
                         "unit": note.params.get("unit", ""), "category": category,
                         "risk": risk}
        return _("No decision yet, past the time limit: %(category)s, risk: %(risk)s.") % {
            "category": category, "risk": risk}
    return _("Urgent safeguarding concern: %(category)s, risk: %(risk)s.") % {
        "category": category, "risk": risk}


def get_notification_for_user(*, user: Any, pk: int) -> Notification:
    """A notification opens only for its recipient."""
    membership = active_membership(user)
    note = None
    if membership is not None and isinstance(pk, int):
        note = Notification.objects.filter(pk=pk, recipient_id=user.pk,
                                           organisation_id=membership.organisation_id).first()
    if note is None:
        audit_record(actor=user, action="denied", role=membership.role if membership else "",
                     organisation_id=membership.organisation_id if membership else None,
                     object_type="notification", object_id=str(pk)[:40])
        raise AccessDenied("This notification is not yours.")
    return note
