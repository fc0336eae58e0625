"""Ways a notification reaches a person. The in-application channel is the stored row
itself (the inbox and the badge read it). A channel for email or SMS registers here once
sending exists: ``CHANNELS.register("email", EmailChannel())``; each registered channel is
given every new notification, inside the transaction that made it, and says whether it
took it. A channel that fails is logged and never stops the others or the notification."""

from __future__ import annotations

import logging
from typing import Protocol

from keywork.core.hooks import Hook
from keywork.inbox.models import Notification

logger = logging.getLogger(__name__)


class Channel(Protocol):
    def deliver(self, notification: Notification) -> bool:
        """Hand the notification on; True when this channel took it."""
        ...


class InApplication:
    """The row is the delivery: it shows in the recipient's inbox and badge."""

    def deliver(self, notification: Notification) -> bool:
        return True


CHANNELS: Hook[Channel] = Hook("inbox.channels")


def deliver(notification: Notification) -> list[str]:
    """Every registered channel's try; the names of those that took it."""
    took = []
    for name, channel in CHANNELS.items():
        try:
            if channel.deliver(notification):
                took.append(name)
        except Exception:
            logger.exception("notification channel %s failed", name)
    return took
