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
