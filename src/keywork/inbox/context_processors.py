from __future__ import annotations

import logging
from typing import Any

from django.db import DatabaseError
from django.http import HttpRequest

from keywork.inbox.selectors import inbox_count
from keywork.organisations.models import Role

logger = logging.getLogger(__name__)

WITH_INBOX = {Role.KEYWORKER, Role.SUPERVISOR, Role.MANAGER}


def today(request: HttpRequest) -> dict[str, Any]:
    """The counts beside "Today" in the navigation (see ``inbox_count``). An error page
    rendered because the database failed still renders, without them."""
    m = getattr(request, "membership", None)
    if m is None or m.role not in WITH_INBOX:
        return {}
    try:
        items, unread = inbox_count(m)
    except DatabaseError:
        logger.exception("the inbox counts could not be read")
        return {}
    return {"today_count": items, "today_unread": unread}
