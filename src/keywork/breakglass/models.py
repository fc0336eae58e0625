"""Emergency access ("break the glass"): time-limited read access to a record outside
one's scope, given for a stated reason, audited, and reviewed by a supervisor."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from keywork.core.models import TenantModel

DEFAULT_HOURS = 3


class EmergencyAccessPolicy(TenantModel):
    hours = models.PositiveSmallIntegerField(_("hours an emergency access lasts"),
                                             default=DEFAULT_HOURS)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation"], name="breakglass_policy_one"),
            models.CheckConstraint(condition=models.Q(hours__gte=1, hours__lte=24),
                                   name="breakglass_hours_range"),
        ]

    def __str__(self) -> str:
        return f"{self.hours} h"


class GrantQuerySet(models.QuerySet["Grant"]):
    def active(self) -> GrantQuerySet:
        return self.filter(expires_at__gt=timezone.now())

    def to_review(self) -> GrantQuerySet:
        return self.filter(reviewed_at__isnull=True)


class Grant(TenantModel):
    """One emergency access: who, to which client, why, until when; and its review."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="emergency_grants", verbose_name=_("staff member"))
    role = models.CharField(_("role"), max_length=20)
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT,
                               related_name="emergency_grants")
    reason = models.TextField(_("reason"), max_length=2000)
    granted_at = models.DateTimeField(_("opened at"))
    expires_at = models.DateTimeField(_("ends at"))
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", null=True, blank=True,
                                    verbose_name=_("reviewed by"))
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.TextField(_("review"), blank=True, max_length=4000)
    history = HistoricalRecords()

    objects = GrantQuerySet.as_manager()

    class Meta:
        ordering = ["-granted_at", "-id"]
        indexes = [models.Index(fields=["user", "expires_at"]),
                   models.Index(fields=["organisation", "reviewed_at"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(expires_at__gt=models.F("granted_at")),
                                   name="grant_ends_after_start"),
            models.CheckConstraint(
                condition=models.Q(reviewed_at__isnull=True) | ~models.Q(review_note=""),
                name="grant_review_has_note"),
            models.CheckConstraint(condition=~models.Q(reason=""), name="grant_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.client_id} {self.granted_at:%Y-%m-%d %H:%M}"

    @property
    def is_active(self) -> bool:
        return self.expires_at > timezone.now()
