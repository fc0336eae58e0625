"""Writes of the ending checklist; every change is audited and kept in its history."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from keywork.audit.services import audit_record
from keywork.checkins.models import CheckinLink
from keywork.checkins.services import checkin_link_create
from keywork.core.errors import ApplicationError
from keywork.endings.models import EndingChecklist, LastCheckin
from keywork.organisations.models import Membership
from keywork.relationships.models import Relationship, Status

FIELDS = ("planned_end_on", "progress_named", "contact_after", "handover_needed",
          "handover_to", "handover_what", "last_checkin")
LIMITS = {"progress_named": 4000, "contact_after": 2000, "handover_to": 200,
          "handover_what": 2000}


def _require_open(relationship: Relationship) -> None:
    if relationship.status == Status.CLOSED:
        raise ApplicationError(_("The relationship has closed: the checklist is kept as it "
                                 "was."))


def _get_or_new(membership: Membership, relationship: Relationship) -> EndingChecklist:
    checklist = EndingChecklist.objects.filter(relationship=relationship).first()
    if checklist is None:
        checklist = EndingChecklist(organisation_id=relationship.organisation_id,
                                    relationship=relationship, updated_by=membership.user)
    return checklist


@transaction.atomic
def checklist_save(*, membership: Membership, relationship: Relationship,
                   planned_end_on: dt.date | None, progress_named: str = "",
                   contact_after: str = "", handover_needed: bool = True,
                   handover_to: str = "", handover_what: str = "",
                   last_checkin: str = LastCheckin.NOT_YET) -> EndingChecklist:
    """Create or change the checklist of an open relationship."""
    if relationship.organisation_id != membership.organisation_id:
        raise ApplicationError(_("This relationship belongs to another organisation."))
    _require_open(relationship)
    if last_checkin not in LastCheckin.values:
        raise ApplicationError(_("Choose what happened to the last check-in."),
                               field="last_checkin")
    values: dict[str, object] = {
        "planned_end_on": planned_end_on, "handover_needed": bool(handover_needed),
        "last_checkin": last_checkin}
    texts = {"progress_named": progress_named, "contact_after": contact_after,
             "handover_to": handover_to, "handover_what": handover_what}
    for name, limit in LIMITS.items():
        text = (texts[name] or "").strip()
        if len(text) > limit:
            raise ApplicationError(_("Keep it to %(limit)s characters.") % {"limit": limit},
                                   field=name)
        values[name] = text
    if planned_end_on is not None and relationship.started_on and (
            planned_end_on < relationship.started_on):
        raise ApplicationError(_("The ending cannot be planned before the relationship "
                                 "started."), field="planned_end_on")
    checklist = _get_or_new(membership, relationship)
    created = checklist.pk is None
    changed = [k for k in FIELDS if getattr(checklist, k) != values[k]]
    for key in changed:
        setattr(checklist, key, values[key])
    if created or changed:
        checklist.updated_by = membership.user
        checklist.save()
        audit_record(actor=membership.user, action="create" if created else "update",
                     role=membership.role, organisation_id=relationship.organisation_id,
                     client_id=relationship.client_id, obj=checklist,
                     detail="ending checklist" + ("" if created else
                                                  ": " + ", ".join(changed)))
    return checklist


@transaction.atomic
def checklist_send_last_checkin(*, membership: Membership, relationship: Relationship
                                ) -> tuple[EndingChecklist, CheckinLink, str]:
    """A one-time link for the client's last check-in, remembered on the checklist."""
    _require_open(relationship)
    link, token = checkin_link_create(membership=membership, relationship=relationship)
    checklist = _get_or_new(membership, relationship)
    created = checklist.pk is None
    checklist.last_checkin_link = link
    if checklist.last_checkin == LastCheckin.NOT_YET:
        checklist.last_checkin = LastCheckin.OFFERED
    checklist.updated_by = membership.user
    checklist.save()
    audit_record(actor=membership.user, action="create" if created else "update",
                 role=membership.role, organisation_id=relationship.organisation_id,
                 client_id=relationship.client_id, obj=checklist,
                 detail="ending checklist: last check-in link")
    return checklist, link, token
