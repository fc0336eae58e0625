"""Access matrix entries for endings: the checklist is written by the relationship's
keyworkers and the unit's supervisors."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from tests.matrix import WRITE, Entry, Target, relationship_pk


def _checklist(t: Target) -> dict[str, Any]:
    return {"planned_end_on": (timezone.localdate() + dt.timedelta(days=14)).isoformat(),
            "progress_named": "Matrix: kept every appointment.", "contact_after": "None.",
            "handover_needed": "on", "handover_to": "Community team",
            "handover_what": "The plan.", "last_checkin": "not_yet"}


ENTRIES = [
    Entry("endings:checklist", WRITE, relationship_pk, method="post", data=_checklist,
          note="after closure the page shows the checklist as kept (200)"),
    Entry("endings:last_checkin", WRITE, relationship_pk, method="post",
          note="after closure the service refuses and sends back to the checklist (302)"),
]
