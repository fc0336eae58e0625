"""Access matrix entries for breakglass."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from keywork.breakglass.models import Grant
from keywork.organisations.models import Membership
from tests.matrix import NO_CLIENT, SUPERVISE, Entry, Target


def _grant(t: Target) -> dict[str, Any]:
    """An emergency access to the target client by a keyworker who is not one of the
    roles the matrix signs in as."""
    requester = Membership.objects.filter(
        organisation_id=t.client.organisation_id,
        user__username__in=("colleague", "outsider")).first()
    assert requester is not None
    now = timezone.now()
    grant = Grant.objects.create(
        organisation_id=t.client.organisation_id, user_id=requester.user_id,
        role=requester.role, client=t.client, reason="Matrix: the client is missing.",
        granted_at=now, expires_at=now + dt.timedelta(hours=3))
    return {"pk": grant.pk}


ENTRIES = [
    Entry("breakglass:start", NO_CLIENT, roles=("keyworker", "supervisor")),
    Entry("breakglass:settings", NO_CLIENT, roles=("administrator",)),
    Entry("breakglass:review", SUPERVISE, _grant, method="post",
          data=lambda t: {"note": "Matrix: the access was needed."},
          note="the unit's supervisors review; the requester may read their own"),
]
