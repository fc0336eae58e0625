"""Access matrix entries for the inbox."""

from __future__ import annotations

from typing import Any

from keywork.accounts.models import User
from keywork.inbox.models import Notification, NotificationKind
from tests.matrix import NO_CLIENT, Entry, Target


def _supervisors_notification(t: Target) -> dict[str, Any]:
    """A notification to the supervisor of unit A: only they may mark it read."""
    supervisor = User.objects.get(username="supervisor")
    note, _created = Notification.objects.get_or_create(
        organisation_id=t.client.organisation_id, recipient=supervisor,
        kind=NotificationKind.CONCERN_URGENT, ref="concern:matrix",
        defaults={"client": t.client, "params": {"category": "child", "risk": "high"}})
    return {"pk": note.pk}


ENTRIES = [
    Entry("inbox:today", NO_CLIENT, roles=("keyworker", "supervisor", "manager")),
    Entry("inbox:settings", NO_CLIENT, roles=("administrator",)),
    Entry("inbox:notification_read", NO_CLIENT, _supervisors_notification, method="post",
          roles=("supervisor",),
          note="only the recipient; anyone else is answered as if it did not exist"),
]
