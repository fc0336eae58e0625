"""The client's pages: no account, the token in the address is the only key."""

from __future__ import annotations

import uuid
from typing import Any

from keywork.checkins import services
from keywork.organisations.models import Membership
from tests.matrix import NO_CLIENT, Entry, Target


def _token(t: Target) -> str:
    rel = t.relationship
    membership = Membership.objects.get(organisation_id=rel.organisation_id,
                                        user_id=rel.keyworker_id)
    _link, token = services.checkin_link_create(membership=membership, relationship=rel)
    return token


def _fresh_link(t: Target) -> dict[str, Any]:
    return {"token": _token(t)}


def _used_link(t: Target) -> dict[str, Any]:
    token = _token(t)
    from keywork.checkins.selectors import link_for_token

    link = link_for_token(token)
    assert link is not None
    services.client_checkin_submit(link=link, answers={"match": 8},
                                   idempotency_key=uuid.uuid4())
    return {"token": token}


ENTRIES = [
    Entry("portal:checkin", NO_CLIENT, _fresh_link, public=True,
          note="a fresh one-time link each time"),
    Entry("portal:thanks", NO_CLIENT, _used_link, public=True,
          note="after a check-in through a link"),
    Entry("portal:space", NO_CLIENT, _fresh_link, public=True,
          note="the client's own page, through a phone link"),
]
