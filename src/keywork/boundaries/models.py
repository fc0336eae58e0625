"""The boundary register, contact agreements and the organisation's boundary settings."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from keywork.contacts.models import Channel
from keywork.core.models import TenantModel
from keywork.domain import boundaries as rules


class Kind(models.TextChoices):
    GIFT = "gift", _("A gift or money offered")
    PERSONAL_DETAILS = "personal_details", _("Personal details shared by the worker")
    PERSONAL_PHONE = "personal_phone", _("Personal phone number given or personal device used")
    MESSAGES = "messages", _("Messages beyond brief practical matters")
    SOCIAL_MEDIA = "social_media", _("Contact on social media")
    SOCIAL_CONTACT = "social_contact", _("Social contact outside work")
    INVITATION = "invitation", _("An invitation to the client's event")
    CONTACT_AFTER_ENDING = "contact_after_ending", _("Contact after the episode ended")
    PHYSICAL_CONTACT = "physical_contact", _("Physical contact")
    CONFLICT_OF_INTEREST = "conflict_of_interest", _("A private connection or conflict of "
                                                     "interest")
    OTHER = "other", _("Other")


class Severity(models.TextChoices):
    MINOR = rules.MINOR, _("Minor")
    SIGNIFICANT = rules.SIGNIFICANT, _("Significant")
    SERIOUS = rules.SERIOUS, _("Serious")


class Source(models.TextChoices):
    DECLARED = "declared", _("Declared by the worker")
    RECORDED = "recorded", _("Recorded by a colleague or supervisor")
    CONTACT_LOG = "contact_log", _("From the contact log")
    CLIENT = "client", _("Raised by the client")


class Outcome(models.TextChoices):
    NOTED = "noted", _("Discussed; no further action")
    REAFFIRMED = "reaffirmed", _("Boundary reaffirmed with the client")
    PLAN = "plan", _("A plan agreed with the worker")
    RETURNED = "returned", _("Gift returned or declined afterwards")
    CHANGE_WORKER = "change_worker", _("Keyworker to be changed")
    ESCALATED = "escalated", _("Taken further (manager or HR)")


WEEKDAY_NAMES = (_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"),
                 _("Saturday"), _("Sunday"))


class BoundarySettings(models.Model):
    """An organisation's choices for the boundary register. Missing row: the defaults."""

    organisation = models.OneToOneField("organisations.Organisation", on_delete=models.PROTECT,
                                        related_name="boundary_settings")
    drift_count = models.PositiveSmallIntegerField(
        _("minor events that make a drift"), default=rules.DRIFT_COUNT)
    drift_window_days = models.PositiveSmallIntegerField(
        _("within this many days"), default=rules.DRIFT_WINDOW_DAYS)
    post_closure_days = models.PositiveSmallIntegerField(
        _("post-closure period in days"), default=rules.POST_CLOSURE_DAYS)
    severity_defaults = models.JSONField(
        _("default severity per kind"), default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("boundary settings")
        verbose_name_plural = _("boundary settings")
        constraints = [
            models.CheckConstraint(condition=models.Q(drift_count__gte=2),
                                   name="boundary_drift_count_two"),
            models.CheckConstraint(condition=models.Q(drift_window_days__gte=1),
                                   name="boundary_drift_window_day"),
        ]

    def __str__(self) -> str:
        return f"Boundary settings {self.organisation_id}"

    def severity_for(self, kind: str) -> str:
        return rules.severity_for(kind, self.severity_defaults)


class BoundaryEvent(TenantModel):
    """One boundary event between a worker and a client: what happened, the worker's
    reflection and the supervisor's review."""

    worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="boundary_events", verbose_name=_("worker"))
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT,
                               related_name="boundary_events", verbose_name=_("client"))
    relationship = models.ForeignKey(
        "relationships.Relationship", on_delete=models.PROTECT, null=True, blank=True,
        related_name="boundary_events", verbose_name=_("relationship"))
    kind = models.CharField(_("what happened"), max_length=24, choices=Kind.choices)
    severity = models.CharField(_("severity"), max_length=12, choices=Severity.choices)
    source = models.CharField(_("how it was recorded"), max_length=12, choices=Source.choices)
    occurred_on = models.DateField(_("when it happened"))
    context = models.TextField(_("what happened, in context"), max_length=4000)
    accepted = models.BooleanField(_("accepted"), null=True, blank=True)
    value = models.DecimalField(_("value"), max_digits=9, decimal_places=2, null=True,
                                blank=True)
    that_event_only = models.BooleanField(_("for that event only"), default=False)
    after_closure_reason = models.TextField(_("why there was contact after the ending"),
                                            blank=True, max_length=2000)
    contact = models.ForeignKey("contacts.Contact", on_delete=models.PROTECT, null=True,
                                blank=True, related_name="boundary_events")
    reflection = models.TextField(_("the worker's reflection"), blank=True, max_length=4000)
    reflected_at = models.DateTimeField(_("reflected at"), null=True, blank=True)
    outcome = models.CharField(_("outcome of the review"), max_length=16,
                               choices=Outcome.choices, blank=True)
    review_note = models.TextField(_("supervisor's review"), blank=True, max_length=4000)
    reviewed_on = models.DateField(_("reviewed on"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-occurred_on", "-id"]
        indexes = [
            models.Index(fields=["relationship", "occurred_on"]),
            models.Index(fields=["worker", "client", "kind"]),
            models.Index(fields=["organisation", "kind", "occurred_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(value__isnull=True) | models.Q(value__gte=0),
                name="boundary_value_not_negative"),
            models.CheckConstraint(
                condition=models.Q(reviewed_on__isnull=True) | ~models.Q(outcome=""),
                name="boundary_review_has_outcome"),
            models.CheckConstraint(
                condition=~models.Q(kind="contact_after_ending")
                | ~models.Q(after_closure_reason=""),
                name="boundary_after_closure_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_on:%Y-%m-%d}"

    @property
    def is_reviewed(self) -> bool:
        return self.reviewed_on is not None

    @property
    def from_client(self) -> bool:
        return self.source == Source.CLIENT


class ContactAgreement(TenantModel):
    """A structured contact plan for one relationship. It shows; it blocks nobody."""

    relationship = models.OneToOneField("relationships.Relationship", on_delete=models.PROTECT,
                                        related_name="contact_agreement")
    per_week = models.PositiveSmallIntegerField(
        _("contacts per week"), null=True, blank=True,
        help_text=_("Leave empty for no agreed number."))
    channels = models.JSONField(_("channels"), default=list, blank=True)
    weekdays = models.JSONField(_("days"), default=list, blank=True)
    hours_from = models.TimeField(_("from"), null=True, blank=True)
    hours_to = models.TimeField(_("to"), null=True, blank=True)
    client_tasks = models.TextField(
        _("what the client takes over themselves"), blank=True, max_length=4000)
    note = models.TextField(_("anything else agreed"), blank=True, max_length=4000)
    agreed_on = models.DateField(_("agreed on"))
    review_on = models.DateField(_("look at it again on"), null=True, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(hours_from__isnull=True) & models.Q(hours_to__isnull=True))
                | (models.Q(hours_from__isnull=False) & models.Q(hours_to__isnull=False)),
                name="agreement_hours_both_or_neither"),
        ]

    def __str__(self) -> str:
        return f"Contact agreement {self.relationship_id}"

    @property
    def channel_labels(self) -> list[str]:
        labels = dict(Channel.choices)
        return [str(labels.get(c, c)) for c in self.channels]

    @property
    def weekday_labels(self) -> list[str]:
        return [str(WEEKDAY_NAMES[int(d)]) for d in self.weekdays if 0 <= int(d) <= 6]

    def as_rule(self) -> rules.Agreement:
        return rules.Agreement(per_week=self.per_week, channels=frozenset(self.channels),
                               weekdays=frozenset(int(d) for d in self.weekdays),
                               hours_from=self.hours_from, hours_to=self.hours_to)
