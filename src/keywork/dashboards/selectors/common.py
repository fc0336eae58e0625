"""What the role pages of the dashboards share: names, days since, the patterns in order."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Subquery
from django.utils import timezone

from keywork.accounts.models import User
from keywork.contacts.models import Contact
from keywork.relationships.models import Status
from keywork.signals.models import Pattern

CHECKIN_DAYS = 28
"""A relationship without a client check-in for this many days is offered one: about a
month, the window the signal engine reads recent check-ins over."""

PATTERN_ORDER = (Pattern.FRIENDLY, Pattern.POLITE, Pattern.AMBIVALENT, Pattern.UNKNOWN)
"""The patterns in the order the pages show them. A relationship the engine has not
evaluated yet counts as "not enough check-ins yet"."""

EVALUATED_STATUSES = (Status.ACTIVE, Status.ENDING)


def last_attended_contact(**match: Any) -> Subquery:
    """The time of the latest attended contact matching ``match`` (OuterRef values)."""
    return Subquery(
        Contact.objects.filter(attended=True, **match)
        .order_by("-occurred_at")
        .values("occurred_at")[:1]
    )


def days_since(when: dt.datetime | None, today: dt.date) -> int | None:
    if when is None:
        return None
    return (today - timezone.localtime(when).date()).days


def user_names(user_ids: Iterable[int | None]) -> dict[int, str]:
    ids = {i for i in user_ids if i is not None}
    return {
        u.pk: u.get_full_name() or u.get_username()
        for u in User.objects.filter(pk__in=ids).only("pk", "username", "first_name",
                                                       "last_name")
    }


def pattern_code(code: str | None) -> str:
    return code or Pattern.UNKNOWN.value
