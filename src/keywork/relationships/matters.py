"""What the relationships app brings to supervision and to the inbox: relationships still
without a recorded introduction, and (to a supervisor's inbox) clients in an open episode
who have no keyworker."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from keywork.clients.models import Episode
from keywork.core.matters import HIGH, LOW, Matter, Scope
from keywork.organisations.models import Role
from keywork.relationships.models import OPEN_STATUSES, Relationship, Status


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def relationship_items(scope: Scope) -> list[Matter]:
    items: list[Matter] = []
    today = timezone.localdate()
    rels = (Relationship.objects.filter(
        organisation_id=scope.organisation_id, keyworker_id__in=scope.worker_ids,
        status__in=(Status.PROPOSED, Status.ACTIVE), introduction__isnull=True)
        .order_by("proposed_on", "id"))
    for rel in rels:
        items.append(Matter(
            source="relationships", kind="no_introduction",
            title=_("No introduction recorded"),
            detail=_("Keyworker since %(day)s, %(days)s days.") % {
                "day": rel.proposed_on.isoformat(), "days": (today - rel.proposed_on).days},
            url=reverse("relationships:introduction", kwargs={"pk": rel.pk}),
            relationship_id=rel.pk, client_id=rel.client_id, ref=f"introduction:{rel.pk}",
            priority=40, severity=LOW, since=_start_of(rel.proposed_on),
            action=_("Hold the introduction: your role, the purpose of contact, your powers "
                     "and the limits of confidentiality; then record it.")))
    viewer = scope.viewer
    if scope.worker_copy or viewer is None or viewer.role != Role.SUPERVISOR \
            or not scope.unit_ids:
        return items
    keyworked = Relationship.objects.filter(episode=OuterRef("pk"), status__in=OPEN_STATUSES)
    waiting = (Episode.objects.filter(organisation_id=scope.organisation_id,
                                      unit_id__in=scope.unit_ids, end_date__isnull=True)
               .exclude(Exists(keyworked)).select_related("unit")
               .order_by("start_date", "id"))
    for episode in waiting:
        days = (today - episode.start_date).days
        items.append(Matter(
            source="relationships", kind="no_keyworker",
            title=_("Client without a keyworker"),
            detail=_("In %(unit)s since %(day)s, %(days)s days.") % {
                "unit": episode.unit.name, "day": episode.start_date.isoformat(),
                "days": days},
            url=reverse("relationships:propose", kwargs={"pk": episode.pk}),
            client_id=episode.client_id, ref=f"episode:{episode.pk}:no_keyworker",
            priority=15, severity=HIGH, since=_start_of(episode.start_date),
            action=_("Allocate a keyworker: the relationship carries the treatment.")))
    return items
