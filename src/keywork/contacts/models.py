from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from keywork.core.models import TenantModel, refuse_change_once_signed

SIGNED_FIELDS = ("occurred_at", "duration_minutes", "kind", "initiated_by", "attended",
                 "channel", "note", "signed_at", "signed_by_id", "worker_id", "relationship_id")


class SignedNoteError(RuntimeError):
    pass


class Kind(models.TextChoices):
    SESSION = "session", _("Planned session")
    EVERYDAY = "everyday", _("Everyday contact on the unit")
    PHONE = "phone", _("Phone call")
    MESSAGE = "message", _("Message")
    ADVOCACY = "advocacy", _("Meeting with an authority for the client")
    GROUP = "group", _("Group")


class Initiator(models.TextChoices):
    WORKER = "worker", _("Worker")
    CLIENT = "client", _("Client")
    OTHER = "other", _("Someone else")


class Channel(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ORG_PHONE = "org_phone", _("Organisation phone")
    ORG_MESSAGE = "org_message", _("Organisation messaging")
    PERSONAL_DEVICE = "personal_device", _("Personal device")


class Contact(TenantModel):
    """One contact between a keyworker (or deputy) and a client."""

    relationship = models.ForeignKey(
        "relationships.Relationship", on_delete=models.PROTECT, related_name="contacts"
    )
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT,
                               related_name="contacts")
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="contacts_made",
        verbose_name=_("worker"),
    )
    occurred_at = models.DateTimeField(_("when"))
    duration_minutes = models.PositiveSmallIntegerField(_("minutes"), default=15)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    initiated_by = models.CharField(
        _("who started it"), max_length=8, choices=Initiator.choices, default=Initiator.WORKER
    )
    attended = models.BooleanField(_("attended"), default=True)
    channel = models.CharField(
        _("channel"), max_length=16, choices=Channel.choices, default=Channel.IN_PERSON
    )
    needs_review = models.BooleanField(
        _("marked for review"), default=False,
        help_text=_("Set when a personal device was used."),
    )
    note = models.TextField(_("note"), blank=True, max_length=4000)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True,
        blank=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["client", "occurred_at"]),
            models.Index(fields=["relationship", "occurred_at"]),
            # Organisation-wide lists and figures over a period (the manager's page).
            models.Index(fields=["organisation", "occurred_at"], name="contacts_org_occurred"),
            # The few contacts waiting for a supervisor's review (a personal device, outside
            # the agreed hours), newest first, without reading every contact.
            models.Index(fields=["organisation", "-occurred_at"], name="contacts_for_review",
                         condition=models.Q(needs_review=True)),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(duration_minutes__lte=24 * 60), name="contact_duration_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {timezone.localtime(self.occurred_at):%Y-%m-%d %H:%M}"

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None

    def save(self, *args: object, **kwargs: object) -> None:
        """A signed note is read-only, whoever tries to change it."""
        refuse_change_once_signed(
            self, SIGNED_FIELDS, SignedNoteError("A signed note is read-only; add an addendum."))
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class Addendum(TenantModel):
    """A correction to a signed note: the note stays as it was; the addendum is added."""

    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="addenda")
    text = models.TextField(_("addendum"), max_length=4000)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Addendum {self.created_at:%Y-%m-%d %H:%M}"
