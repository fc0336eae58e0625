"""The contact log pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from tests.matrix import READ, WRITE, Entry, Target, contact_pk, relationship_pk


def _contact_fields(t: Target) -> dict[str, Any]:
    when = timezone.localtime() - dt.timedelta(minutes=10)
    return {"kind": "everyday", "occurred_at": when.strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": "10", "initiated_by": "client", "attended": "yes",
            "channel": "in_person", "note": "Matrix: corridor talk."}


ENTRIES = [
    Entry("contacts:log", WRITE, relationship_pk, method="post", data=_contact_fields,
          note="after closure the service refuses with a boundary message (200)"),
    Entry("contacts:detail", READ, contact_pk),
    Entry("contacts:edit", WRITE, contact_pk, method="post", data=_contact_fields,
          note="only the author changes an unsigned note; others see why not (200)"),
    Entry("contacts:sign", WRITE, contact_pk, method="post"),
    Entry("contacts:addendum", WRITE, contact_pk, method="post",
          data=lambda t: {"text": "Matrix: a correction."}),
]
