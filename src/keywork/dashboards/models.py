"""What the dashboards store of their own: the targets the administrator sets for the
manager's figures. Everything else on these pages is read from other apps."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from keywork.core.models import TenantModel
from keywork.domain import targets


class Target(TenantModel):
    """One figure's target for one organisation. The direction (at least, at most) is the
    figure's own (``keywork.domain.targets``); a figure without a row has no target."""

    class Figure(models.TextChoices):
        CONTACTS_PER_WEEK = targets.CONTACTS_PER_WEEK, _("Attended contacts per client per week")
        DID_NOT_ATTEND = targets.DID_NOT_ATTEND, _("Planned sessions not attended (per cent)")
        CLIENT_STARTED = targets.CLIENT_STARTED, _("Contacts the client started (per cent)")
        CLIENT_CHECKINS = targets.CLIENT_CHECKINS, _(
            "Relationships with a client check-in (per cent)")
        WORKER_CHECKINS = targets.WORKER_CHECKINS, _(
            "Relationships with a keyworker check-in (per cent)")
        COMPLETED_SHARE = targets.COMPLETED_SHARE, _("Ended episodes completed (per cent)")
        CLIENT_RATING = targets.CLIENT_RATING, _("Clients' mean rating of the relationship")
        OVER_LIMIT = targets.OVER_LIMIT, _("Keyworkers over their unit's caseload limit")

    figure = models.CharField(_("figure"), max_length=40, choices=Figure.choices)
    value = models.DecimalField(_("target"), max_digits=8, decimal_places=2)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "figure"],
                                    name="target_one_per_figure"),
            models.CheckConstraint(condition=models.Q(value__gte=0), name="target_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.figure}: {self.value}"
