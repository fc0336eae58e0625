"""Supervision sessions: an agenda stored as a snapshot, notes, decisions and actions.

A signed session is read-only: the session, its agenda items and its actions refuse to be
changed (an action may still be marked done), and corrections come as addenda.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from keywork.core.models import TenantModel, refuse_change_once_signed


class SignedRecordError(RuntimeError):
    """Raised when anything tries to change a signed supervision record."""


class Kind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    GROUP = "group", _("Group")


SESSION_FROZEN = ("supervisor_id", "worker_id", "held_on", "kind", "notes", "decisions",
                  "worker_reflection", "agenda_since", "signed_at", "signed_by_id")


def _session_signed(session_id: int | None) -> bool:
    if session_id is None:
        return False
    return Session.objects.filter(pk=session_id, signed_at__isnull=False).exists()


class Session(TenantModel):
    """One supervision session with one keyworker (alone, or within a group)."""

    supervisor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="supervision_given",
                                   verbose_name=_("supervisor"))
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="supervision_received",
                               verbose_name=_("keyworker"))
    held_on = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices,
                            default=Kind.INDIVIDUAL)
    notes = models.TextField(_("notes"), blank=True, max_length=8000)
    decisions = models.TextField(_("decisions"), blank=True, max_length=4000)
    worker_reflection = models.TextField(_("the keyworker's reflection"), blank=True,
                                         max_length=4000)
    agenda_since = models.DateTimeField(_("agenda covers matters since"))
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-held_on", "-id"]
        indexes = [
            models.Index(fields=["organisation", "worker", "held_on"]),
            models.Index(fields=["organisation", "supervisor", "held_on"]),
        ]
        constraints = [
            models.CheckConstraint(condition=~models.Q(supervisor=models.F("worker")),
                                   name="supervision_not_self"),
        ]

    def __str__(self) -> str:
        return f"Supervision {self.held_on:%Y-%m-%d}"

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None

    def save(self, *args: Any, **kwargs: Any) -> None:
        """A signed record is read-only, whoever tries to change it."""
        refuse_change_once_signed(
            self, SESSION_FROZEN, SignedRecordError("A signed supervision record is read-only."))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if _session_signed(self.pk):
            raise SignedRecordError("A signed supervision record cannot be deleted.")
        return super().delete(*args, **kwargs)


ITEM_FROZEN = ("session_id", "source", "kind", "title", "detail", "url", "relationship_id",
               "client_id", "due", "ref", "priority", "position", "supervisor_only",
               "added_by_id", "notes", "decisions")


class AgendaItem(TenantModel):
    """One matter on a session's agenda: a copy of what a source said when the session
    was made (so the record stays as it was), or an item the supervisor added."""

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="items")
    source = models.CharField(max_length=30)
    kind = models.CharField(max_length=40)
    title = models.CharField(_("title"), max_length=300)
    detail = models.TextField(_("detail"), blank=True, max_length=2000)
    url = models.CharField(max_length=300, blank=True)
    relationship = models.ForeignKey("relationships.Relationship", on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, null=True,
                               blank=True, related_name="+")
    due = models.DateField(null=True, blank=True)
    ref = models.CharField(max_length=80, blank=True)
    priority = models.IntegerField(default=50)
    position = models.PositiveIntegerField(default=0)
    supervisor_only = models.BooleanField(default=False)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 null=True, blank=True, related_name="+",
                                 help_text="Set for items the supervisor added by hand.")
    notes = models.TextField(_("notes"), blank=True, max_length=4000)
    decisions = models.TextField(_("decisions"), blank=True, max_length=2000)
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        if _session_signed(self.session_id):
            stored = (AgendaItem.objects.filter(pk=self.pk).values(*ITEM_FROZEN).first()
                      if self.pk is not None else None)
            if stored is None or any(stored[f] != getattr(self, f) for f in ITEM_FROZEN):
                raise SignedRecordError("The session is signed: its agenda is read-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if _session_signed(self.session_id):
            raise SignedRecordError("The session is signed: its agenda is read-only.")
        return super().delete(*args, **kwargs)


ACTION_FROZEN = ("session_id", "item_id", "text", "owner_id", "due_on")


class Action(TenantModel):
    """Something someone will do before a date, agreed in supervision. After signing the
    action itself stays as agreed; only whether it is done can change."""

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="actions")
    item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="actions")
    text = models.CharField(_("action"), max_length=500)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                              related_name="supervision_actions", verbose_name=_("owner"))
    due_on = models.DateField(_("due"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                null=True, blank=True, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["organisation", "owner", "done_at"])]

    def __str__(self) -> str:
        return self.text

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    def save(self, *args: Any, **kwargs: Any) -> None:
        if _session_signed(self.session_id):
            stored = (Action.objects.filter(pk=self.pk).values(*ACTION_FROZEN).first()
                      if self.pk is not None else None)
            if stored is None or any(stored[f] != getattr(self, f) for f in ACTION_FROZEN):
                raise SignedRecordError("The session is signed: its actions are as agreed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if _session_signed(self.session_id):
            raise SignedRecordError("The session is signed: its actions are as agreed.")
        return super().delete(*args, **kwargs)


class Addendum(TenantModel):
    """Added to a signed session; the record above it stays as it was."""

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="addenda")
    text = models.TextField(_("addendum"), max_length=4000)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Addendum {self.created_at:%Y-%m-%d %H:%M}"
