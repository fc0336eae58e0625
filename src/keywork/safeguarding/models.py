"""Safeguarding: the client's household, routine enquiries, concerns with their decision,
and safety plans."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from keywork.core.models import TenantModel

DEFAULT_FIRST_ENQUIRY_DAYS = 14
DEFAULT_ENQUIRY_INTERVAL_DAYS = 90
# Hours within which a concern needs its decision before it escalates.
DEFAULT_URGENT_DECISION_HOURS = 4    # high risk, immediate danger, or about a child
DEFAULT_DECISION_HOURS = 72          # every other concern
URGENT_HOURS_RANGE = (1, 72)
DECISION_HOURS_RANGE = (1, 336)


class Jurisdiction(models.TextChoices):
    """Whose rules say what a worker does about a concern: the words shown to the keyworker
    once a concern is recorded."""
    SWEDEN = "se", _("Sweden")
    ENGLAND = "england", _("England")
    OTHER = "other", _("Other (the organisation's own instructions)")


class SafeguardingPolicy(TenantModel):
    """When routine enquiries fall due in this organisation."""

    first_enquiry_days = models.PositiveSmallIntegerField(
        _("days from the start of an episode to the first enquiries"),
        default=DEFAULT_FIRST_ENQUIRY_DAYS)
    enquiry_interval_days = models.PositiveSmallIntegerField(
        _("days between routine enquiries"), default=DEFAULT_ENQUIRY_INTERVAL_DAYS)
    jurisdiction = models.CharField(_("jurisdiction"), max_length=10,
                                    choices=Jurisdiction.choices, default=Jurisdiction.SWEDEN)
    instructions = models.TextField(
        _("the organisation's own instructions after a concern"), blank=True, max_length=2000)
    urgent_decision_hours = models.PositiveSmallIntegerField(
        _("hours to a decision on a high-risk concern or one about a child"),
        default=DEFAULT_URGENT_DECISION_HOURS)
    decision_hours = models.PositiveSmallIntegerField(
        _("hours to a decision on any other concern"), default=DEFAULT_DECISION_HOURS)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation"], name="safeguarding_policy_one"),
            models.CheckConstraint(condition=models.Q(first_enquiry_days__lte=365),
                                   name="safeguarding_first_within_year"),
            models.CheckConstraint(condition=models.Q(enquiry_interval_days__gte=7,
                                                      enquiry_interval_days__lte=730),
                                   name="safeguarding_interval_range"),
            models.CheckConstraint(condition=models.Q(
                urgent_decision_hours__gte=URGENT_HOURS_RANGE[0],
                urgent_decision_hours__lte=URGENT_HOURS_RANGE[1]),
                name="safeguarding_urgent_hours_range"),
            models.CheckConstraint(condition=models.Q(
                decision_hours__gte=DECISION_HOURS_RANGE[0],
                decision_hours__lte=DECISION_HOURS_RANGE[1]),
                name="safeguarding_decision_hours_range"),
        ]

    def __str__(self) -> str:
        return f"{self.first_enquiry_days}/{self.enquiry_interval_days}"


class MemberKind(models.TextChoices):
    CHILD = "child", _("Child")
    ADULT = "adult", _("Adult")


class LivesWith(models.TextChoices):
    YES = "yes", _("Lives with the client")
    PART = "part", _("Part of the time")
    NO = "no", _("Lives elsewhere")


class Responsibility(models.TextChoices):
    YES = "yes", _("Yes")
    SHARED = "shared", _("Shared")
    NO = "no", _("No")
    UNKNOWN = "unknown", _("Not known")


class HouseholdMember(TenantModel):
    """A child of the client, or another member of the client's household."""

    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT,
                               related_name="household")
    kind = models.CharField(_("child or adult"), max_length=8, choices=MemberKind.choices)
    name = models.CharField(_("first name or initials"), max_length=120)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    relation = models.CharField(_("relation to the client"), max_length=120, blank=True)
    lives_with = models.CharField(_("lives with the client"), max_length=8,
                                  choices=LivesWith.choices, default=LivesWith.YES)
    parental_responsibility = models.CharField(
        _("the client has parental responsibility"), max_length=8,
        choices=Responsibility.choices, blank=True)
    agencies = models.TextField(_("other agencies involved"), blank=True, max_length=2000)
    note = models.TextField(_("note"), blank=True, max_length=2000)
    left_on = models.DateField(_("no longer in the household since"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "birth_year", "name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(birth_year__isnull=True)
                | models.Q(birth_year__gte=1900, birth_year__lte=2200),
                name="household_birth_year_range"),
            models.CheckConstraint(
                condition=~models.Q(kind="child") | ~models.Q(parental_responsibility=""),
                name="household_child_has_responsibility"),
        ]

    def __str__(self) -> str:
        return self.name

    def age_in(self, year: int) -> int | None:
        return None if self.birth_year is None else max(0, year - self.birth_year)


class Topic(models.TextChoices):
    CHILDREN = "children", _("The children's welfare")
    PARTNER_VIOLENCE = "partner_violence", _("Partner violence")


class EnquiryOutcome(models.TextChoices):
    NO_CONCERN = "no_concern", _("Asked: nothing of concern")
    CONCERN = "concern", _("Asked: there is a concern")
    DECLINED = "declined", _("Asked: the client chose not to talk about it")


class Enquiry(TenantModel):
    """A routine enquiry, asked in private, about the children or partner violence."""

    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT,
                               related_name="safeguarding_enquiries")
    episode = models.ForeignKey("clients.Episode", on_delete=models.PROTECT,
                                related_name="safeguarding_enquiries")
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    asked_on = models.DateField(_("asked on"))
    asked_in_private = models.BooleanField(_("asked in private"))
    outcome = models.CharField(_("outcome"), max_length=12, choices=EnquiryOutcome.choices)
    note = models.TextField(_("note"), blank=True, max_length=4000)
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="+", verbose_name=_("asked by"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["-asked_on", "-id"]
        indexes = [models.Index(fields=["episode", "topic", "asked_on"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(asked_in_private=True),
                                   name="enquiry_asked_in_private"),
        ]

    def __str__(self) -> str:
        return f"{self.get_topic_display()} {self.asked_on:%Y-%m-%d}"


class Category(models.TextChoices):
    CHILD = "child", _("A child's welfare or safety")
    PARTNER_VIOLENCE = "partner_violence", _("Partner violence")
    HARM_TO_SELF = "harm_to_self", _("Risk of harm to the client")
    HARM_TO_OTHERS = "harm_to_others", _("Risk of harm to others")
    VULNERABLE_ADULT = "vulnerable_adult", _("An adult at risk")
    OTHER = "other", _("Other")


class Risk(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    IMMEDIATE = "immediate", _("Immediate danger")


class ConcernStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Concern(TenantModel):
    """A safeguarding concern and the decision taken about it. It closes only once the
    decision is recorded."""

    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT,
                               related_name="safeguarding_concerns")
    relationship = models.ForeignKey("relationships.Relationship", on_delete=models.PROTECT,
                                     related_name="+", null=True, blank=True)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    description = models.TextField(_("what happened or what was said"), max_length=8000)
    risk_level = models.CharField(_("risk level"), max_length=10, choices=Risk.choices)
    status = models.CharField(_("status"), max_length=8, choices=ConcernStatus.choices,
                              default=ConcernStatus.OPEN)
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("raised by"))
    # The decision
    notify_authority = models.BooleanField(_("an authority is notified"), null=True,
                                           blank=True)
    authority = models.CharField(_("which authority"), max_length=200, blank=True)
    notified_on = models.DateField(_("notified on"), null=True, blank=True)
    decision_reason = models.TextField(_("why"), blank=True, max_length=4000)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", null=True, blank=True,
                                   verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    client_told = models.BooleanField(_("the client was told"), null=True, blank=True)
    client_told_on = models.DateField(_("the client was told on"), null=True, blank=True)
    client_not_told_reason = models.TextField(_("why the client was not told"), blank=True,
                                              max_length=4000)
    # The supervisor's review of the decision
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", null=True, blank=True,
                                    verbose_name=_("reviewed by"))
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.TextField(_("supervisor's review"), blank=True, max_length=4000)
    # Closing
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+", null=True, blank=True,
                                  verbose_name=_("closed by"))
    closing_note = models.TextField(_("about the closing"), blank=True, max_length=4000)
    # Set once, when the concern passed its time limit without a decision and went on to
    # the unit's other supervisors and the managers.
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organisation", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="open") | models.Q(decided_at__isnull=False),
                name="concern_closed_has_decision"),
            models.CheckConstraint(
                condition=models.Q(status="open") | models.Q(closed_at__isnull=False),
                name="concern_closed_has_time"),
            models.CheckConstraint(
                condition=models.Q(decided_at__isnull=True) | (
                    models.Q(notify_authority__isnull=False, client_told__isnull=False)
                    & ~models.Q(decision_reason="")),
                name="concern_decision_complete"),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} ({self.get_status_display()})"

    @property
    def is_decided(self) -> bool:
        return self.decided_at is not None

    @property
    def is_urgent(self) -> bool:
        """High risk, immediate danger, or about a child: it reaches the unit's
        supervisors at once."""
        return (self.risk_level in (Risk.HIGH, Risk.IMMEDIATE)
                or self.category == Category.CHILD)

    def decision_due(self, policy: SafeguardingPolicy) -> dt.datetime:
        hours = policy.urgent_decision_hours if self.is_urgent else policy.decision_hours
        return self.created_at + dt.timedelta(hours=hours)

    @property
    def is_open(self) -> bool:
        return self.status == ConcernStatus.OPEN


class SafetyPlan(TenantModel):
    """A safety plan attached to a concern: a structured text, and a document if one was
    written elsewhere (stored under the data directory, served only through its view)."""

    concern = models.OneToOneField(Concern, on_delete=models.PROTECT,
                                   related_name="safety_plan")
    warning_signs = models.TextField(_("warning signs"), blank=True, max_length=4000)
    steps = models.TextField(_("what the client and others will do"), blank=True,
                             max_length=4000)
    contacts = models.TextField(_("who to call, and how"), blank=True, max_length=4000)
    children = models.TextField(_("arrangements for the children"), blank=True,
                                max_length=4000)
    agreed_with_client = models.BooleanField(_("agreed with the client"), default=False)
    review_on = models.DateField(_("review on"), null=True, blank=True)
    file_path = models.CharField(max_length=200, blank=True, editable=False)
    file_name = models.CharField(_("document"), max_length=200, blank=True)
    file_type = models.CharField(max_length=60, blank=True)
    file_size = models.PositiveIntegerField(default=0)
    file_sha256 = models.CharField(max_length=64, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Safety plan {self.concern_id}"

    @property
    def has_file(self) -> bool:
        return bool(self.file_path)
