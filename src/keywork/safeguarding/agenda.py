"""What safeguarding brings to a keyworker's supervision: decisions to review, concerns
still without a decision, and routine enquiries that are overdue."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from keywork.core.matters import Matter
from keywork.safeguarding.selectors import concerns_to_review, overdue_enquiries


def safeguarding_items(*, organisation_id: int, worker_id: int, since: dt.datetime,
                       viewer: Any = None) -> list[Matter]:
    items: list[Matter] = []
    for concern in concerns_to_review(organisation_id=organisation_id, worker_id=worker_id):
        decided = concern.is_decided
        items.append(Matter(
            source="safeguarding",
            kind="decision_to_review" if decided else "concern_without_decision",
            title=(_("Safeguarding decision to review: %(category)s") if decided
                   else _("Safeguarding concern without a decision: %(category)s"))
            % {"category": concern.get_category_display()},
            detail=_("Risk: %(risk)s. Raised on %(day)s.") % {
                "risk": concern.get_risk_level_display(),
                "day": concern.created_at.date().isoformat()},
            url=reverse("safeguarding:concern", kwargs={"pk": concern.pk}),
            relationship_id=concern.relationship_id, client_id=concern.client_id,
            ref=f"concern:{concern.pk}", priority=10 if not decided else 20))
    for item in overdue_enquiries(organisation_id=organisation_id, worker_id=worker_id):
        items.append(Matter(
            source="safeguarding", kind="enquiry_overdue",
            title=_("Routine enquiry overdue: %(topic)s") % {"topic": item.due.label},
            detail=_("Due on %(day)s, %(days)s days ago.") % {
                "day": item.due.due.isoformat(), "days": item.due.overdue_days},
            url=reverse("safeguarding:client", kwargs={"pk": item.episode.client_id}),
            relationship_id=item.relationship.pk if item.relationship else None,
            client_id=item.episode.client_id, due=item.due.due,
            ref=f"enquiry:{item.episode.pk}:{item.due.topic}", priority=30))
    return items
