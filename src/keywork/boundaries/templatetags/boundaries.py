"""The boundaries panel on the relationship page."""

from __future__ import annotations

from typing import Any

from django import template

from keywork.boundaries import selectors
from keywork.boundaries.models import ContactAgreement

register = template.Library()


@register.inclusion_tag("boundaries/_panel_body.html", takes_context=True)
def boundary_panel(context: dict[str, Any], rel: Any) -> dict[str, Any]:
    """What the relationship page shows of boundaries: read after the relationship
    accessor has been passed by the page itself, which has also decided whether the
    viewer may write (``can_write_rel``)."""
    request = context["request"]
    membership = getattr(request, "membership", None)
    events = selectors.events_for_relationship(membership, rel)
    drift = selectors.drift_for_relationship(rel)
    return {
        "rel": rel,
        "count": len(events),
        "to_review": sum(1 for e in events if not e.is_reviewed),
        "latest": events[:3],
        "drifting": drift.drift is not None,
        "has_agreement": ContactAgreement.objects.filter(relationship=rel).exists(),
        "can_write": bool(context.get("can_write_rel")),
        "closed": rel.status == "closed",
    }
