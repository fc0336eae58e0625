"""The client's mandate (confirmed power) and the basis of each advocacy contact.

A mandate is what the client asked or allowed the keyworker to do on their behalf. It is
withdrawn, never deleted: withdrawn and expired mandates stay visible as such. Each
advocacy contact from the contact log rests on a mandate or on formal power (with the legal
basis); that link lives here, beside the contact, not on it.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from keywork.core.models import TenantModel
from keywork.domain.mandates import mandate_state


class GivenHow(models.TextChoices):
    SPOKEN = "spoken", _("Spoken")
    WRITTEN = "written", _("Written")
    OWN_PAGE = "own_page", _("On the client's own page")


class Mandate(TenantModel):
    relationship = models.ForeignKey("relationships.Relationship", on_delete=models.PROTECT,
                                     related_name="mandates")
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT,
                               related_name="mandates")
    scope = models.TextField(_("what the worker may do"), max_length=1000)
    who_may_be_contacted = models.CharField(_("who may be contacted"), max_length=300)
    valid_from = models.DateField(_("from"))
    valid_until = models.DateField(_("until"), null=True, blank=True)
    given_how = models.CharField(_("how it was given"), max_length=10,
                                 choices=GivenHow.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", null=True, blank=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawn_by_client = models.BooleanField(_("withdrawn on the client's own page"),
                                              default=False)
    withdrawal_note = models.TextField(_("about the withdrawal"), blank=True,
                                       max_length=1000)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-valid_from", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="mandate_until_after_from"),
        ]

    def __str__(self) -> str:
        return self.scope[:60]

    def state_on(self, day: dt.date) -> str:
        return mandate_state(valid_from=self.valid_from, valid_until=self.valid_until,
                             withdrawn_on=self.withdrawn_on, today=day)


class Basis(models.TextChoices):
    MANDATE = "mandate", _("The client's mandate")
    FORMAL = "formal", _("Formal power")


class AdvocacyBasis(TenantModel):
    """What one advocacy contact rested on."""

    contact = models.OneToOneField("contacts.Contact", on_delete=models.PROTECT,
                                   related_name="advocacy_basis")
    relationship = models.ForeignKey("relationships.Relationship", on_delete=models.PROTECT,
                                     related_name="+")
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="+")
    basis = models.CharField(_("done on the basis of"), max_length=8, choices=Basis.choices)
    mandate = models.ForeignKey(Mandate, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="contacts")
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(basis="mandate", mandate__isnull=False)
                           | (models.Q(basis="formal", mandate__isnull=True)
                              & ~models.Q(legal_basis=""))),
                name="advocacy_basis_mandate_or_formal"),
        ]

    def __str__(self) -> str:
        return f"{self.get_basis_display()} ({self.contact_id})"
