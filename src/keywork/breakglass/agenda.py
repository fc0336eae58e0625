"""What emergency access brings to a keyworker's supervision: their emergency reads that
wait for review."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from keywork.breakglass.models import Grant
from keywork.core.matters import Matter


def emergency_read_items(*, organisation_id: int, worker_id: int, since: dt.datetime,
                         viewer: Any = None) -> list[Matter]:
    grants = Grant.objects.filter(organisation_id=organisation_id,
                                  user_id=worker_id).to_review().order_by("granted_at")
    return [Matter(
        source="breakglass", kind="emergency_read_to_review",
        title=_("Emergency access to review"),
        detail=_("Opened on %(when)s: %(reason)s") % {
            "when": timezone.localtime(g.granted_at).strftime("%Y-%m-%d %H:%M"),
            "reason": g.reason},
        url=reverse("breakglass:review", kwargs={"pk": g.pk}), client_id=g.client_id,
        ref=f"grant:{g.pk}", priority=15) for g in grants]
