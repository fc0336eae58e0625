"""What the contacts app lets higher apps plug in (registered from their ``AppConfig.ready``).

- ``contact_saved``: called inside the transaction that records or changes a contact, after
  its audit row: ``fn(*, membership, contact)``. A contact on a personal device or outside
  the agreed hours becomes a boundary event here (the boundaries app). It is part of the
  write: if it fails, the contact is not saved either.
- ``contact_parts``: parts of the contact pages that another app adds, each a ``ContactPart``
  (the mandates app adds what an advocacy contact rested on: a sub-form on the log page,
  recorded with the contact in one transaction, and a section on the contact's page).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from keywork.core.hooks import Hook

contact_saved: Hook[Callable[..., Any]] = Hook("contacts.contact_saved")


@dataclass(frozen=True)
class ContactPart:
    """A part of the contact pages that a higher app owns.

    - ``form(data, *, relationship, prefix)``: its sub-form on the log page (bound to
      ``data`` on a POST, else unbound);
    - ``fields(form, kind)``: after the forms are valid, what to record with a contact of
      ``kind``, or None when the part does not apply to it;
    - ``record(*, membership, contact, **fields)``: records it, inside the transaction that
      records the contact (a refusal raises ``ApplicationError`` and saves neither);
    - ``template``: shown inside the log form, with the sub-form as ``part_form``;
    - ``detail_template``: shown on a contact's page, with ``contact`` and ``can_write``.
    """

    prefix: str
    form: Callable[..., Any]
    fields: Callable[[Any, str], dict[str, Any] | None]
    record: Callable[..., Any]
    template: str
    detail_template: str


contact_parts: Hook[ContactPart] = Hook("contacts.contact_parts")
