from __future__ import annotations

from typing import Any, NoReturn

from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(RuntimeError):
    pass


class AuditQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("The audit log is append-only.")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("The audit log is append-only.")


class AuditEvent(models.Model):
    """One read or write of client data. Rows are chained: each row's digest covers the
    previous row's digest, so a removed, changed or inserted row breaks the chain."""

    class Action(models.TextChoices):
        VIEW = "view", _("viewed")
        LIST = "list", _("listed")
        CREATE = "create", _("created")
        UPDATE = "update", _("changed")
        SIGN = "sign", _("signed")
        EXPORT = "export", _("exported")
        DENIED = "denied", _("was refused")
        SYSTEM = "system", _("system")

    occurred_at = models.DateTimeField(db_index=True)
    actor_id = models.BigIntegerField(null=True)
    actor_name = models.CharField(max_length=150, blank=True)
    actor_role = models.CharField(max_length=20, blank=True)
    organisation_id = models.BigIntegerField(null=True, db_index=True)
    client_id = models.BigIntegerField(null=True, db_index=True)
    action = models.CharField(max_length=10, choices=Action.choices)
    object_type = models.CharField(max_length=40, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    detail = models.CharField(max_length=500, blank=True)
    source = models.CharField(max_length=100, blank=True, help_text="IP address or command")
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["client_id", "occurred_at"])]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_name} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("The audit log is append-only.")
