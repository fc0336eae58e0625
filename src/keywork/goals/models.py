"""Goals negotiated with the client: who proposed them, where the client stands, first
steps, the kinds of support, and progress reviews from both sides.

The client's agreement is never a field that can be overwritten: each view (the client's
answer in their own words and the keyworker's view) is a new ``Stance`` row; the current
one is the latest, and every earlier one stays on the page.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from keywork.core.models import TenantModel
from keywork.domain.goals import DEFAULT_FIRST_STEP_DAYS


class ProposedBy(models.TextChoices):
    CLIENT = "client", _("The client")
    KEYWORKER = "keyworker", _("The keyworker")
    AUTHORITY = "authority", _("An authority (for example social services)")
    COURT = "court", _("A court or an order")


class Agreement(models.TextChoices):
    AGREES = "agrees", _("Agrees")
    DISAGREES = "disagrees", _("Disagrees")
    COULD_NOT_ANSWER = "could_not_answer", _("Could not answer")
    NOT_ASKED = "not_asked", _("Not yet asked")


class GoalStatus(models.TextChoices):
    TO_DISCUSS = "to_discuss", _("Proposed by the client, to discuss")
    OPEN = "open", _("Being worked on")
    REACHED = "reached", _("Reached")
    STOPPED = "stopped", _("Stopped")


class Doer(models.TextChoices):
    CLIENT = "client", _("The client")
    WORKER = "worker", _("The keyworker")
    OTHER = "other", _("Someone else")


class Goal(TenantModel):
    """One goal of an episode of care."""

    episode = models.ForeignKey("clients.Episode", on_delete=models.PROTECT,
                                related_name="goals")
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT,
                               related_name="goals")
    relationship = models.ForeignKey(
        "relationships.Relationship", on_delete=models.PROTECT, related_name="goals",
        help_text=_("The relationship in which the goal was set."))
    title = models.CharField(_("goal"), max_length=200)
    description = models.TextField(_("more about it"), blank=True, max_length=2000)
    proposed_by = models.CharField(_("who proposed it"), max_length=12,
                                   choices=ProposedBy.choices)
    status = models.CharField(_("status"), max_length=12, choices=GoalStatus.choices,
                              default=GoalStatus.OPEN)
    support_emotional = models.BooleanField(_("emotional support"), default=False)
    support_practical = models.BooleanField(_("practical support"), default=False)
    support_cognitive = models.BooleanField(
        _("cognitive support (information, a new perspective)"), default=False)
    support_advocacy = models.BooleanField(_("advocacy with authorities"), default=False)
    set_on = models.DateField(_("set on"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-set_on", "-id"]
        indexes = [models.Index(fields=["episode", "status"])]

    def __str__(self) -> str:
        return self.title


class StanceIsFinal(RuntimeError):
    pass


class Stance(TenantModel):
    """Where the client stands on a goal at one moment, and the keyworker's view. Added,
    never changed: dissent stays on record."""

    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="stances")
    agreement = models.CharField(_("the client's agreement"), max_length=20,
                                 choices=Agreement.choices)
    client_words = models.TextField(_("in the client's own words"), blank=True,
                                    max_length=2000)
    worker_view = models.TextField(_("the keyworker's view"), blank=True, max_length=2000)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_agreement_display()} {self.created_at:%Y-%m-%d}"

    def save(self, *args: object, **kwargs: object) -> None:
        """A stance is added, never changed: a new view is a new row."""
        if self.pk is not None and Stance.objects.filter(pk=self.pk).exists():
            raise StanceIsFinal("A recorded stance cannot be changed; add a new one.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class Step(TenantModel):
    """A first (or later) step toward a goal, with who does it and by when."""

    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="steps")
    text = models.CharField(_("step"), max_length=300)
    who = models.CharField(_("who does it"), max_length=8, choices=Doer.choices)
    who_else = models.CharField(_("who, if someone else"), max_length=120, blank=True)
    due_on = models.DateField(_("by when"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    taken_over = models.BooleanField(
        _("the client took this over themselves"), default=False,
        help_text=_("A step planned for someone else that the client did on their own."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.text

    @property
    def is_achievement(self) -> bool:
        return self.done_on is not None and (self.who == Doer.CLIENT or self.taken_over)


class Review(TenantModel):
    """A progress review: the client and the keyworker each rate progress 0–10."""

    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="reviews")
    reviewed_on = models.DateField(_("reviewed on"))
    client_rating = models.PositiveSmallIntegerField(_("the client's rating"), null=True,
                                                     blank=True)
    client_comment = models.TextField(_("the client's comment"), blank=True, max_length=2000)
    worker_rating = models.PositiveSmallIntegerField(_("the keyworker's rating"), null=True,
                                                     blank=True)
    worker_comment = models.TextField(_("the keyworker's comment"), blank=True,
                                      max_length=2000)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["reviewed_on", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(client_rating__lte=10),
                                   name="goal_review_client_rating_0_10"),
            models.CheckConstraint(condition=models.Q(worker_rating__lte=10),
                                   name="goal_review_worker_rating_0_10"),
        ]

    def __str__(self) -> str:
        return f"{self.goal} {self.reviewed_on:%Y-%m-%d}"


class Comment(TenantModel):
    """What the client wrote about a goal on their own page."""

    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="comments")
    text = models.TextField(_("comment"), max_length=2000)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.goal}: {self.created_at:%Y-%m-%d}"


class GoalPolicy(TenantModel):
    """The organisation's rule for goals: how soon the first step must be due."""

    first_step_days = models.PositiveSmallIntegerField(
        _("first step due within (days)"), default=DEFAULT_FIRST_STEP_DAYS)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation"], name="goal_policy_one_per_org"),
            models.CheckConstraint(
                condition=models.Q(first_step_days__gte=1, first_step_days__lte=90),
                name="goal_policy_days_1_90"),
        ]

    def __str__(self) -> str:
        return f"{self.first_step_days}"
