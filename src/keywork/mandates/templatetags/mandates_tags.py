"""Panels of the mandates app on other apps' pages."""

from __future__ import annotations

from typing import Any

from django import template

from keywork.contacts.models import Contact
from keywork.mandates.models import AdvocacyBasis
from keywork.mandates.selectors import advocacy_lists, basis_of

register = template.Library()


@register.inclusion_tag("mandates/_balance.html")
def advocacy_balance(rel: Any) -> dict[str, Any]:
    """The balance of mandate and formal power for a relationship already opened through
    its accessor."""
    return {"rel": rel, "lists": advocacy_lists(rel)}


@register.simple_tag
def contact_basis(contact: Contact) -> AdvocacyBasis | None:
    return basis_of(contact)
