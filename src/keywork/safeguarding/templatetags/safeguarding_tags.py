"""The safeguarding panel on the client page, and small display helpers."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from keywork.audit.services import audit_record
from keywork.breakglass.selectors import active_grant
from keywork.safeguarding.models import ConcernStatus, HouseholdMember, MemberKind

register = template.Library()


@register.filter
def age_in(member: HouseholdMember, year: int) -> int | None:
    return member.age_in(int(year))


@register.inclusion_tag("safeguarding/_panel_body.html", takes_context=True)
def safeguarding_panel(context: dict[str, Any], client: Any) -> dict[str, Any]:
    """A summary on the client page, shown after the client accessor has been passed (the
    page is only rendered for someone who may read the client). It only reads: overdue
    enquiries are shown from the due dates, and their alerts are raised by the nightly
    ``check_safeguarding`` (recording the enquiry resolves them). The summary is itself
    recorded as a view of safeguarding data."""
    from keywork.safeguarding.selectors import enquiries_due

    request = context.get("request")
    user = getattr(request, "user", None)
    membership = getattr(request, "membership", None)
    due = enquiries_due(client)
    children = HouseholdMember.objects.filter(client=client, kind=MemberKind.CHILD,
                                              left_on__isnull=True).count()
    concerns = client.safeguarding_concerns.filter(status=ConcernStatus.OPEN)
    open_count = concerns.count()
    undecided = concerns.filter(decided_at__isnull=True).count()
    if membership is not None:
        audit_record(actor=user, action="view", role=membership.role,
                     organisation_id=client.organisation_id, client_id=client.pk, obj=client,
                     detail="safeguarding summary")
    return {"client": client, "overdue": [d for d in due if d.is_overdue],
            "children": children, "open_concerns": open_count, "undecided": undecided,
            "grant": active_grant(user=user, client_id=client.pk) if user else None,
            "today": timezone.localdate()}
