from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Role(models.TextChoices):
    KEYWORKER = "keyworker", _("Keyworker")
    SUPERVISOR = "supervisor", _("Supervisor")
    MANAGER = "manager", _("Manager")
    ADMINISTRATOR = "administrator", _("Administrator")
    RESEARCHER = "researcher", _("Researcher")


class Organisation(models.Model):
    """A service: the tenant. Data never crosses between organisations."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(unique=True)
    managers_see_records = models.BooleanField(
        _("managers may open client records"),
        default=False,
        help_text=_("Off: managers see figures only."),
    )
    ending_grace_days = models.PositiveIntegerField(
        _("days a keyworker keeps access after an ending"), null=True, blank=True
    )
    no_contact_days = models.PositiveIntegerField(
        _("flag clients without contact for this many days"), null=True, blank=True
    )
    keyworker_second_factor = models.BooleanField(
        _("keyworkers must use a second factor"), default=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return self.name

    @property
    def grace_days(self) -> int:
        if self.ending_grace_days is not None:
            return self.ending_grace_days
        return int(settings.KEYWORK_ENDING_GRACE_DAYS)

    @property
    def contact_gap_days(self) -> int:
        if self.no_contact_days is not None:
            return self.no_contact_days
        return int(settings.KEYWORK_NO_CONTACT_DAYS)


class Unit(models.Model):
    class Kind(models.TextChoices):
        RESIDENTIAL = "residential", _("Residential centre")
        COMMUNITY = "community", _("Community team")
        OUTPATIENT = "outpatient", _("Outpatient team")
        OTHER = "other", _("Other")

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="units")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    caseload_limit = models.PositiveIntegerField(_("caseload limit per keyworker"), default=15)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="unit_unique_name")
        ]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A staff member's role in one organisation; units they work in or supervise."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    units = models.ManyToManyField(
        Unit,
        blank=True,
        related_name="memberships",
        verbose_name=_("units"),
        help_text=_("Units this person works in; for a supervisor, the units they are "
                    "responsible for."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[units])

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.organisation})"

    @property
    def needs_second_factor(self) -> bool:
        if self.role in settings.SECOND_FACTOR_ROLES:
            return True
        return self.role == Role.KEYWORKER and self.organisation.keyworker_second_factor


class LegalBasis(models.Model):
    """Why a client is in care; each basis states what the worker must pass on."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="legal_bases"
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    is_coerced = models.BooleanField(
        _("formal power over the client"),
        default=False,
        help_text=_("Compulsory care, a court order, child-protection pressure."),
    )
    powers = models.TextField(
        _("the worker's powers"),
        blank=True,
        help_text=_("What the worker may decide or report under this basis, legal powers "
                    "included."),
    )
    confidentiality_limits = models.TextField(
        _("limits of confidentiality"),
        help_text=_("What the worker must pass on, and to whom."),
    )
    is_active = models.BooleanField(_("in use"), default=True)
    order = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="legal_basis_code")
        ]
        ordering = ["order", "name"]
        verbose_name_plural = "legal bases"

    def __str__(self) -> str:
        return self.name
