"""What an advocacy contact rested on, as a part of the contact pages
(``contacts.hooks.contact_parts``): a sub-form on the log page, recorded with the contact in
one transaction, and a section on the contact's page."""

from __future__ import annotations

from typing import Any

from keywork.contacts.hooks import ContactPart
from keywork.mandates.forms import AdvocacyBasisForm
from keywork.mandates.services import advocacy_basis_record
from keywork.relationships.models import Relationship


def _form(data: Any, *, relationship: Relationship, prefix: str) -> AdvocacyBasisForm:
    return AdvocacyBasisForm(data, relationship=relationship, prefix=prefix)


def _fields(form: AdvocacyBasisForm, kind: str) -> dict[str, Any] | None:
    return form.basis_fields(kind)


ADVOCACY_BASIS = ContactPart(
    prefix="adv", form=_form, fields=_fields, record=advocacy_basis_record,
    template="mandates/_basis_fields.html", detail_template="mandates/_contact_basis.html")
