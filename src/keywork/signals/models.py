"""The state of each relationship as the signal engine sees it, and the alert queue."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from keywork.core.models import TenantModel


class Pattern(models.TextChoices):
    FRIENDLY = "friendly_trustful", _("Friendly and trustful")
    POLITE = "polite_neutral", _("Polite and neutral")
    AMBIVALENT = "ambivalent_conflicted", _("Ambivalent and conflicted")
    UNKNOWN = "not_enough_data", _("Not enough check-ins yet")


class SignalSettings(models.Model):
    """The organisation's own signal thresholds: only those that differ from the defaults,
    as the engine reads them (``SignalConfig.from_stored``). No row means every default."""

    organisation = models.OneToOneField(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="signal_settings"
    )
    overrides = models.JSONField(
        _("signal thresholds that differ from the defaults"), default=dict, blank=True
    )
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Signal settings of {self.organisation}"


class RelationshipStateQuerySet(models.QuerySet["RelationshipState"]):
    def pattern_changed(self) -> RelationshipStateQuerySet:
        """States whose pattern moved from one of the three patterns to another. A first
        classification (from "not enough check-ins yet") or a pattern that lapses into it
        is not a change of the relationship."""
        return (self.exclude(previous_pattern="")
                .exclude(previous_pattern=Pattern.UNKNOWN).exclude(pattern=Pattern.UNKNOWN)
                .exclude(pattern=models.F("previous_pattern")))


class RelationshipState(TenantModel):
    relationship = models.OneToOneField(
        "relationships.Relationship", on_delete=models.CASCADE, related_name="signal_state"
    )
    pattern = models.CharField(max_length=24, choices=Pattern.choices, default=Pattern.UNKNOWN)
    previous_pattern = models.CharField(max_length=24, choices=Pattern.choices, blank=True)
    pattern_since = models.DateTimeField(null=True, blank=True)
    facts = models.JSONField(default=list)
    features = models.JSONField(default=dict)
    evaluated_at = models.DateTimeField()

    objects = RelationshipStateQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["organisation", "pattern"])]

    def __str__(self) -> str:
        return self.pattern


class Alert(TenantModel):
    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("alert status", "Open")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        RESOLVED = "resolved", _("Resolved")

    relationship = models.ForeignKey(
        "relationships.Relationship", on_delete=models.CASCADE, related_name="alerts"
    )
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="alerts")
    source = models.CharField(max_length=20, default="signals")
    code = models.CharField(max_length=40)
    status = models.CharField(max_length=14, choices=Status.choices, default=Status.OPEN)
    raised_at = models.DateTimeField()
    facts = models.JSONField(default=dict)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                        null=True, blank=True, related_name="+")
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-raised_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["relationship", "code"],
                condition=~models.Q(status="resolved"),
                name="alert_one_unresolved_per_code",
            )
        ]
        indexes = [models.Index(fields=["organisation", "status"])]

    def __str__(self) -> str:
        return f"{self.code} ({self.status})"
