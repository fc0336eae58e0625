"""The inbox's own rows: notifications sent to a person, and the organisation's choice of
severity per kind of matter."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from keywork.core.models import TenantModel


class NotificationKind(models.TextChoices):
    CONCERN_URGENT = "concern_urgent", _("An urgent safeguarding concern")
    CONCERN_ESCALATED = "concern_escalated", _("A safeguarding concern without a decision "
                                               "past its time limit")


class Notification(TenantModel):
    """One message to one person. Its words are written when it is read, in the reader's
    language, from ``kind`` and ``params``; ``client`` is set only when the recipient may
    open the client's record (a manager is told about the unit, not the person).
    (recipient, kind, ref) is unique, so sending twice sends once."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+")
    kind = models.CharField(max_length=30, choices=NotificationKind.choices)
    ref = models.CharField(max_length=80)      # the row behind it ("concern:12")
    url = models.CharField(max_length=300, blank=True)
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="+",
                               null=True, blank=True)
    params = models.JSONField(default=dict, blank=True)
    channels = models.JSONField(default=list, blank=True)  # where it was delivered
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]
        constraints = [models.UniqueConstraint(fields=["recipient", "kind", "ref"],
                                               name="notification_once")]

    def __str__(self) -> str:
        return f"{self.kind} {self.ref} → {self.recipient_id}"


class InboxSettings(TenantModel):
    """What differs from the default severity of each kind of matter, for one organisation
    (``{"no_keyworker": 0, ...}``; keys of ``core.matters.KINDS`` that are settable)."""

    severities = models.JSONField(default=dict, blank=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation"],
                                               name="inbox_settings_one")]

    def __str__(self) -> str:
        return f"inbox settings {self.organisation_id}"
