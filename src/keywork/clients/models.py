from __future__ import annotations

import datetime as dt
import secrets

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from keywork.core.models import TenantModel

PSEUDONYM_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_pseudonym() -> str:
    """A reference that says nothing about the person: K- and eight random characters."""
    return "K-" + "".join(secrets.choice(PSEUDONYM_ALPHABET) for _ in range(8))


# A keyworker relationship in one of these states holds its episode open: it must move to its
# ending before the episode ends.
HOLDS_EPISODE_OPEN = ("proposed", "active")


class Client(TenantModel):
    given_name = models.CharField(_("given name"), max_length=120)
    family_name = models.CharField(_("family name"), max_length=120)
    date_of_birth = models.DateField(_("date of birth"))
    preferred_language = models.CharField(_("preferred language"), max_length=60, blank=True)
    address = models.TextField(_("address"), blank=True)
    pseudonym = models.CharField(
        _("pseudonymous reference"), max_length=16, unique=True, default=new_pseudonym,
        editable=False,
    )
    protected_identity = models.BooleanField(
        _("protected identity"),
        default=False,
        help_text=_("Name and address are hidden in lists; every view is recorded."),
    )
    own_words = models.TextField(
        _("what matters to me, in my own words"),
        blank=True,
        help_text=_("Written as the client said it."),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["family_name", "given_name"]
        indexes = [models.Index(fields=["organisation", "family_name"])]

    def __str__(self) -> str:
        return self.display_name

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def display_name(self) -> str:
        """The name to show in lists: protected identities show only their reference."""
        if self.protected_identity:
            return f"{_('Protected')} {self.pseudonym}"
        return self.full_name

    def age_on(self, day: dt.date | None = None) -> int:
        day = day or timezone.localdate()
        dob = self.date_of_birth
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


class Episode(TenantModel):
    class Outcome(models.TextChoices):
        COMPLETED = "completed", _("Completed")
        DROPPED_OUT = "dropped_out", _("Dropped out")
        TRANSFERRED = "transferred", _("Transferred")
        OTHER = "other", _("Other")

    class Consent(models.TextChoices):
        GIVEN = "given", _("Given")
        PARTIAL = "partial", _("Given in part")
        DECLINED = "declined", _("Declined")
        NOT_ASKED = "not_asked", _("Not yet asked")

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="episodes")
    unit = models.ForeignKey(
        "organisations.Unit", on_delete=models.PROTECT, related_name="episodes",
        verbose_name=_("unit"),
    )
    legal_basis = models.ForeignKey(
        "organisations.LegalBasis", on_delete=models.PROTECT, related_name="episodes",
        verbose_name=_("legal basis"),
    )
    start_date = models.DateField(_("start"))
    planned_end_date = models.DateField(_("planned end"), null=True, blank=True)
    end_date = models.DateField(_("end"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(_("about the outcome"), blank=True)
    consent = models.CharField(
        _("consent to treatment and information sharing"),
        max_length=20,
        choices=Consent.choices,
        default=Consent.NOT_ASKED,
    )
    consent_date = models.DateField(_("consent recorded on"), null=True, blank=True)
    consent_note = models.TextField(_("what the client agreed to"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | ~models.Q(outcome=""),
                name="episode_ended_has_outcome",
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="episode_end_after_start",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "unit", "end_date"])]

    def __str__(self) -> str:
        return f"{self.unit} {self.start_date:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.end_date is None
