"""Matching a keyworker to a client: staff profiles, the client's preferences, the
organisation's weights, conflicts of interest and the client's request for a change."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from keywork.core.models import TenantModel

# Skills every organisation starts with; an administrator can add others.
CORE_SKILLS: tuple[tuple[str, object], ...] = (
    ("motivational_interviewing", _("Motivational interviewing")),
    ("safeguarding", _("Safeguarding (children, partner violence)")),
    ("trauma", _("Trauma-informed work")),
)


class Skill(TenantModel):
    """A skill or training recorded on staff profiles."""

    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=120)
    is_core = models.BooleanField(
        _("weighs for every client"), default=False,
        help_text=_("Counted for every client unless the client's own list says otherwise."))
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="matching_skill_code")
        ]
        ordering = ["-is_core", "name"]

    def __str__(self) -> str:
        return self.name


class StaffProfile(TenantModel):
    """What matters for matching about one staff member, kept beside the membership."""

    membership = models.OneToOneField(
        "organisations.Membership", on_delete=models.CASCADE, related_name="matching_profile")
    languages = models.CharField(
        _("languages"), max_length=300, blank=True,
        help_text=_("The languages you can work in, separated by commas."))
    gender = models.CharField(
        _("gender, in your own words"), max_length=60, blank=True,
        help_text=_("Optional. Used only when a client asks for a worker of a given gender."))
    skills = models.ManyToManyField(Skill, blank=True, related_name="profiles",
                                    verbose_name=_("skills and training"))
    experience_years = models.PositiveSmallIntegerField(
        _("years of experience in this work"), default=0)
    history = HistoricalRecords(m2m_fields=[skills])

    def __str__(self) -> str:
        return f"Profile {self.membership_id}"


class ClientPreference(TenantModel):
    """What the client has asked for in a keyworker."""

    client = models.OneToOneField("clients.Client", on_delete=models.CASCADE,
                                  related_name="matching_preference")
    worker_gender = models.CharField(
        _("the keyworker's gender"), max_length=60, blank=True,
        help_text=_("Only if the client asked for it, in their words (for example: a woman)."))
    languages = models.CharField(
        _("languages the client wants to speak"), max_length=300, blank=True,
        help_text=_("Separated by commas. Empty: the preferred language on the record."))
    skills = models.ManyToManyField(
        Skill, blank=True, related_name="+", verbose_name=_("skills that matter for this client"),
        help_text=_("Empty: the skills that weigh for every client."))
    note = models.TextField(_("what the client said about it"), blank=True)
    history = HistoricalRecords(m2m_fields=[skills])

    def __str__(self) -> str:
        return f"Preferences {self.client_id}"


class MatchingWeights(TenantModel):
    """How much each part of a match weighs in this organisation."""

    capacity = models.FloatField(_("free capacity"), default=3.0)
    language = models.FloatField(_("language"), default=3.0)
    preference = models.FloatField(_("the client's preferences"), default=2.0)
    skills = models.FloatField(_("skills and training"), default=2.0)
    experience = models.FloatField(_("experience"), default=1.0)
    continuity = models.FloatField(_("continuity with this client"), default=2.0)
    demanding_factor = models.FloatField(
        _("factor for coerced and safeguarding-heavy episodes"), default=2.0,
        help_text=_("Skills and experience weigh this many times more in such episodes."))
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation"], name="matching_weights_one"),
            models.CheckConstraint(
                condition=models.Q(capacity__gte=0, language__gte=0, preference__gte=0,
                                   skills__gte=0, experience__gte=0, continuity__gte=0,
                                   demanding_factor__gte=1),
                name="matching_weights_ranges"),
        ]

    def __str__(self) -> str:
        return f"Weights {self.organisation_id}"


class ConflictKind(models.TextChoices):
    KNOWS_PRIVATELY = "knows_privately", _("Knows the client privately")
    FAMILY = "family", _("Family or close to the family")
    NEIGHBOUR = "neighbour", _("Neighbour or same small community")
    EARLIER_ROLE = "earlier_role", _("Earlier role in the client's life (another job)")
    OTHER = "other", _("Other")


class ConflictDeclaration(TenantModel):
    """A worker's declared conflict of interest with a client: the pairing is excluded."""

    worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("worker"))
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=ConflictKind.choices)
    note = models.TextField(_("about it"), blank=True)
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    declared_on = models.DateField(_("declared on"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["-declared_on", "-id"]
        indexes = [models.Index(fields=["organisation", "client"])]

    def __str__(self) -> str:
        return f"Conflict {self.worker_id}–{self.client_id}"


class ChangeRequest(TenantModel):
    """A client's request for another keyworker. No score, alert or mark follows from it:
    only the change itself, if the supervisor makes it, is recorded on the relationships."""

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("change request", "Waiting for the supervisor")
        APPROVED = "approved", pgettext_lazy("change request", "Approved")
        DECLINED = "declined", pgettext_lazy("change request", "Not changed")
        WITHDRAWN = "withdrawn", pgettext_lazy("change request", "Withdrawn by the client")

    relationship = models.ForeignKey("relationships.Relationship", on_delete=models.PROTECT,
                                     related_name="change_requests")
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason, in the client's words"), blank=True)
    reason_private = models.BooleanField(
        _("keep the reason from the keyworker"), default=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.PENDING)
    asked_at = models.DateTimeField(_("asked at"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", null=True, blank=True)
    decision_note = models.TextField(_("about the decision"), blank=True)
    new_relationship = models.ForeignKey(
        "relationships.Relationship", on_delete=models.PROTECT, related_name="+", null=True,
        blank=True)
    handover_note = models.TextField(_("handover note from the outgoing keyworker"),
                                     blank=True)
    handover_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", null=True, blank=True)
    joint_meeting_on = models.DateField(_("joint meeting on"), null=True, blank=True)
    joint_meeting_with = models.CharField(
        _("who takes part in the joint meeting"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-asked_at", "-id"]
        indexes = [models.Index(fields=["organisation", "status"])]
        constraints = [
            models.UniqueConstraint(fields=["relationship"], condition=models.Q(status="pending"),
                                    name="matching_one_pending_request"),
            models.CheckConstraint(
                condition=models.Q(status="pending") | models.Q(status="withdrawn")
                | models.Q(decided_at__isnull=False),
                name="matching_decided_has_time"),
        ]

    def __str__(self) -> str:
        return f"Change request {self.pk} ({self.status})"
