"""Demo rows: one ending relationship with its checklist half done."""

from __future__ import annotations

import datetime as dt

from keywork.endings.models import EndingChecklist, LastCheckin
from keywork.relationships.models import EndReason, Relationship, Status

KEYWORKER = "kim"


def seed(*, organisation_id: int, seed: int, as_of: dt.date) -> None:
    ending = Relationship.objects.filter(organisation_id=organisation_id,
                                         status=Status.ENDING)
    rel = (ending.filter(keyworker__username=KEYWORKER).order_by("id").first()
           or ending.order_by("id").first())
    if rel is None:
        # A small demo may have no ending yet: one of the demo keyworker's relationships
        # starts its ending a week before the demo date.
        rel = (Relationship.objects.filter(organisation_id=organisation_id,
                                           keyworker__username=KEYWORKER,
                                           status=Status.ACTIVE).order_by("-id").first())
        if rel is None:
            return
        rel.status = Status.ENDING
        rel.ending_from = max(as_of - dt.timedelta(days=7), rel.started_on or as_of)
        rel.end_reason = EndReason.EPISODE_ENDED
        rel.save(update_fields=["status", "ending_from", "end_reason", "updated_at"])
    if EndingChecklist.objects.filter(relationship=rel).exists():
        return
    start = rel.ending_from or as_of
    EndingChecklist.objects.create(
        organisation_id=organisation_id, relationship=rel, updated_by=rel.keyworker,
        planned_end_on=max(start, as_of) + dt.timedelta(days=14),
        progress_named="Has kept to the plan for three months, found work placement on "
                       "their own, and asks for help before things go wrong.",
        contact_after="", handover_needed=True, handover_to="Community team",
        handover_what="", last_checkin=LastCheckin.NOT_YET)
