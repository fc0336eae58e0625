"""Base model for every row that belongs to a tenant."""

from __future__ import annotations

from django.db import models


class TenantModel(models.Model):
    """Every row that belongs to an organisation carries ``organisation_id``."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


def refuse_change_once_signed(instance: models.Model, fields: tuple[str, ...],
                              error: Exception) -> None:
    """Raise ``error`` when the stored row is signed (``signed_at`` set) and this save would
    change any of ``fields``: a signed record is read-only, whoever tries to change it."""
    if instance.pk is None:
        return
    stored = (type(instance)._default_manager.filter(pk=instance.pk)
              .values("signed_at", *fields).first())
    if stored and stored["signed_at"] is not None and any(
            stored[f] != getattr(instance, f) for f in fields):
        raise error
