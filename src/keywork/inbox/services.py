"""Writes of the inbox: notifications (made once per person and cause), marking them read,
and the organisation's severities."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from keywork.audit.services import audit_record
from keywork.clients.models import Episode
from keywork.core import matters
from keywork.core.errors import ApplicationError
from keywork.inbox import channels
from keywork.inbox.models import InboxSettings, Notification, NotificationKind
from keywork.organisations.models import Membership, Role, Unit
from keywork.safeguarding.models import Concern


def count_key(membership_id: int) -> str:
    return f"inbox:count:{membership_id}"


def forget_counts(user_ids: Any, organisation_id: int) -> None:
    """The cached counts of these people are stale (a notification for them was made)."""
    ids = list(Membership.objects.filter(organisation_id=organisation_id,
                                         user_id__in=list(user_ids))
               .values_list("pk", flat=True))
    cache.delete_many([count_key(i) for i in ids])


def concern_units(concern: Concern) -> list[int]:
    """The units responsible for the concern's client: those of the open episodes, or of
    the latest episode when none is open."""
    episodes = list(Episode.objects.filter(organisation_id=concern.organisation_id,
                                           client_id=concern.client_id)
                    .order_by("-start_date", "-id").values_list("unit_id", "end_date"))
    open_units = [u for u, end in episodes if end is None]
    return open_units or [u for u, _end in episodes[:1]]


def _members(organisation_id: int, role: str, unit_ids: list[int] | None = None
             ) -> list[int]:
    qs = Membership.objects.filter(organisation_id=organisation_id, role=role,
                                   is_active=True, user__is_active=True)
    if unit_ids is not None:
        qs = qs.filter(units__in=unit_ids)
    return sorted(set(qs.values_list("user_id", flat=True)))


def _send(concern: Concern, kind: str, with_client: list[int], without_client: list[int]
          ) -> list[Notification]:
    units = ", ".join(Unit.objects.filter(pk__in=concern_units(concern))
                      .order_by("name").values_list("name", flat=True))
    params = {"category": concern.category, "risk": concern.risk_level, "unit": units,
              "raised_on": timezone.localtime(concern.created_at).isoformat()}
    url = reverse("safeguarding:concern", kwargs={"pk": concern.pk})
    made: list[Notification] = []
    for user_id, client_id, link in (
            [(u, concern.client_id, url) for u in with_client]
            + [(u, None, "") for u in without_client if u not in with_client]):
        note, created = Notification.objects.get_or_create(
            organisation_id=concern.organisation_id, recipient_id=user_id, kind=kind,
            ref=f"concern:{concern.pk}",
            defaults={"client_id": client_id, "url": link, "params": params})
        if created:
            note.channels = channels.deliver(note)
            note.save(update_fields=["channels", "updated_at"])
            made.append(note)
    if made:
        forget_counts([n.recipient_id for n in made], concern.organisation_id)
    return made


def notify_concern_raised(concern: Concern) -> list[Notification]:
    """An urgent concern (high risk, immediate danger, or about a child) reaches every
    supervisor of the client's unit at once; the person who raised it is not told of their
    own concern."""
    if not concern.is_urgent:
        return []
    supervisors = [u for u in _members(concern.organisation_id, Role.SUPERVISOR,
                                       concern_units(concern)) if u != concern.raised_by_id]
    return _send(concern, NotificationKind.CONCERN_URGENT, supervisors, [])


def notify_concern_escalated(concern: Concern) -> list[Notification]:
    """A concern past its time limit without a decision: every supervisor of the unit is
    told it is overdue (those not yet told of it among them), and so are the managers. A
    manager is told about the unit, without the client's name or a link to the record."""
    supervisors = [u for u in _members(concern.organisation_id, Role.SUPERVISOR,
                                       concern_units(concern)) if u != concern.raised_by_id]
    managers = _members(concern.organisation_id, Role.MANAGER)
    return _send(concern, NotificationKind.CONCERN_ESCALATED, supervisors, managers)


@transaction.atomic
def notification_read(*, membership: Membership, notification: Notification) -> Notification:
    if notification.recipient_id != membership.user_id:
        raise ApplicationError(_("This notification is not yours."), code="not_found")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at", "updated_at"])
        cache.delete(count_key(membership.pk))
    return notification


@transaction.atomic
def inbox_settings_update(*, membership: Membership, severities: dict[str, Any]
                          ) -> InboxSettings:
    """Store the severities that differ from each kind's default. Only an administrator;
    only kinds that allow it; only the known severities."""
    if membership.role != Role.ADMINISTRATOR:
        raise ApplicationError(_("Only an administrator changes these settings."))
    known = matters.kinds()
    differs: dict[str, int] = {}
    for key, value in severities.items():
        kind = known.get(key)
        if kind is None or not kind.settable:
            raise ApplicationError(_("This kind of matter cannot be given another "
                                     "severity."), field=key if kind else None)
        try:
            level = int(value)
        except (TypeError, ValueError):
            raise ApplicationError(_("Choose one of the severities."), field=key) from None
        if level not in matters.SEVERITIES:
            raise ApplicationError(_("Choose one of the severities."), field=key)
        if level != kind.severity:
            differs[key] = level
    stored, _created = InboxSettings.objects.update_or_create(
        organisation_id=membership.organisation_id, defaults={"severities": differs})
    audit_record(actor=membership.user, action="update", role=membership.role,
                 organisation_id=membership.organisation_id, obj=stored,
                 detail="inbox severities: " + (", ".join(
                     f"{k}={v}" for k, v in sorted(differs.items())) or "defaults"))
    return stored
