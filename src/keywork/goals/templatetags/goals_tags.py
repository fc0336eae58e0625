"""The goals panel on the relationship page."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from keywork.goals.models import GoalStatus
from keywork.goals.selectors import achieved_steps, goals_of_relationship, summarise

register = template.Library()


@register.inclusion_tag("goals/_panel.html", takes_context=True)
def goals_panel(context: dict[str, Any], rel: Any) -> dict[str, Any]:
    """Goals of a relationship already opened through its accessor."""
    goals = goals_of_relationship(rel)
    today = timezone.localdate()
    return {
        "rel": rel, "can_write": context.get("can_write_rel", False),
        "summaries": [summarise(g, today) for g in goals
                      if g.status in (GoalStatus.OPEN, GoalStatus.TO_DISCUSS)],
        "to_discuss": sum(1 for g in goals if g.status == GoalStatus.TO_DISCUSS),
        "achieved": len(achieved_steps(goals)),
    }
