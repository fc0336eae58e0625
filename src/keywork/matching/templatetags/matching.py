"""Panels that matching adds to the client and relationship pages."""

from __future__ import annotations

from typing import Any

from django import template

from keywork.matching import selectors
from keywork.organisations.models import Role
from keywork.relationships.models import Status

register = template.Library()


@register.inclusion_tag("matching/_client_panel_body.html", takes_context=True)
def matching_client_panel(context: dict[str, Any]) -> dict[str, Any]:
    """Links for the client page: wishes and conflicts for those who may write the record;
    the ranked list for the unit's supervisor when the episode has no keyworker."""
    request = context.get("request")
    membership = getattr(request, "membership", None)
    client = context.get("client")
    episode = context.get("episode")
    can_write = bool(context.get("can_edit") or context.get("can_write"))
    supervises = bool(context.get("supervises"))
    current = context.get("current")
    preference = selectors.preference_of(client) if client is not None and can_write else None
    return {
        "client": client, "episode": episode, "can_write": can_write,
        "supervises": supervises and membership is not None
        and membership.role == Role.SUPERVISOR,
        "may_rank": supervises and episode is not None and episode.is_open
        and (current is None or current.status not in (Status.PROPOSED, Status.ACTIVE)),
        "preference": preference,
    }


@register.inclusion_tag("matching/_relationship_panel_body.html", takes_context=True)
def matching_relationship_panel(context: dict[str, Any]) -> dict[str, Any]:
    """Change requests on this relationship as this person may see them, and the handover
    the new keyworker receives."""
    request = context.get("request")
    membership = getattr(request, "membership", None)
    rel = context.get("rel")
    if rel is None:
        return {"requests": [], "incoming": None}
    rows = [{"change": r, "reason": selectors.reason_shown(membership, r)}
            for r in selectors.requests_on_relationship(membership, rel)]
    return {"requests": rows, "incoming": selectors.handover_for_new_relationship(
        membership, rel), "rel": rel,
        "is_supervisor": membership is not None and membership.role == Role.SUPERVISOR}
