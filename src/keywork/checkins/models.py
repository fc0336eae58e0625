"""Check-ins: the client and the keyworker each rate their relationship."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.models import HistoricalRecords

from keywork.core.models import TenantModel


class Rater(models.TextChoices):
    CLIENT = "client", _("Client")
    KEYWORKER = "keyworker", _("Keyworker")
    OTHER = "other", _("Other")


class Visibility(models.TextChoices):
    """What the keyworker sees of the client's check-ins (supervisors always see all)."""

    SCORES = "scores", _("Item scores, the pattern and the trend")
    PATTERN = "pattern", _("Only the pattern and the trend")
    NOTHING = "nothing", _("Nothing")


VISIBILITY_ORDER = [Visibility.NOTHING, Visibility.PATTERN, Visibility.SCORES]


class Instrument(models.Model):
    """A questionnaire. Its wording and scoring live in versions; a change makes a new one."""

    code = models.SlugField(unique=True)
    rater = models.CharField(max_length=12, choices=Rater.choices)
    is_shipped = models.BooleanField(default=True)

    def __str__(self) -> str:
        return self.code

    @property
    def current(self) -> InstrumentVersion | None:
        return self.versions.order_by("-version").first()


class InstrumentVersion(models.Model):
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField()
    definition = models.JSONField()
    digest = models.CharField(max_length=64)
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["instrument", "version"], name="instrument_version")
        ]
        ordering = ["instrument__code", "-version"]

    def __str__(self) -> str:
        return f"{self.instrument.code} v{self.version}"

    def title(self, language: str) -> str:
        names = self.definition.get("title", {})
        return str(names.get(language) or names.get("en") or self.instrument.code)

    def choice_label(self, language: str) -> str:
        """The title and how long the form is, for choosing between forms."""
        n = len(self.definition.get("items", []))
        return ngettext("%(title)s (%(n)s question)", "%(title)s (%(n)s questions)", n) % {
            "title": self.title(language), "n": n}


class CheckinPolicy(models.Model):
    """The organisation's policy for check-ins (the signal thresholds are the signals
    app's own, on ``signals.SignalSettings``)."""

    organisation = models.OneToOneField(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="checkin_policy"
    )
    keyworker_visibility = models.CharField(
        _("what keyworkers see of their clients' check-ins, at most"),
        max_length=10, choices=Visibility.choices, default=Visibility.PATTERN,
        help_text=_("Each client can choose less. Supervisors always see everything."),
    )
    link_hours = models.PositiveIntegerField(_("hours a check-in link stays valid"), default=72)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Check-in policy of {self.organisation}"


class SharingChoice(TenantModel):
    """The client's own choice of what their keyworker sees, per relationship."""

    relationship = models.OneToOneField(
        "relationships.Relationship", on_delete=models.CASCADE, related_name="sharing_choice"
    )
    visibility = models.CharField(max_length=10, choices=Visibility.choices)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return self.visibility


class CheckinResponse(TenantModel):
    class Mode(models.TextChoices):
        LINK = "link", _("The client's own phone (link)")
        TABLET = "tablet", _("The unit's tablet (hand-over)")
        STAFF = "staff", _("Staff form")

    relationship = models.ForeignKey(
        "relationships.Relationship", on_delete=models.PROTECT, related_name="checkins"
    )
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT,
                               related_name="checkins")
    instrument_version = models.ForeignKey(InstrumentVersion, on_delete=models.PROTECT,
                                           related_name="responses")
    rater = models.CharField(max_length=12, choices=Rater.choices)
    submitted_at = models.DateTimeField()
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    mode = models.CharField(max_length=8, choices=Mode.choices)
    answers = models.JSONField(default=dict)
    score_match = models.FloatField(null=True)
    score_presence = models.FloatField(null=True)
    score_personal_professional = models.FloatField(null=True)
    score_cooperation = models.FloatField(null=True)
    score_flexible_support = models.FloatField(null=True)
    overall = models.FloatField(null=True)
    estimate_overall = models.FloatField(null=True)
    at_max = models.BooleanField(default=False)
    helped = models.TextField(blank=True, max_length=2000)
    could_be_better = models.TextField(blank=True, max_length=2000)
    # What the client chose to share with the keyworker when giving this check-in. Only a
    # client's check-in has one; empty (null) means no choice was recorded with it, and
    # then only the policy and the client's current choice apply.
    visibility = models.CharField(
        _("what the client shared with the keyworker when giving it"),
        max_length=10, choices=Visibility.choices, null=True, blank=True)
    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["relationship", "rater", "submitted_at"]),
            # Organisation-wide figures over a period (the manager's page).
            models.Index(fields=["organisation", "submitted_at"], name="checkins_org_submitted"),
        ]

    def __str__(self) -> str:
        return f"{self.rater} check-in {self.submitted_at:%Y-%m-%d}"


class CheckinLink(TenantModel):
    """A one-time link for the client's own phone or the unit's tablet. Only a digest of
    the token is stored; the token itself is shown once."""

    relationship = models.ForeignKey(
        "relationships.Relationship", on_delete=models.CASCADE, related_name="checkin_links"
    )
    instrument_version = models.ForeignKey(InstrumentVersion, on_delete=models.PROTECT,
                                           related_name="+")
    token_digest = models.CharField(max_length=64, unique=True)
    mode = models.CharField(max_length=8, choices=CheckinResponse.Mode.choices)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    response = models.OneToOneField(CheckinResponse, on_delete=models.SET_NULL, null=True,
                                    blank=True, related_name="link")

    def __str__(self) -> str:
        return f"Link for relationship {self.relationship_id}"


class PrivateComment(TenantModel):
    """A comment a client sends to the supervisor, never shown to the keyworker."""

    relationship = models.ForeignKey(
        "relationships.Relationship", on_delete=models.PROTECT, related_name="private_comments"
    )
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="+")
    text = models.TextField(max_length=4000)
    read_at = models.DateTimeField(null=True, blank=True)
    read_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                blank=True, related_name="+")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Private comment {self.created_at:%Y-%m-%d}"
