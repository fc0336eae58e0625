"""The ending checklist on the relationship page (read after the page's accessor)."""

from __future__ import annotations

from typing import Any

from django import template

from keywork.endings.selectors import checklist_of, open_points
from keywork.relationships.models import Relationship

register = template.Library()


@register.simple_tag
def ending_panel(relationship: Relationship) -> dict[str, Any]:
    checklist = checklist_of(relationship)
    return {"checklist": checklist, "missing": open_points(checklist)}
