from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from keywork.core.models import TenantModel


class Status(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACTIVE = "active", _("Active")
    ENDING = "ending", _("Ending")
    CLOSED = "closed", _("Closed")


class StartReason(models.TextChoices):
    FIRST_ALLOCATION = "first_allocation", _("First allocation for this episode")
    CLIENT_ASKED_FOR_CHANGE = "client_asked_for_change", _("The client asked for a change")
    WORKER_LEFT = "worker_left", _("The previous worker left or moved")
    CAPACITY = "capacity", _("Caseloads rebalanced")
    TRANSFER = "transfer", _("The client moved to this unit")
    OTHER = "other", _("Other")


class EndReason(models.TextChoices):
    EPISODE_ENDED = "episode_ended", _("The episode of care ended")
    CLIENT_ASKED_FOR_CHANGE = "client_asked_for_change", _("The client asked for a change")
    WORKER_LEFT = "worker_left", _("The worker left or moved")
    CAPACITY = "capacity", _("Caseloads rebalanced")
    TRANSFER = "transfer", _("The client moved to another unit")
    BOUNDARY = "boundary", _("A professional boundary concern")
    OTHER = "other", _("Other")


OPEN_STATUSES = (Status.PROPOSED, Status.ACTIVE, Status.ENDING)


class Relationship(TenantModel):
    """A keyworker relationship: the client, the episode, the worker and a deputy who covers.

    Lifecycle: proposed → active → ending → closed, then a post-closure period.
    """

    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="relationships"
    )
    episode = models.ForeignKey(
        "clients.Episode", on_delete=models.PROTECT, related_name="relationships"
    )
    keyworker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="keyworker_of",
        verbose_name=_("keyworker"),
    )
    deputy = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="deputy_of",
        null=True, blank=True, verbose_name=_("deputy"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PROPOSED
    )
    start_reason = models.CharField(
        _("why this relationship started"), max_length=32, choices=StartReason.choices,
        default=StartReason.FIRST_ALLOCATION,
    )
    start_note = models.TextField(_("about the start"), blank=True)
    end_reason = models.CharField(
        _("why it ended"), max_length=32, choices=EndReason.choices, blank=True
    )
    end_note = models.TextField(_("about the ending"), blank=True)
    proposed_on = models.DateField(_("proposed on"))
    started_on = models.DateField(_("active from"), null=True, blank=True)
    ending_from = models.DateField(_("ending from"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    post_closure_until = models.DateField(
        _("post-closure period until"), null=True, blank=True,
        help_text=_("Contact in this period is a boundary matter that needs a reason."),
    )
    introduction_waiver = models.TextField(
        _("why it became active without an introduction"), blank=True
    )
    introduction_waived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True,
        blank=True,
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-proposed_on", "-id"]
        indexes = [
            models.Index(fields=["keyworker", "status"]),
            models.Index(fields=["deputy", "status"]),
            models.Index(fields=["organisation", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(keyworker=models.F("deputy")),
                name="relationship_deputy_not_keyworker",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="closed") | models.Q(closed_at__isnull=False),
                name="relationship_closed_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.keyworker} – {self.client}"

    def get_absolute_url(self) -> str:
        """The relationship's section of the client's page: one page per client carries
        the relationship, earlier ones included."""
        hub = reverse("records:client", kwargs={"pk": self.client_id})
        return f"{hub}?relationship={self.pk}#relationship"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def has_introduction(self) -> bool:
        return hasattr(self, "introduction")


class Introduction(TenantModel):
    """At the start the worker explains their role, purpose, powers and confidentiality."""

    relationship = models.OneToOneField(
        Relationship, on_delete=models.PROTECT, related_name="introduction"
    )
    held_on = models.DateField(_("date of the introduction"))
    explained_role = models.BooleanField(_("I explained my role"), default=False)
    explained_purpose = models.BooleanField(_("I explained the purpose of our contact"),
                                            default=False)
    explained_powers = models.BooleanField(
        _("I explained my powers, legal ones included"), default=False
    )
    explained_confidentiality = models.BooleanField(
        _("I explained the limits of confidentiality: what I must pass on and to whom"),
        default=False,
    )
    confidentiality_limits_shown = models.TextField(
        _("limits of confidentiality as explained"), editable=False
    )
    client_understanding = models.TextField(
        _("what the client understood, in their own words")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Introduction {self.held_on}"

    @property
    def is_complete(self) -> bool:
        return all(
            (
                self.explained_role,
                self.explained_purpose,
                self.explained_powers,
                self.explained_confidentiality,
                self.client_understanding.strip(),
            )
        )
