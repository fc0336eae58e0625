"""What emergency access brings to supervision and to a supervisor's inbox: emergency reads
that wait for review."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from keywork.breakglass.models import Grant
from keywork.clients.models import Episode
from keywork.core.matters import HIGH, Matter, Scope
from keywork.organisations.models import Role


def emergency_read_items(scope: Scope) -> list[Matter]:
    """The agenda: the keyworker's own emergency reads to review. An inbox: a supervisor's
    reads to review by the keyworkers they supervise and about the clients of their units,
    never their own (another supervisor reviews those); a keyworker has none to act on."""
    wanted = Q(user_id__in=scope.worker_ids)
    viewer = scope.viewer
    if not scope.worker_copy:
        if viewer is None or viewer.role != Role.SUPERVISOR:
            return []
        if scope.unit_ids:
            wanted |= Q(client_id__in=Episode.objects.filter(
                organisation_id=scope.organisation_id,
                unit_id__in=scope.unit_ids).values("client_id"))
    grants = Grant.objects.filter(wanted, organisation_id=scope.organisation_id).to_review()
    if not scope.worker_copy and viewer is not None:
        grants = grants.exclude(user_id=viewer.user_id)
    return [Matter(
        source="breakglass", kind="emergency_read_to_review",
        title=_("Emergency access to review"),
        detail=_("Opened on %(when)s: %(reason)s") % {
            "when": timezone.localtime(g.granted_at).strftime("%Y-%m-%d %H:%M"),
            "reason": g.reason},
        url=reverse("breakglass:review", kwargs={"pk": g.pk}), client_id=g.client_id,
        ref=f"grant:{g.pk}", priority=15, severity=HIGH, since=g.granted_at,
        action=_("Review the access: was it needed, and was the record used for that "
                 "need only?")) for g in grants.order_by("granted_at", "id")]
