"""Reads of the ending checklist. The relationship's accessor decides who may open it."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from keywork.audit.services import audit_record
from keywork.endings.models import EndingChecklist
from keywork.organisations.selectors import active_membership
from keywork.relationships.models import Relationship
from keywork.relationships.selectors import get_relationship_for_user


def checklist_of(relationship: Relationship) -> EndingChecklist | None:
    """Read only after the relationship's accessor has been passed."""
    return (EndingChecklist.objects.select_related("last_checkin_link", "updated_by")
            .filter(relationship=relationship,
                    organisation_id=relationship.organisation_id).first())


def get_checklist_for_user(*, user: Any, relationship_pk: int, write: bool = False,
                           audit_view: bool = False
                           ) -> tuple[Relationship, EndingChecklist | None]:
    """The relationship through its accessor (scope, refusal audited), then its checklist;
    a read of an existing checklist is audited as such."""
    rel = get_relationship_for_user(user=user, pk=relationship_pk, write=write,
                                    audit_view=audit_view)
    checklist = checklist_of(rel)
    membership = active_membership(user)
    if checklist is not None and (not write or audit_view) and membership is not None:
        audit_record(actor=user, action="view", role=membership.role,
                     organisation_id=rel.organisation_id, client_id=rel.client_id,
                     obj=checklist)
    return rel, checklist


def open_points(checklist: EndingChecklist | None) -> list[str]:
    """What the ending still lacks, in words for the page."""
    if checklist is None:
        return [_("a planned ending date"), _("the client's progress, named"),
                _("what happens to contact afterwards"), _("the handover"),
                _("the client's last check-in")]
    missing = []
    if checklist.planned_end_on is None:
        missing.append(_("a planned ending date"))
    if not checklist.progress_named.strip():
        missing.append(_("the client's progress, named"))
    if not checklist.contact_after.strip():
        missing.append(_("what happens to contact afterwards"))
    if checklist.handover_needed and not (checklist.handover_to.strip()
                                          and checklist.handover_what.strip()):
        missing.append(_("the handover"))
    if not checklist.last_checkin_done:
        missing.append(_("the client's last check-in"))
    return missing
