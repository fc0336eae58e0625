"""Ending well: a checklist per keyworker relationship, kept with its history."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from keywork.core.models import TenantModel


class LastCheckin(models.TextChoices):
    NOT_YET = "not_yet", _("Not yet")
    OFFERED = "offered", _("Offered, not given yet")
    GIVEN = "given", _("Given")
    DECLINED = "declined", _("The client chose not to")
    NOT_POSSIBLE = "not_possible", _("Not possible (the client has left)")


class EndingChecklist(TenantModel):
    """What a good ending needs: a planned date, the client's progress named in words, what
    happens to contact afterwards, a handover, and the client's last check-in."""

    relationship = models.OneToOneField("relationships.Relationship",
                                        on_delete=models.PROTECT, related_name="ending_checklist")
    planned_end_on = models.DateField(_("planned ending date"), null=True, blank=True)
    progress_named = models.TextField(
        _("progress named"), blank=True, max_length=4000,
        help_text=_("The client's strengths and achievements, in words you have said to the "
                    "client."))
    contact_after = models.TextField(
        _("contact afterwards"), blank=True, max_length=2000,
        help_text=_("What happens to contact after the ending, as agreed with the client."))
    handover_needed = models.BooleanField(_("a handover is needed"), default=True)
    handover_to = models.CharField(_("handover to"), max_length=200, blank=True,
                                   help_text=_("A person, service or authority."))
    handover_what = models.TextField(_("what is handed over"), blank=True, max_length=2000)
    last_checkin = models.CharField(_("the client's last check-in"), max_length=14,
                                    choices=LastCheckin.choices, default=LastCheckin.NOT_YET)
    last_checkin_link = models.ForeignKey("checkins.CheckinLink", on_delete=models.SET_NULL,
                                          null=True, blank=True, related_name="+")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ending checklist")

    def __str__(self) -> str:
        return f"Ending checklist {self.relationship_id}"

    @property
    def last_checkin_done(self) -> bool:
        """Given, declined or impossible: nothing more to do about it."""
        if self.last_checkin_link is not None and self.last_checkin_link.used_at is not None:
            return True
        return self.last_checkin in (LastCheckin.GIVEN, LastCheckin.DECLINED,
                                     LastCheckin.NOT_POSSIBLE)
